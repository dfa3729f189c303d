"""A pod that says nothing about its OS, in a cluster where it can land on both."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import GUIDE, pools_text


@rule(
    id="no-os-targeting",
    stage=Stage.SCHEDULING,
    severity=Severity.WARNING,
    scope="pod",
    per_targeting=True,
    summary="no OS targeting, and the pod can land on both Linux and Windows nodes",
    explanation="""Neither spec.os, a kubernetes.io/os selector, a RuntimeClass nor its images tell which OS
    the pod needs, and the cluster has Windows nodes it tolerates. Sooner or later it lands on the wrong
    OS. Upstream guidance: put a nodeSelector on every pod in a mixed cluster.""",
    fix="Add nodeSelector kubernetes.io/os: linux (or windows) and spec.os.name.",
    source=GUIDE,
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      tolerations: [{key: os, operator: Exists}]
      containers: [{name: web, image: nginx:1.27}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      tolerations: [{key: os, operator: Exists}]
      containers: [{name: web, image: nginx:1.27}]
    """,
)
def check(ctx):
    t = ctx.targeting
    if t.os_intent is not None or ctx.view.kind == "DaemonSet":
        return
    if {"linux", "windows"} <= t.landing_os:
        windows = [p for p in t.landing if p.os == "windows"]
        yield Hit(ctx.view.path("nodeSelector"), f"no OS targeting: can be scheduled onto Linux and onto {pools_text(windows)}")
