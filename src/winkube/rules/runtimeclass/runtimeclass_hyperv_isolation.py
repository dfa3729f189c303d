"""A RuntimeClass whose handler asks for Hyper-V isolation."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import is_runtime_class

HYPERV_HANDLERS = frozenset({"runhcs-wcow-hypervisor"})


@rule(
    id="runtimeclass-hyperv-isolation",
    stage=Stage.RUNTIME,
    severity=Severity.WARNING,
    scope="runtimeclass",
    summary="the RuntimeClass handler runhcs-wcow-hypervisor asks for Hyper-V isolation, which Kubernetes does not support",
    explanation="""Kubernetes supports process-isolated Windows containers only ("Kubernetes does not
    support running Windows containers with Hyper-V isolation"). containerd's Windows CRI plugin
    ships two handlers, runhcs-wcow-process (the default) and runhcs-wcow-hypervisor. Every pod of a
    class using the hypervisor handler needs the Hyper-V role on the node ("The virtual machine could
    not be started because a required feature is not installed", failure E11) and a pause image
    with an entry for the host build (HCS_E_IMAGE_MISMATCH with pause 3.10 / 3.10.1 on Windows Server
    2025, failure E9).""",
    fix="Use the process-isolation handler (runhcs-wcow-process) and images built for the nodes' Windows build.",
    source=("kubernetes/website:content/en/docs/concepts/windows/intro.md; containerd/containerd:internal/cri/config/config_windows.go; "
            "kubernetes-sigs/windows-testing#557; microsoft/navcontainerhelper#1694"),
    fails=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: hyperv}
    handler: runhcs-wcow-hypervisor
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
    handler = obj.get("handler")
    if isinstance(handler, str) and handler in HYPERV_HANDLERS:
        yield Hit(("handler",), f"handler {handler} runs pods with Hyper-V isolation; Kubernetes supports process isolation only")
