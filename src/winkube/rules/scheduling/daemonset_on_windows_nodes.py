"""A DaemonSet that is not for Windows but would also run on Windows nodes."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import GUIDE, pools_text


@rule(
    id="daemonset-on-windows-nodes",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="a DaemonSet not meant for Windows would also run a pod on every Windows node",
    explanation="""A DaemonSet places a pod on every node its selectors and tolerations allow; tolerating
    everything (operator: Exists) also tolerates the Windows taint. Linux DaemonSets (CNI, log and
    monitoring agents) then fail on each Windows node: "network host not found", ImagePullBackOff.""",
    fix="Add nodeSelector kubernetes.io/os: linux to the DaemonSet's pod template.",
    source=f"{GUIDE}; failure catalogue E27 (microsoft/SDN#274, flannel-io/flannel#1459)",
    fails=r"""
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: log-agent}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          tolerations: [{operator: Exists}]
          containers: [{name: agent, image: fluent/fluent-bit:3.1}]
    """,
    passes=r"""
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: log-agent}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          nodeSelector: {kubernetes.io/os: linux}
          tolerations: [{operator: Exists}]
          containers: [{name: agent, image: fluent/fluent-bit:3.1}]
    """,
)
def check(ctx):
    t = ctx.targeting
    if ctx.view.kind != "DaemonSet" or t.os_intent == "windows":
        return
    windows = [p for p in t.landing if p.os == "windows"]
    if windows and (t.os_intent == "linux" or "linux" in t.landing_os):
        yield Hit(ctx.view.path("nodeSelector"), f"would run on {pools_text(windows)} too"
                  + (f" although it is meant for Linux ({'; '.join(t.evidence)})" if t.os_intent == "linux" else ""),
                  fix="add nodeSelector kubernetes.io/os: linux")
