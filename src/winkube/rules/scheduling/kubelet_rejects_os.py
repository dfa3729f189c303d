"""The kubelet's OS admission refuses the pod on the pools it can be scheduled to."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import PREDICATE


@rule(
    id="kubelet-rejects-os",
    stage=Stage.KUBELET,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="the kubelet refuses the pod: spec.os.name or the pod's kubernetes.io/os label contradicts the node's OS",
    explanation="""The scheduler ignores spec.os, but the kubelet checks it: a pod whose spec.os.name differs
    from the node's OS is rejected with PodOSNotSupported, and a pod whose own label kubernetes.io/os
    differs from the node's OS with PodOSSelectorNodeLabelDoesNotMatch. The pod then fails instead of
    running. This happens when spec.os.name contradicts the node selector, or a Linux label is copied
    onto a Windows pod.""",
    fix="Make spec.os.name, the pod's kubernetes.io/os label and the nodeSelector agree on one OS.",
    source=f"{PREDICATE} (rejectPodAdmissionBasedOnOSField, rejectPodAdmissionBasedOnOSSelector)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Exists}]
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
    landing = [f for f in t.fits if f.schedulable]
    rejected = [f for f in landing if f.kubelet]
    if not rejected:
        return
    all_rejected = len(rejected) == len(landing)
    reasons = sorted({f"{r}: {m}" for f in rejected for r, m in f.kubelet})
    where = ", ".join(f.pool.name for f in rejected)
    path = ctx.view.path("os", "name") if any(r == "PodOSNotSupported" for f in rejected for r, _ in f.kubelet) \
        else ctx.view.prefix[:-1] + ("metadata", "labels")
    some = "" if all_rejected else f" ({len(rejected)} of the {len(landing)} pools it can land on)"
    yield Hit(path, f"refused by the kubelet on {where}{some}: " + "; ".join(reasons),
              severity=None if all_rejected else Severity.WARNING)
