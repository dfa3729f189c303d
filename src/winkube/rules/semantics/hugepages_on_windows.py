"""hugepages resources on a Windows-bound pod: Windows nodes offer none."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.paths import Key
from ..base import Hit, rule
from ._common import INTRO, windows_bound


@rule(
    id="hugepages-on-windows",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="hugepages-* resources on a pod bound for Windows nodes",
    explanation="""Windows nodes do not expose HugePages, so a pod that requests hugepages-2Mi or
    hugepages-1Gi fits no Windows node and stays Pending (Insufficient hugepages).""",
    fix="Remove hugepages requests and limits from the Windows workload.",
    source=f"{INTRO} (HugePages are not supported for Windows containers)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", resources: {limits: {hugepages-2Mi: 64Mi, memory: 1Gi}}}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", resources: {limits: {memory: 1Gi}}}]
    """,
)
def check(ctx):
    if not windows_bound(ctx):
        return
    for c in ctx.view.containers():
        res = c.container.get("resources")
        if not isinstance(res, dict):
            continue
        for kind in ("requests", "limits"):
            values = res.get(kind)
            if isinstance(values, dict):
                for name in values:
                    if isinstance(name, str) and name.startswith("hugepages-"):
                        yield Hit(c.path + ("resources", kind, Key(name)), f"container {c.name} asks for {name}, which Windows nodes do not have")
