"""cgroupsPerQOS / enforceNodeAllocatable on Windows through Kubernetes 1.30: the kubelet exits."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import data, suffix, version, windows_reason

# The examples are judged as a 1.29 cluster with a Windows pool (the kubelet exits there).
_PROFILE_1_29 = r"""
    apiVersion: winkube.io/v1
    kind: ClusterProfile
    kubernetesVersion: "1.29"
    name: windows-1-29
    nodePools:
    - {name: windows-2019, os: windows, windowsBuild: 10.0.17763}
    ---"""


@rule(
    id="kubelet-cgroups-fatal-windows",
    stage=Stage.KUBELET,
    severity=Severity.ERROR,
    scope="kubeletconfig",
    summary="cgroupsPerQOS true or a non-empty enforceNodeAllocatable stops a Windows kubelet up to Kubernetes 1.30",
    explanation="""Windows has no cgroups. Up to v1.30 (kubernetes/kubernetes#123137 changed it in v1.31) the
    Windows kubelet refused to start with "invalid configuration: CgroupsPerQOS (--cgroups-per-qos) true is not
    supported on Windows" / "EnforceNodeAllocatable (--enforce-node-allocatable) [pods] is not
    supported on Windows" — and those are the Linux defaults, so a file that omits the fields fails
    too (kubernetes/kubeadm#2967). Flags override the file; sig-windows-tools passes
    --cgroups-per-qos=false --enforce-node-allocatable="". A KubeletConfiguration does not name its
    OS: it is judged as Windows when it carries the label kubernetes.io/os: windows (audit labels the
    configz it reads from a Windows node so), uses a named-pipe endpoint or Windows paths, or — unless
    it uses a unix:// endpoint — when the cluster profile has Windows node pools.""",
    fix="Set cgroupsPerQOS: false and enforceNodeAllocatable: [] in the Windows kubelet configuration.",
    source="kubernetes/kubernetes:pkg/kubelet/apis/config/validation/validation_windows.go; kubernetes/kubernetes#78925, #123137; kubernetes/kubeadm#2967; knowledge/kubelet_windows.yaml",
    fails=_PROFILE_1_29 + r"""
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    containerRuntimeEndpoint: npipe:////./pipe/containerd-containerd
    """,
    passes=_PROFILE_1_29 + r"""
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    containerRuntimeEndpoint: npipe:////./pipe/containerd-containerd
    cgroupsPerQOS: false
    enforceNodeAllocatable: []
    """,
)
def check(ctx):
    reason = windows_reason(ctx)
    if reason is None:
        return
    obj = ctx.obj
    for opt in data()["cgroups_options"]:
        if ctx.kube_version > version(opt["fatal_until"]):
            continue
        field = opt["field"]
        value = obj.get(field, opt["default"])
        bad = value is True if opt["unsupported"] == "true" else bool(value)
        if not bad:
            continue
        shown = "true" if value is True else "[" + ", ".join(str(v) for v in value) + "]" if isinstance(value, list) else str(value)
        lead = f"{field} is not set and defaults to {shown}" if field not in obj else f"{field}: {shown}"
        yield Hit((field,), f"{lead}: invalid configuration on Windows, the kubelet exits "
                            f"(\"{opt['go_name']} ({opt['flag']}) {shown} is not supported on Windows\"){suffix(reason)}")
