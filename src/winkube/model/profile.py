"""The cluster a workload is judged against: node pools, RuntimeClasses, Kubernetes version.

Three sources, one format (docs/profile.md): the embedded default (profiles/default.yaml),
`--profile FILE`, and Node / RuntimeClass objects found in the input (`kubectl get nodes -o yaml`),
which are grouped into pools of identical scheduling signature.
"""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..errors import ConfigError
from ..k8s import releases, versions
from ..k8s.keys import node_pool_signature
from ..k8s.labels import (LABEL_ARCH, LABEL_BUILD, LABEL_HOSTNAME, LABEL_OS, PER_NODE_LABELS, POOL_NAME_LABELS, is_control_plane,
                          standard_labels)
from ..k8s.taints import TAINT_EFFECTS, Taint, taints_of
from ..k8s.workloads import as_dict, as_list
from ..record import Record

__all__ = ["LABEL_ARCH", "LABEL_BUILD", "LABEL_OS", "NodePool", "Profile", "ProfileError", "RuntimeClassInfo", "Taint",
           "default_profile", "load_profile", "pools_from_nodes", "profile_windows_build",
           "profile_from_dict", "profile_to_dict", "runtime_class_info", "standard_labels", "supported_kube_version",
           "with_cluster_objects"]


class ProfileError(ConfigError):
    """A profile that cannot be used; the message names the file and the field."""


class NodePool(Record):
    __slots__ = ("name", "os", "arch", "windows_build", "count", "labels", "taints", "allocatable", "container_runtime",
                 "kubelet_version", "kernel_version", "os_image", "unschedulable", "node_names", "control_plane", "hostnames")

    def __init__(self, name: str, os: str, arch: str = "amd64", windows_build: int | None = None, count: int = 1,
                 labels: dict | None = None, taints: list[Taint] | None = None, allocatable: dict | None = None,
                 container_runtime: str | None = None, kubelet_version: str | None = None, kernel_version: str | None = None,
                 os_image: str | None = None, unschedulable: bool = False, node_names: list[str] | None = None,
                 control_plane: bool = False, hostnames: dict | None = None):
        self.name = name
        self.os = os  # "windows" / "linux"
        self.arch = arch
        self.windows_build = windows_build  # 20348 for 10.0.20348 (windows pools)
        self.count = count
        self.labels = {} if labels is None else labels  # every label, including the standard ones
        self.taints = [] if taints is None else taints
        self.allocatable = {} if allocatable is None else allocatable
        self.container_runtime = container_runtime  # "containerd://2.2.1"
        self.kubelet_version, self.kernel_version, self.os_image = kubelet_version, kernel_version, os_image
        self.unschedulable = unschedulable
        self.node_names = [] if node_names is None else node_names
        self.control_plane = control_plane
        # node name -> its kubernetes.io/hostname label (PER_NODE_LABELS are left out of `labels`, which
        # the pool's nodes share; a selector on them is judged per node). Empty: not read from Nodes.
        self.hostnames = {} if hostnames is None else hostnames

    @property
    def build_label(self) -> str | None:
        return versions.build_label(self.windows_build)

    def describe(self) -> str:
        what = f"{self.os}/{self.arch}"
        if self.windows_build:
            what += f" 10.0.{self.windows_build}"
        return f"{self.name} ({what})"


class RuntimeClassInfo(Record):
    __slots__ = ("name", "handler", "node_selector", "tolerations", "overhead")

    def __init__(self, name: str, handler: str | None = None, node_selector: dict | None = None, tolerations: list | None = None,
                 overhead: dict | None = None):
        self.name, self.handler = name, handler
        self.node_selector = {} if node_selector is None else node_selector
        self.tolerations = [] if tolerations is None else tolerations
        self.overhead = {} if overhead is None else overhead


class Profile(Record):
    __slots__ = ("name", "kube_version", "pools", "runtime_classes", "allow_privileged", "source", "assumed", "open_labels")

    def __init__(self, name: str, kube_version: tuple[int, int] | None = None, pools: list[NodePool] | None = None,
                 runtime_classes: dict[str, RuntimeClassInfo] | None = None, allow_privileged: bool = True,
                 source: str = "embedded default", assumed: bool = False, open_labels: frozenset = frozenset()):
        self.name = name
        self.kube_version = releases.newest() if kube_version is None else kube_version  # knowledge/api_validation.yaml
        self.pools = [] if pools is None else pools
        self.runtime_classes = {} if runtime_classes is None else runtime_classes
        self.allow_privileged = allow_privileged
        self.source = source
        self.assumed = assumed  # the pools are the embedded default's guess, not the user's cluster
        # label keys whose values vary per pool in the real cluster (a platform's agentpool,
        # gke-nodepool, ...): a selector on them cannot be judged from the profile's own values
        self.open_labels = open_labels

    @property
    def windows_pools(self) -> list[NodePool]:
        return [p for p in self.pools if p.os == "windows"]


