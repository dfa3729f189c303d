"""Shared helpers for the node rules: what a Windows node is, its build, runtime and versions, and
the per-release data of knowledge/k8s_releases.yaml."""
from __future__ import annotations

import datetime
from functools import lru_cache

from ...compat import build_name
from ...k8s.labels import CONTROL_PLANE_LABELS, LABEL_BUILD, LABEL_OS, says_os
from ...k8s.versions import parse_build, parse_containerd_version, parse_version, version_text as vtext
from ...k8s.workloads import as_dict
from ...knowledge import load
from ...model.paths import Key
from ...record import FrozenRecord

__all__ = ["CONTROL_PLANE_LABELS", "LABEL_BUILD", "LABEL_OS", "parse_version", "vtext"]

P_LABELS = ("metadata", "labels")
P_INFO = ("status", "nodeInfo")
P_BUILD_LABEL = P_LABELS + (Key(LABEL_BUILD),)
P_KERNEL = P_INFO + ("kernelVersion",)
P_RUNTIME = P_INFO + ("containerRuntimeVersion",)
P_KUBELET = P_INFO + ("kubeletVersion",)

SRC_RELEASES = "knowledge/k8s_releases.yaml"
SRC_NODE_INFO = ("kubernetes/kubernetes:pkg/kubelet/kubelet_node_status_windows.go, "
                 "pkg/kubelet/winstats/version.go (windows-build label, kernelVersion)")


def labels(node: dict) -> dict:
    return as_dict(as_dict(node.get("metadata")).get("labels"))


def node_info(node: dict) -> dict:
    return as_dict(as_dict(node.get("status")).get("nodeInfo"))


def is_windows(node: dict) -> bool:
    """kubernetes.io/os=windows (or its beta twin) or nodeInfo.operatingSystem=windows."""
    lb = labels(node)
    return says_os(lb, "windows") or node_info(node).get("operatingSystem") == "windows"


def label_build(node: dict) -> int | None:
    value = labels(node).get(LABEL_BUILD)
    return parse_build(value) if isinstance(value, str) else None


def kernel_build(node: dict) -> int | None:
    value = node_info(node).get("kernelVersion")
    return parse_build(value) if isinstance(value, str) else None


class HostBuild(FrozenRecord):
    __slots__ = ("build", "path", "text")

    def __init__(self, build: int, path: tuple, text: str):  # path: where it was read; text: the raw value, for messages
        for slot, value in zip(self.__slots__, (build, path, text)):
            object.__setattr__(self, slot, value)

    @property
    def name(self) -> str:
        return build_name(self.build)


def host_build(node: dict) -> HostBuild | None:
    """The node's Windows build: the windows-build label first, then nodeInfo.kernelVersion."""
    b = label_build(node)
    if b is not None:
        return HostBuild(b, P_BUILD_LABEL, labels(node)[LABEL_BUILD])
    b = kernel_build(node)
    if b is not None:
        return HostBuild(b, P_KERNEL, node_info(node)["kernelVersion"])
    return None


class Runtime(FrozenRecord):
    __slots__ = ("name", "text", "version")

    def __init__(self, name: str, text: str, version: tuple[int, int, int] | None):  # "containerd", "containerd://1.6.14"
        for slot, value in zip(self.__slots__, (name, text, version)):
            object.__setattr__(self, slot, value)

    @property
    def version_text(self) -> str:
        return self.text.split("://", 1)[-1]


def runtime(node: dict) -> Runtime | None:
    """nodeInfo.containerRuntimeVersion, `<runtime>://<version>`."""
    text = node_info(node).get("containerRuntimeVersion")
    if not isinstance(text, str) or "://" not in text:
        return None
    name, rest = text.split("://", 1)
    return Runtime(name.strip().lower(), text, parse_containerd_version(rest))


def kube_text(kube: tuple[int, int]) -> str:
    return f"{kube[0]}.{kube[1]}"


# --------------------------------------------------------------------------- knowledge

@lru_cache(maxsize=1)
def releases() -> dict:
    return load("k8s_releases")


def _row(section: str, kube: tuple[int, int]) -> tuple[dict, bool] | None:
    """The section's row for a release, and whether it was carried over from the newest row
    (a release newer than the data). None for releases older than the data."""
    rows = {parse_version(r["kube"])[:2]: r for r in releases()[section]}
    if kube in rows:
        return rows[kube], False
    newest = max(rows)
    if kube > newest:
        return rows[newest], True
    return None


def windows_support(kube: tuple[int, int]) -> tuple[dict, bool] | None:
    return _row("windows_support", kube)


def containerd_support(kube: tuple[int, int]) -> dict | None:
    """The containerd row to judge a release by: its own, or — for releases containerd's table does
    not cover (inferred rows, releases newer than the data) — the newest sourced row before it."""
    rows = sorted(((parse_version(r["kube"])[:2], r) for r in releases()["containerd"]), key=lambda x: x[0])
    sourced = [r for k, r in rows if k <= kube and not r.get("inferred")]
    return sourced[-1] if sourced else None


@lru_cache(maxsize=1)
def _builds() -> dict[int, dict]:
    out: dict[int, dict] = {}
    for row in load("windows_builds")["builds"]:
        b = int(row["build"])
        if b not in out or (out[b].get("kind") != "server" and row.get("kind") == "server"):
            out[b] = row
    return out


def build_row(build: int) -> dict | None:
    return _builds().get(build)


def as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def today() -> datetime.date:
    """The date end of support is judged against (a function so tests can pin it)."""
    return datetime.date.today()


def windows_containerd_above_2022(node: dict):
    """(containerd version text, era, host) for a Windows node on containerd whose host build is
    above 20348 — where index matching and ordering differ between containerd versions — else None."""
    from ...compat import era_for
    if not is_windows(node):
        return None
    rt = runtime(node)
    host = host_build(node)
    if rt is None or rt.name != "containerd" or rt.version is None or host is None or host.build <= 20348:  # Windows Server 2022: the first build of the stable-ABI rule
        return None
    version = rt.version_text.strip()  # with its pre-release tag: 2.2.0-rc.1 is not 2.2.0's era
    return version, era_for(version), host


_EXAMPLE_NODE = '''
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: %s, containerRuntimeVersion: "%s", kernelVersion: "%s"}
    '''


def windows_node_example(kubelet: str, runtime: str, kernel: str) -> str:
    """A well-labelled, tainted Windows Server 2022 Node for a rule's fails/passes examples; the
    node rules differ only in what its nodeInfo reports, so that is all a rule spells out."""
    return _EXAMPLE_NODE % (kubelet, runtime, kernel)
