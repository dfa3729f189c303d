"""A pod that fits none of the profile's node pools."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import default_profile


def _taint_fix(fits) -> str | None:
    """A toleration fix when the only thing keeping the pod off some pool is its taints."""
    taint_only = [f for f in fits if f.relaxed_failures and all(p == "TaintToleration" for p, _ in f.relaxed_failures)]
    # "untolerated taint K=V:E" or, with a platform's convention, "untolerated taint K=V:E (gke)"
    taints = sorted({m.removeprefix("untolerated taint ").split(" (")[0] for f in taint_only for _, m in f.relaxed_failures})
    return "add a toleration for " + ", ".join(taints) if taints else None


@rule(
    id="no-schedulable-pool",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="the pod fits none of the cluster profile's node pools and would stay Pending",
    explanation="""Every node pool is excluded by one of kube-scheduler's filters: NodeAffinity (nodeSelector or
    required affinity), TaintToleration, NodeUnschedulable or NodeResourcesFit. The pod stays Pending
    with "0/N nodes are available". A selector on a label the profile cannot see (a pool name such as
    agentpool or cloud.google.com/gke-nodepool, or any label no pool of the profile has) is left out,
    and the pools of the pod's OS are judged on everything else: what still excludes them is reported
    as a warning naming that label. Node objects are the real nodes and leave no label unseen, but
    a label key no node has, or a node-pool name (agentpool, ...) none carries, is what a pool scaled
    to zero looks like: the pod is Pending until the cluster autoscaler adds such a node, so that is a
    warning too. DaemonSets are judged like any pod: one meant for Windows that runs on no Windows
    pool is reported.""",
    fix="Match the selector and tolerations to a real pool, or lower the requests.",
    source="kubernetes/kubernetes: pkg/scheduler/framework/plugins (nodeaffinity, tainttoleration, nodeunschedulable, noderesources); "
           "pkg/controller/daemon (a DaemonSet pod per node that passes the same filters); "
           "kubernetes/autoscaler: cluster-autoscaler/proposals/min_at_zero_gcp.md (a node group at zero is "
           "scaled up for a pending pod from a template node with the group's labels)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
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
    if not t.fits or ctx.view.spec.get("nodeName") or t.conflicts:
        return  # (a RuntimeClass conflict is rejected at admission: runtimeclass-conflict says so)
    daemonset = ctx.view.kind == "DaemonSet"
    intent = t.os_intent
    if t.landing and not (daemonset and intent and intent not in t.landing_os):
        return
    # Explain the pools of the OS the pod is meant for; the others are excluded on purpose.
    meant = [f for f in t.fits if f.pool.os == intent] or ([] if daemonset else t.fits)
    if not meant:
        return
    if daemonset and intent != "windows" and not t.unseen_labels and not _taint_fix(meant):
        return  # a DaemonSet that fits no node may be meant for nodes this cluster lacks (other arches)
    hit_path = ctx.view.path("nodeSelector") if t.node_selector else ctx.view.prefix
    if t.unseen_labels:
        if any(not f.relaxed_failures for f in meant):
            return  # it may fit where the unseen labels match: nothing to say without the real nodes
        labels = ", ".join(t.unseen_labels)
        reasons = "; ".join(f"{f.pool.name}: {f.relaxed_failures[0][0]} ({f.relaxed_failures[0][1]})" for f in meant)
        yield Hit(hit_path, f"the profile ({ctx.profile.source}) cannot see the label(s) {labels} the pod selects on; "
                  f"judged on everything else it fits no {intent or ''} pool: {reasons}".replace("no  pool", "no pool"),
                  fix=_taint_fix(meant), severity=Severity.WARNING)
        return
    reasons = "; ".join(f"{f.pool.name}: {f.failures[0][0]} ({f.failures[0][1]})" for f in meant)
    what = f"runs on no {intent} pool although it is meant for {intent}" if daemonset and t.landing else "fits no node pool"
    yield Hit(hit_path, f"{what} of the profile ({ctx.profile.source}): {reasons}{_at_zero(ctx, meant)}", fix=_taint_fix(meant),
              severity=Severity.WARNING if default_profile(ctx) or _at_zero(ctx, meant) else None)


def _at_zero(ctx, meant) -> str:
    """Kept off real nodes only by labels a node pool scaled to zero could have: the scheduler leaves
    the pod Pending, and the cluster autoscaler scales such a pool up for it (a warning, not an error)."""
    from ...targeting import absent_labels, required_terms

    absent = absent_labels(ctx.targeting.node_selector, required_terms(ctx.view.spec), ctx.profile)
    if not absent or not all(all(p == "NodeAffinity" for p, _ in f.failures) for f in meant):
        return ""
    n = sum(p.count for p in ctx.profile.pools)
    head = f"; no node has {', '.join(absent)} ({n} node{'s' if n != 1 else ''} read): "
    if ctx.view.kind == "DaemonSet":  # its controller creates no pod for a node it does not fit: nothing is Pending
        return head + "it runs no pod until such nodes join (a node pool scaled to zero that has them, once scaled up)"
    return head + ("it stays Pending until such nodes join (the cluster autoscaler scales up a node pool scaled to "
                   "zero whose labels fit)")
