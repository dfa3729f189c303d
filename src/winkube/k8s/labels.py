"""Well-known labels the kubelet sets and the scheduler reads (k8s.io/api/core/v1 well_known_labels.go)."""
from __future__ import annotations

LABEL_OS = "kubernetes.io/os"
LABEL_ARCH = "kubernetes.io/arch"
LABEL_OS_BETA = "beta.kubernetes.io/os"
LABEL_ARCH_BETA = "beta.kubernetes.io/arch"
LABEL_BUILD = "node.kubernetes.io/windows-build"
LABEL_HOSTNAME = "kubernetes.io/hostname"
OS_LABELS = (LABEL_OS, LABEL_OS_BETA)
CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
# Labels that differ per node and say nothing about what a pool of nodes can run.
PER_NODE_LABELS = frozenset({LABEL_HOSTNAME})
# Labels cloud providers put on every node of a node pool, most specific first.
POOL_NAME_LABELS = ("agentpool", "kubernetes.azure.com/agentpool", "eks.amazonaws.com/nodegroup",
                    "cloud.google.com/gke-nodepool")


def standard_labels(os_: str, arch: str, build: int | None) -> dict:
    """The labels every kubelet sets (kubernetes.io/os, arch, their beta twins, windows-build)."""
    labels = {LABEL_OS: os_, LABEL_ARCH: arch, LABEL_OS_BETA: os_, LABEL_ARCH_BETA: arch}
    if os_ == "windows" and build:
        labels[LABEL_BUILD] = f"10.0.{build}"
    return labels


def is_control_plane(labels: dict) -> bool:
    return any(k in labels for k in CONTROL_PLANE_LABELS)


def says_os(labels: dict, os_: str) -> bool:
    """True when either OS label (GA or beta) is set to os_."""
    return any(labels.get(k) == os_ for k in OS_LABELS)
