"""A Windows RuntimeClass that does not tolerate the taints of the Windows pools it selects."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...k8s.taints import untolerated
from ..base import Hit, rule
from ._common import SRC_RUNTIMECLASS, is_runtime_class, matching_pools, node_selector, selects_windows, tolerations


@rule(
    id="runtimeclass-windows-toleration-missing",
    stage=Stage.SCHEDULING,
    severity=Severity.WARNING,
    scope="runtimeclass",
    summary="a Windows RuntimeClass does not tolerate the taints of the Windows node pools it selects",
    explanation="""The upstream RuntimeClass pattern for Windows carries both the nodeSelector
    (kubernetes.io/os=windows, the windows-build label) and the toleration for the os=windows:NoSchedule
    taint recommended for Windows nodes, so that pods only need runtimeClassName. A Windows
    RuntimeClass without the toleration leaves every pod to bring its own; pods that do not stay
    Pending. Judged against the NoSchedule / NoExecute taints of the profile's Windows pools that the
    selector matches (all Windows pools when it matches none:
    runtimeclass-selector-matches-no-pool reports that).""",
    fix="Add the toleration (key os, operator Equal, value windows, effect NoSchedule) to scheduling.tolerations.",
    source=SRC_RUNTIMECLASS,
    fails=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: win2022}
    handler: runhcs-wcow-process
    scheduling:
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
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
    if not selects_windows(selector):
        return
    windows = [p for p in ctx.profile.pools if p.os == "windows"]
    pools = [p for p in matching_pools(selector, windows)] or windows  # matching none: judge them all
    tols = tolerations(obj)
    missing: dict[str, list[str]] = {}
    for pool in pools:
        for t in untolerated(tols, pool.taints):
            missing.setdefault(str(t), []).append(pool.name)
    if not missing:
        return
    path = ("scheduling", "tolerations") if tols else ("scheduling",)
    what = "; ".join(f"{taint} (pools {', '.join(names)})" for taint, names in missing.items())
    yield Hit(path, f"Windows RuntimeClass does not tolerate {what}: its pods must tolerate it themselves")