def supported_kube_version(value) -> tuple[int, int]:
    """A release a profile names, through the one range check (k8s.releases.require); ProfileError."""
    try:
        return releases.require(value)
    except releases.ReleaseError as e:
        raise ProfileError(str(e)) from None


def profile_windows_build(value) -> int | None:
    """A profile's windowsBuild ('10.0.20348', '10.0.20348.2113', 20348 → 20348; None → None);
    ProfileError for anything else (k8s.versions.parse_build is the one parser)."""
    if value is None:
        return None
    build = versions.parse_build(value)
    if build is None:
        raise ProfileError(f"not a Windows build: {value!r} (expected e.g. 10.0.20348)")
    return build


def _taints(raw, where: str) -> list[Taint]:
    out = []
    for i, t in enumerate(as_list(raw)):
        t = as_dict(t)
        if not isinstance(t.get("key"), str) or t.get("effect") not in TAINT_EFFECTS:
            raise ProfileError(f"{where}.taints[{i}]: needs a key and an effect of NoSchedule, PreferNoSchedule or NoExecute")
        out.append(Taint(t["key"], str(t.get("value") or ""), t["effect"]))
    return out


def runtime_class_info(raw: dict, where: str) -> RuntimeClassInfo:
    if not isinstance(raw.get("name") or as_dict(raw.get("metadata")).get("name"), str):
        raise ProfileError(f"{where}: a RuntimeClass needs a name")
    name = raw.get("name") or raw["metadata"]["name"]
    scheduling = as_dict(raw.get("scheduling"))
    return RuntimeClassInfo(
        name=name,
        handler=raw.get("handler") if isinstance(raw.get("handler"), str) else None,
        node_selector={k: str(v) for k, v in as_dict(scheduling.get("nodeSelector")).items()},
        tolerations=[t for t in as_list(scheduling.get("tolerations")) if isinstance(t, dict)],
        overhead=as_dict(as_dict(raw.get("overhead")).get("podFixed")),
    )


