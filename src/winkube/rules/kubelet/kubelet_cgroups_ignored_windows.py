"""cgroupsPerQOS / enforceNodeAllocatable on Windows since Kubernetes 1.31: ignored with a warning."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import data, suffix, version, windows_reason, windows_kubelet_example


@rule(
    id="kubelet-cgroups-ignored-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="kubeletconfig",
    summary="cgroupsPerQOS true or a non-empty enforceNodeAllocatable has no effect on Windows",
    explanation="""Since kubernetes/kubernetes#123137 (v1.31) the Windows kubelet no longer exits on these
    options but logs "ignored configuration option: ... is not supported on Windows". Nothing enforces
    node allocatable on Windows: kube-reserved, system-reserved and hard-eviction thresholds only
    reduce the allocatable the scheduler sees. Reported when the file sets the options explicitly
    (enforceNodeAllocatable as warning, cgroupsPerQOS as info); omitted fields fall back to the Linux
    defaults and are merely logged. The file is judged as Windows kubelet configuration as described
    for kubelet-cgroups-fatal-windows.""",
    fix="Set cgroupsPerQOS: false and enforceNodeAllocatable: [] for Windows nodes, and keep reservations and container limits to protect the node.",
    source="kubernetes/kubernetes:pkg/kubelet/apis/config/validation/validation_windows.go; kubernetes/kubernetes#123137; pkg/kubelet/cm/container_manager_windows.go; knowledge/kubelet_windows.yaml",
    fails=r"""
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    containerRuntimeEndpoint: npipe:////./pipe/containerd-containerd
    enforceNodeAllocatable: [pods]
    systemReserved: {memory: 1Gi}
    kubeReserved: {memory: 1Gi}
    """,
    passes=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}'),
)
def check(ctx):
    reason = windows_reason(ctx)
    if reason is None:
        return
    obj = ctx.obj
    for opt in data()["cgroups_options"]:
        field = opt["field"]
        if ctx.kube_version < version(opt["ignored_since"]) or field not in obj:
            continue
        value = obj[field]
        if opt["unsupported"] == "true":
            if value is True:
                yield Hit((field,), f"{field}: true is ignored on Windows (no cgroups){suffix(reason)}", severity=Severity.INFO)
        elif isinstance(value, list) and [v for v in value if v not in opt.get("not_warned", ())]:
            shown = ", ".join(str(v) for v in value)
            yield Hit((field,), f"{field}: [{shown}] is ignored on Windows: nothing enforces node allocatable, "
                                f"reservations only reduce allocatable{suffix(reason)}")
