"""A RuntimeClass whose scheduling.nodeSelector matches no node pool of the cluster profile."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_RUNTIMECLASS, is_runtime_class, matching_pools, node_selector, pool_mismatch


@rule(
    id="runtimeclass-selector-matches-no-pool",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="runtimeclass",
    summary="the RuntimeClass's scheduling.nodeSelector matches none of the cluster's node pools",
    explanation="""The RuntimeClass admission plugin adds scheduling.nodeSelector to every pod that names
    the class, so if no node carries all of its labels — typically a windows-build label for a Windows
    version the cluster does not run — every such pod stays Pending. Judged against the node pools of
    the cluster profile (the profile file, or the Node objects in the input).""",
    fix="Make scheduling.nodeSelector match the labels of the intended node pool (kubernetes.io/os, node.kubernetes.io/windows-build).",
    source=SRC_RUNTIMECLASS,
    fails=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: win2019}
    handler: runhcs-wcow-process
    scheduling:
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.17763"}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
    """,
    passes=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: win2022}
    handler: runhcs-wcow-process
    scheduling:
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
    """,
)
def check(ctx):
    obj = ctx.obj
    if not is_runtime_class(obj):
        return
    selector = node_selector(obj)
    pools = ctx.profile.pools
    if not selector or not pools or matching_pools(selector, pools):
        return
    wanted = ", ".join(f"{k}={v}" for k, v in selector.items())
    why = "; ".join(pool_mismatch(selector, p) for p in pools)
    # Against the embedded default's guessed pools this is only a warning: the real cluster may have them.
    yield Hit(("scheduling", "nodeSelector"), f"nodeSelector {wanted} matches no node pool of the profile ({ctx.profile.source}): {why}",
              severity=Severity.WARNING if ctx.profile.assumed else None)
