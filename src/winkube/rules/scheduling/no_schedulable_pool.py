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
    if t.landing or not t.fits or ctx.view.spec.get("nodeName") or t.conflicts:
        return  # (a RuntimeClass conflict is rejected at admission: runtimeclass-conflict says so)
    if default_profile(ctx) and any("pool has no" in why for f in t.fits for _, why in f.failures):
        return  # it selects labels the default profile cannot know: nothing to say without the real nodes
    # Explain the pools of the OS the pod is meant for; the others are excluded on purpose.
    meant = [f for f in t.fits if f.pool.os == t.os_intent] or t.fits
    reasons = "; ".join(f"{f.pool.name}: {f.failures[0][0]} ({f.failures[0][1]})" for f in meant)
    taints = sorted({m for f in meant for plugin, m in f.failures if plugin == "TaintToleration"})
    fix = None
    if taints and all(f.failures and all(p == "TaintToleration" for p, _ in f.failures) for f in meant):
        fix = "add a toleration for " + ", ".join(m.removeprefix("untolerated taint ") for m in taints)
    if ctx.view.kind == "DaemonSet" and not fix:
        return  # a DaemonSet that fits no node is often meant for nodes this cluster lacks (other arches)
    hit_path = ctx.view.path("nodeSelector") if t.node_selector else ctx.view.prefix
    yield Hit(hit_path, f"fits no node pool of the profile ({ctx.profile.source}): {reasons}", fix=fix,
              severity=Severity.WARNING if default_profile(ctx) else None)
