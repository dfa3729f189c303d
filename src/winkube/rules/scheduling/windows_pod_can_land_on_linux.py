"""A Windows pod that the scheduler may place on Linux nodes."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import GUIDE, os_fix, pools_text


@rule(
    id="windows-pod-can-land-on-linux",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="a pod meant for Windows can be scheduled onto Linux nodes",
    explanation="""The scheduler does not look at spec.os or at the image's OS: only node selectors,
    affinity and taints steer a pod. A Windows pod without a kubernetes.io/os: windows selector can land
    on a Linux node, where it is refused by the kubelet (with spec.os) or fails to pull or start its
    Windows image ("no match for platform in manifest").""",
    fix="Add nodeSelector kubernetes.io/os: windows (and the toleration for your Windows taint), or a RuntimeClass that carries them.",
    source=f"{GUIDE}; failure catalogue E4/E5",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    t = ctx.targeting
    if t.os_intent != "windows":
        return  # (DaemonSets too: a Windows DaemonSet that reaches Linux nodes fails on every one of them)
    linux = [p for p in t.landing if p.os == "linux"]
    if linux:
        yield Hit(ctx.view.path("nodeSelector"),
                  f"meant for Windows ({'; '.join(t.evidence)}) but can be scheduled onto {pools_text(linux)}",
                  fix=os_fix("windows", ctx))
