"""A pod that fits none of the profile's node pools."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import default_profile


@rule(
    id="no-schedulable-pool",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="pod",
    summary="the pod fits none of the cluster profile's node pools and would stay Pending",
    explanation="""Every node pool is excluded by one of kube-scheduler's filters: NodeAffinity (nodeSelector or
    required affinity), TaintToleration, NodeUnschedulable or NodeResourcesFit. The pod stays Pending
    with "0/N nodes are available". With the embedded default profile this may only mean the profile
    does not know your pools' labels: give --profile or your Node objects (kubectl get nodes -o yaml).""",
    fix="Match the selector and tolerations to a real pool, or lower the requests.",
    source="kubernetes/kubernetes: pkg/scheduler/framework/plugins (nodeaffinity, tainttoleration, nodeunschedulable, noderesources)",
)
def check(ctx):
    t = ctx.targeting
    if t.landing or not t.fits or ctx.view.spec.get("nodeName"):
        return
    reasons = "; ".join(f"{f.pool.name}: {f.failures[0][0]} ({f.failures[0][1]})" for f in t.fits)
    hit_path = ctx.view.path("nodeSelector") if t.node_selector else ctx.view.prefix
    yield Hit(hit_path, f"fits no node pool of the profile ({ctx.profile.source}): {reasons}",
              severity=Severity.WARNING if default_profile(ctx) else None)
