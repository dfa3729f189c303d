"""A Linux pod that the scheduler may place on Windows nodes."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import GUIDE, pools_text


@rule(
    id="linux-pod-can-land-on-windows",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="a pod meant for Linux can be scheduled onto Windows nodes",
    explanation="""Windows nodes that are not tainted accept any pod the selectors allow. A Linux pod placed
    there fails to pull its image ("no match for platform in manifest: not found") or to start
    ("image operating system "linux" cannot be used on this platform") and loops in ImagePullBackOff.""",
    fix="Add nodeSelector kubernetes.io/os: linux (and taint Windows nodes os=windows:NoSchedule).",
    source=f"{GUIDE}; failure catalogue E4, E5, E27",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      tolerations: [{operator: Exists}]
      containers: [{name: web, image: nginx:1.27}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      nodeSelector: {kubernetes.io/os: linux}
      tolerations: [{operator: Exists}]
      containers: [{name: web, image: nginx:1.27}]
    """,
)
def check(ctx):
    t = ctx.targeting
    if t.os_intent != "linux" or ctx.view.kind == "DaemonSet":
        return
    windows = [p for p in t.landing if p.os == "windows"]
    if windows:
        yield Hit(ctx.view.path("nodeSelector"),
                  f"meant for Linux ({'; '.join(t.evidence)}) but can be scheduled onto {pools_text(windows)}",
                  fix="add nodeSelector kubernetes.io/os: linux")