def profile_from_dict(data, source: str) -> Profile:
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile is a mapping (see docs/profile.md)")
    known = {"apiVersion", "kind", "name", "kubernetesVersion", "allowPrivileged", "nodePools", "runtimeClasses",
             "openLabels"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ProfileError(f"{source}: unknown field(s) {', '.join(unknown)} (see docs/profile.md)")
    pools = []
    for i, raw in enumerate(as_list(data.get("nodePools"))):
        where = f"{source}: nodePools[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise ProfileError(f"{where}: a node pool needs a name")
        os_ = raw.get("os")
        if os_ not in ("windows", "linux"):
            raise ProfileError(f"{where}.os: must be windows or linux, not {os_!r}")
        arch = str(raw.get("arch") or "amd64")
        build = profile_windows_build(raw.get("windowsBuild")) if os_ == "windows" else None
        if os_ == "windows" and build is None:
            raise ProfileError(f"{where}.windowsBuild: a Windows pool needs its build, e.g. 10.0.20348")
        labels = standard_labels(os_, arch, build)
        labels.update({str(k): str(v) for k, v in as_dict(raw.get("labels")).items()})
        count = raw.get("count", 1)
        if not isinstance(count, int) or count < 0:
            raise ProfileError(f"{where}.count: must be a whole number")
        pools.append(NodePool(
            name=raw["name"], os=os_, arch=arch, windows_build=build, count=count, labels=labels,
            taints=_taints(raw.get("taints"), where), allocatable=as_dict(raw.get("allocatable")),
            container_runtime=raw.get("containerRuntime"), kubelet_version=raw.get("kubeletVersion"),
            unschedulable=bool(raw.get("unschedulable", False)), control_plane=bool(raw.get("controlPlane", False)),
        ))
    rcs = {}
    for i, raw in enumerate(as_list(data.get("runtimeClasses"))):
        rc = runtime_class_info(as_dict(raw), f"{source}: runtimeClasses[{i}]")
        rcs[rc.name] = rc
    return Profile(
        name=str(data.get("name") or source),
        kube_version=_profile_kube_version(data.get("kubernetesVersion", releases.text(releases.newest())), source),
        pools=pools, runtime_classes=rcs,
        allow_privileged=bool(data.get("allowPrivileged", True)), source=source,
        open_labels=frozenset(str(k) for k in as_list(data.get("openLabels"))),
    )


def _profile_kube_version(value, source: str) -> tuple[int, int]:
    try:
        return supported_kube_version(value)
    except ProfileError as e:
        raise ProfileError(f"{source}: kubernetesVersion: {e}") from None


def default_profile(kube_version: tuple[int, int] | None = None) -> Profile:
    """The embedded default (profiles/default.yaml: the newest release). For an older release its
    Windows pools are that release's: one per LTSC build the release's docs list as supported
    (knowledge/k8s_releases.yaml; SAC builds such as 20H2 left out of a guess), with the release's
    kubelet (the tag its rules were read at) and the containerd branch containerd recommends first."""
    data = _default_data()
    if kube_version is not None and tuple(kube_version) != releases.newest():
        data = _default_data_for(tuple(kube_version))
    profile = profile_from_dict(data, "embedded default")
    if kube_version is not None:
        profile.kube_version = tuple(kube_version)
    profile.assumed = True
    return profile


def _default_data_for(version: tuple[int, int]) -> dict:
    from ..knowledge import load

    base = _default_data()
    builds = {int(b["build"]): b for b in load("windows_builds")["builds"]}
    ltsc = [b for b in releases.windows_builds_listed(version) if builds.get(b, {}).get("channel") == "LTSC"]
    template = next(p for p in base["nodePools"] if p["os"] == "windows")
    kubelet = releases.tag(version) or f"v{releases.text(version)}.0"
    containerd = releases.containerd_recommended(version)
    pools = [dict(p) for p in base["nodePools"] if p["os"] != "windows"]
    for b in ltsc:
        year = str(builds[b]["name"]).rsplit(" ", 1)[-1].lower()
        pools.append(dict(template, name=f"windows-{year}", windowsBuild=f"10.0.{b}"))
    for p in pools:
        p["kubeletVersion"] = kubelet
        if containerd:
            p["containerRuntime"] = f"containerd://{containerd[0]}"
    return dict(base, nodePools=pools, kubernetesVersion=releases.text(version))


@lru_cache(maxsize=1)
def _default_data() -> dict:
    import os

    from ..knowledge import read_yaml

    return read_yaml(os.path.join(os.path.dirname(os.path.dirname(__file__)), "profiles", "default.yaml"))


def load_profile(path: str, kube_version: tuple[int, int] | None = None) -> Profile:
    """A profile file, or a platform's name (aks, eks, gke, openshift, rke2, capz, kubeadm) when no
    file of that name exists; a platform's pools follow kube_version (default: the newest release)."""
    import os

    from .platforms import names, platform_profile

    if path in names() and not os.path.exists(path):
        return platform_profile(path, kube_version)
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except OSError as e:
        raise ProfileError(f"{path}: cannot read the profile: {e.strerror}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f":{mark.line + 1}" if mark else ""
        raise ProfileError(f"{path}{at}: the profile is not valid YAML") from None
    return profile_from_dict(data, path)


def pools_from_nodes(nodes: list[dict]) -> list[NodePool]:
    """Group Node objects into pools of identical scheduling signature (labels but the hostname,
    taints, unschedulable, runtime, kubelet, allocatable)."""
    groups: dict[tuple, list[dict]] = {}
    for node in nodes:
        groups.setdefault(node_pool_signature(node), []).append(node)
    pools = []
    for members in groups.values():
        first = members[0]
        meta, spec, status = as_dict(first.get("metadata")), as_dict(first.get("spec")), as_dict(first.get("status"))
        labels = {str(k): str(v) for k, v in as_dict(meta.get("labels")).items() if k not in PER_NODE_LABELS}
        info = as_dict(status.get("nodeInfo"))
        os_ = labels.get(LABEL_OS) or info.get("operatingSystem") or "linux"
        build = versions.parse_build(labels.get(LABEL_BUILD) or info.get("kernelVersion")) if os_ == "windows" else None
        names = [str(as_dict(n.get("metadata")).get("name") or "<unnamed>") for n in members]
        pool_name = next((labels[k] for k in POOL_NAME_LABELS if labels.get(k)), names[0])
        pools.append(NodePool(
            name=pool_name, os=os_, arch=labels.get(LABEL_ARCH) or info.get("architecture") or "amd64",
            windows_build=build, count=len(members), labels=labels,
            taints=taints_of(as_list(spec.get("taints"))),
            allocatable=as_dict(status.get("allocatable")), container_runtime=info.get("containerRuntimeVersion"),
            kubelet_version=info.get("kubeletVersion"), kernel_version=info.get("kernelVersion"),
            os_image=info.get("osImage"), unschedulable=bool(spec.get("unschedulable")), node_names=names,
            control_plane=is_control_plane(labels),
            hostnames=_hostnames(names, members),
        ))
    names_seen: dict[str, int] = {}
    for p in pools:  # pool names must be unique for reports
        n = names_seen.get(p.name, 0)
        names_seen[p.name] = n + 1
        if n:
            p.name = f"{p.name}-{n + 1}"
    return pools


def _hostnames(names: list[str], members: list[dict]) -> dict[str, str]:
    out = {}
    for name, node in zip(names, members):
        h = as_dict(as_dict(node.get("metadata")).get("labels")).get(LABEL_HOSTNAME)
        if h is not None:
            out[name] = str(h)
    return out


def with_cluster_objects(base: Profile, nodes: list[dict], runtime_classes: list[dict]) -> Profile:
    """The profile the input describes: its Nodes replace the pools, its RuntimeClasses are added."""
    if not nodes and not runtime_classes:
        return base
    rcs = dict(base.runtime_classes)
    for raw in runtime_classes:
        try:
            rc = runtime_class_info(raw, "RuntimeClass")
        except ProfileError:
            continue
        rcs[rc.name] = rc
    sources = []
    if nodes:
        sources.append(f"{len(nodes)} Node object(s) in the input")
    if runtime_classes:
        sources.append(f"{len(runtime_classes)} RuntimeClass object(s) in the input")
    return Profile(
        name=base.name if not nodes else "input",
        kube_version=base.kube_version,
        pools=pools_from_nodes(nodes) if nodes else base.pools,
        runtime_classes=rcs, allow_privileged=base.allow_privileged,
        source=f"{base.source} + " + ", ".join(sources) if not nodes else ", ".join(sources),
        assumed=base.assumed and not nodes, open_labels=base.open_labels,
    )


def profile_to_dict(p: Profile) -> dict:
    """The profile in its file format (what `winkube profile show` prints)."""
    def pool(pl: NodePool) -> dict:
        std = standard_labels(pl.os, pl.arch, pl.windows_build)
        d = {"name": pl.name, "os": pl.os, "arch": pl.arch}
        if pl.windows_build:
            d["windowsBuild"] = f"10.0.{pl.windows_build}"
        d["count"] = pl.count
        extra = {k: v for k, v in pl.labels.items() if std.get(k) != v}
        if extra:
            d["labels"] = extra
        if pl.taints:
            d["taints"] = [{"key": t.key, "value": t.value, "effect": t.effect} if t.value else
                           {"key": t.key, "effect": t.effect} for t in pl.taints]
        if pl.allocatable:
            d["allocatable"] = dict(pl.allocatable)
        for key, value in (("containerRuntime", pl.container_runtime), ("kubeletVersion", pl.kubelet_version)):
            if value:
                d[key] = value
        if pl.unschedulable:
            d["unschedulable"] = True
        return d

    def rc(r: RuntimeClassInfo) -> dict:
        d = {"name": r.name, "handler": r.handler}
        sched = {}
        if r.node_selector:
            sched["nodeSelector"] = r.node_selector
        if r.tolerations:
            sched["tolerations"] = r.tolerations
        if sched:
            d["scheduling"] = sched
        if r.overhead:
            d["overhead"] = {"podFixed": r.overhead}
        return d

    out = {
        "apiVersion": "winkube.io/v1", "kind": "ClusterProfile", "name": p.name,
        "kubernetesVersion": f"{p.kube_version[0]}.{p.kube_version[1]}", "allowPrivileged": p.allow_privileged,
        "nodePools": [pool(x) for x in p.pools], "runtimeClasses": [rc(x) for x in p.runtime_classes.values()],
    }
    if p.open_labels:
        out["openLabels"] = sorted(p.open_labels)
    return out
