"""Tolerating the Windows taint without selecting Windows nodes."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...k8s.labels import OS_LABELS
from ...k8s.taints import tolerates
from ..base import Hit, rule
from ._common import GUIDE


@rule(
    id="windows-toleration-without-selector",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="pod",
    per_targeting=True,
    summary="the pod tolerates the Windows taint but does not select Windows nodes",
    explanation="""A toleration only allows a pod onto tainted nodes; it does not send it there. Upstream
    guidance pairs the os=windows:NoSchedule toleration with a kubernetes.io/os: windows nodeSelector,
    otherwise the pod may still land on Linux nodes.""",
    fix="Add nodeSelector kubernetes.io/os: windows next to the toleration.",
    source=GUIDE,
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: nginx:1.27}]
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
    if ctx.view.kind == "DaemonSet" or any(k in t.node_selector for k in OS_LABELS) or t.os_intent == "linux":
        return
    for i, tol in enumerate(ctx.view.spec.get("tolerations") or []):
        if not isinstance(tol, dict) or not tol.get("key"):
            continue  # tolerate-everything tolerations are not about Windows
        for pool in ctx.profile.windows_pools:
            if any(tolerates(tol, taint) for taint in pool.taints) and any(p.os == "linux" for p in t.landing):
                yield Hit(ctx.view.path("tolerations", i), f"tolerates {pool.name}'s taint but nothing selects Windows nodes")
                return
