"""Platform profiles: a cluster profile made from knowledge/platforms.yaml for AKS, EKS, GKE,
OpenShift (WMCO), RKE2, Cluster API on Azure or kubeadm, for the Kubernetes release asked.

Each offered Windows Server build becomes one Windows pool with the platform's labels and taints
and one Linux pool carries the system workloads; the provider labels whose values vary per pool
(agentpool, cloud.google.com/gke-nodepool, eks.amazonaws.com/nodegroup, ...) are the profile's
`open_labels`: a selector on them is understood rather than judged to match nothing."""
from __future__ import annotations

from functools import lru_cache

from ..knowledge import load
from ..k8s.labels import standard_labels
from ..k8s import releases
from .profile import NodePool, Profile, ProfileError, Taint

BUILD_YEAR = {17763: "2019", 20348: "2022", 26100: "2025"}
ALLOCATABLE = {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"}


@lru_cache(maxsize=1)
def platforms() -> dict:
    return load("platforms")["platforms"]


def names() -> list[str]:
    return list(platforms())


def _in_range(spec: str, version: tuple[int, int]) -> bool:
    lo, _, hi = spec.partition("-")

    def parse(x):
        major, minor = x.split(".")
        return int(major), int(minor)

    return (not lo or parse(lo) <= version) and (not hi or version <= parse(hi))


def offered_builds(name: str, version: tuple[int, int]) -> list[int]:
    return [row["build"] for row in platforms()[name]["windowsBuilds"] if _in_range(row["kube"], version)]


def _fill(value: str, pool: str, build: int | None) -> str:
    return str(value).replace("{pool}", pool).replace("{build}", BUILD_YEAR.get(build, str(build)))


def platform_profile(name: str, kube_version: tuple[int, int] | None = None) -> Profile:
    if name not in platforms():
        raise ProfileError(f"unknown platform {name!r}: one of {', '.join(names())} (see `winkube profile list`)")
    p = platforms()[name]
    kube_version = kube_version or releases.newest()
    runtime = f"containerd://{p['containerd']['version']}"
    kubelet = f"v{kube_version[0]}.{kube_version[1]}.0"

    def pool(pool_name: str, os_: str, build: int | None) -> NodePool:
        labels = standard_labels(os_, "amd64", build)
        for key, row in p["providerLabels"].items():
            labels[key] = _fill(row["value"], pool_name, build)
        taints = []
        if os_ == "windows":
            for key, row in p["windowsLabels"].items():
                labels[key] = _fill(row["value"], pool_name, build)
            taints = [Taint(t["key"], str(t.get("value") or ""), t["effect"]) for t in p["windowsTaints"]]
        return NodePool(name=pool_name, os=os_, arch="amd64", windows_build=build, count=2, labels=labels,
                        taints=taints, allocatable=dict(ALLOCATABLE), container_runtime=runtime, kubelet_version=kubelet)

    pools = [pool("linux", "linux", None)]
    builds = offered_builds(name, kube_version)
    if not builds:
        raise ProfileError(f"{p['title']} offers no Windows Server build for Kubernetes {kube_version[0]}.{kube_version[1]} "
                           f"(knowledge/platforms.yaml)")
    pools += [pool(f"win{BUILD_YEAR.get(b, b)}", "windows", b) for b in builds]
    return Profile(name=name, kube_version=kube_version, pools=pools, runtime_classes={}, allow_privileged=True,
                   source=f"platform {name} ({p['title']}; knowledge/platforms.yaml)",
                   open_labels=frozenset(p["providerLabels"]))


def table(kube_version: tuple[int, int] | None = None) -> list[dict]:
    """One row per platform, for `winkube profile list`."""
    kube_version = kube_version or releases.newest()
    rows = []
    for name, p in platforms().items():
        taints = ", ".join(f"{t['key']}={t.get('value', '')}:{t['effect']}" for t in p["windowsTaints"]) or "none"
        rows.append({
            "name": name, "title": p["title"],
            "windowsBuilds": [f"10.0.{b} ({BUILD_YEAR.get(b, '?')})" for b in offered_builds(name, kube_version)],
            "windowsTaints": taints, "providerLabels": sorted(p["providerLabels"]),
            "containerd": p["containerd"]["version"],
            "sources": sorted({row["source"] for row in p["windowsBuilds"]} | {p["windowsTaintsSource"]["source"]}),
        })
    return rows


def platform_of_labels(keys) -> str | None:
    """The platform whose own node labels (provider or Windows labels) a selector names, if exactly one."""
    found = {name for name, p in platforms().items()
             for k in keys if k in p["providerLabels"] or k in p["windowsLabels"]}
    return found.pop() if len(found) == 1 else None


def windows_taints(name: str) -> list[Taint]:
    return [Taint(t["key"], str(t.get("value") or ""), t["effect"]) for t in platforms()[name]["windowsTaints"]]
