"""A pod that asks for Hyper-V isolation, which Kubernetes does not support."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.paths import Key
from ..base import Hit, rule

HYPERV_HANDLERS = frozenset({"runhcs-wcow-hypervisor"})
LEGACY_ANNOTATION = "experimental.windows.kubernetes.io/isolation-type"


@rule(
    id="hyperv-isolation-requested",
    stage=Stage.RUNTIME,
    severity=Severity.WARNING,
    scope="pod",
    summary="the pod asks for Hyper-V isolation (a hypervisor RuntimeClass handler or the legacy annotation)",
    explanation="""Kubernetes supports process-isolated Windows containers only. containerd ships a
    runhcs-wcow-hypervisor handler, but it needs the Hyper-V role on the node ("The virtual machine
    could not be started because a required feature is not installed") and a pause image with an entry
    for the host build (HCS_E_IMAGE_MISMATCH with pause 3.10/3.10.1 on WS2025). The Docker-era
    annotation experimental.windows.kubernetes.io/isolation-type has no effect with containerd.""",
    fix="Use process isolation with an image built for the node's Windows build.",
    source="kubernetes/website: content/en/docs/concepts/windows/intro.md; containerd internal/cri/config/config_windows.go; failure catalogue E9, E11",
    fails=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: hyperv}
    handler: runhcs-wcow-hypervisor
    scheduling: {nodeSelector: {kubernetes.io/os: windows}, tolerations: [{key: os, operator: Exists}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      runtimeClassName: hyperv
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
    if t.runtime_class is not None and t.runtime_class.handler in HYPERV_HANDLERS:
        yield Hit(ctx.view.path("runtimeClassName"), f"RuntimeClass {t.runtime_class.name} uses handler {t.runtime_class.handler} (Hyper-V isolation)")
    if ctx.view.annotations.get(LEGACY_ANNOTATION) == "hyperv":
        meta = ctx.view.prefix[:-1] + ("metadata", "annotations", Key(LEGACY_ANNOTATION))
        yield Hit(meta, "the legacy Hyper-V isolation annotation has no effect with containerd")
