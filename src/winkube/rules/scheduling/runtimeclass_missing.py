"""runtimeClassName names a RuntimeClass the cluster profile does not have."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import RC_ADMISSION, default_profile


@rule(
    id="runtimeclass-missing",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="runtimeClassName names a RuntimeClass that the cluster does not have",
    explanation="""The RuntimeClass admission plugin rejects a pod whose RuntimeClass does not exist
    (pod rejected: RuntimeClass "x" not found), and a workload's pods are never created. With the
    embedded default profile, which has no RuntimeClasses, this is a warning: give your RuntimeClass
    objects or a --profile.""",
    fix="Create the RuntimeClass first, or fix the name.",
    source=RC_ADMISSION,
    fails=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: win2022}
    handler: runhcs-wcow-process
    scheduling:
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      runtimeClassName: win2025
      os: {name: windows}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: win2022}
    handler: runhcs-wcow-process
    scheduling:
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      runtimeClassName: win2022
      os: {name: windows}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    t = ctx.targeting
    if t.runtime_class_missing:
        yield Hit(ctx.view.path("runtimeClassName"), f"RuntimeClass {t.runtime_class_name!r} is not in the cluster profile ({ctx.profile.source})",
                  severity=Severity.WARNING if default_profile(ctx) or not ctx.profile.runtime_classes else None)
