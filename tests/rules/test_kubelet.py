"""KubeletConfiguration rules: options a Windows kubelet rejects, ignores or treats differently."""
from __future__ import annotations

import copy

import pytest

from winkube.knowledge import load
from winkube.model.finding import Severity, Stage
from winkube.model.paths import render
from winkube.model.profile import default_profile
from winkube.rules import all_rules
from winkube.rules.context import DocContext

PROFILE = default_profile()
LINUX_ONLY_PROFILE = PROFILE.replace(pools=[p for p in PROFILE.pools if p.os == "linux"])
KUBELET_IDS = [
    "kubelet-cgroups-fatal-windows", "kubelet-cgroups-ignored-windows", "kubelet-eviction-ignored-windows",
    "kubelet-memory-eviction-threshold-windows", "kubelet-resource-managers-windows", "kubelet-reserved-memory-windows",
    "kubelet-option-fatal-windows",
]
PROFILE_NOTE = "(judged as Windows kubelet configuration because the cluster profile has Windows node pools)"

# What sig-windows-tools / a careful Windows setup produces: named pipe, C:\ paths, no cgroups.
GOOD_WINDOWS = {
    "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
    "containerRuntimeEndpoint": "npipe://./pipe/containerd-containerd",
    "staticPodPath": "C:\\var\\lib\\kubelet\\manifests",
    "authentication": {"x509": {"clientCAFile": "C:\\etc\\kubernetes\\pki\\ca.crt"}},
    "cgroupsPerQOS": False, "enforceNodeAllocatable": [],
    "evictionHard": {"memory.available": "500Mi", "nodefs.available": "10%"},
    "systemReserved": {"memory": "2Gi", "cpu": "500m"},
}

# kubeadm's cluster-wide kubelet-config (kubeadm#2967): Linux defaults, no OS marker.
KUBEADM_SHARED = {
    "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
    "authentication": {"x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}},
    "cgroupDriver": "systemd", "clusterDNS": ["10.96.0.10"], "clusterDomain": "cluster.local",
    "staticPodPath": "/etc/kubernetes/manifests",
}

LINUX = {
    "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
    "containerRuntimeEndpoint": "unix:///run/containerd/containerd.sock",
    "cgroupDriver": "systemd", "cgroupsPerQOS": True, "enforceNodeAllocatable": ["pods"],
    "evictionHard": {"memory.available": "100Mi", "nodefs.inodesFree": "5%", "pid.available": "10%"},
    "cpuManagerPolicy": "static", "memoryManagerPolicy": "Static", "topologyManagerPolicy": "single-numa-node",
}


def cfg(base=GOOD_WINDOWS, drop=(), **fields):
    obj = copy.deepcopy(base)
    for k in drop:
        obj.pop(k, None)
    obj.update(copy.deepcopy(fields))
    return obj


def hits(obj, rule_id, version=(1, 37), profile=PROFILE):
    return list(all_rules()[rule_id].check(DocContext(obj, profile, version)))


def found(obj, rule_id, version=(1, 37), profile=PROFILE):
    return {(render(h.path), h.message) for h in hits(obj, rule_id, version, profile)}


def run_all(obj, version=(1, 37), profile=PROFILE):
    return {(rid, render(h.path)) for rid in KUBELET_IDS for h in hits(obj, rid, version, profile)}


# ----------------------------------------------------------------------------- metadata / data

def test_rules_registered_with_metadata():
    for rid in KUBELET_IDS:
        r = all_rules()[rid]
        assert r.scope == "kubeletconfig" and r.summary and r.explanation and r.fix and r.source
        assert r.module == "winkube.rules.kubelet." + rid.replace("-", "_")
    assert all_rules()["kubelet-cgroups-fatal-windows"].stage is Stage.KUBELET
    assert all_rules()["kubelet-cgroups-ignored-windows"].stage is Stage.IGNORED
    assert "profile has Windows node pools" in all_rules()["kubelet-cgroups-fatal-windows"].explanation


def test_kubelet_windows_data_sourced():
    data = load("kubelet_windows")
    for opt in data["cgroups_options"]:
        assert opt["source"]
    for row in data["eviction"]["linux_only_signals"]:
        assert row["source"]
    for key in ("reserved", "resource_managers"):
        assert data[key]["source"]
    assert data["eviction"]["memory_available"]["windows_default_hard"] == "500Mi"
    assert any(f["flag"] == "--windows-priorityclass" for f in data["flags_only"])


# ----------------------------------------------------------------------------- which files are judged

@pytest.mark.parametrize("version", [(1, 31), (1, 37)])
def test_good_windows_config_is_clean(version):
    assert run_all(GOOD_WINDOWS, version) == set()


@pytest.mark.parametrize("version", [(1, 25), (1, 30)])
def test_good_windows_config_before_1_31_only_eviction_note(version):
    assert run_all(GOOD_WINDOWS, version) == {("kubelet-eviction-ignored-windows", "evictionHard")}
    assert [h.severity for h in hits(GOOD_WINDOWS, "kubelet-eviction-ignored-windows", version)] == [Severity.INFO]
    assert run_all(cfg(drop=("evictionHard",)), version) == set()


@pytest.mark.parametrize("version", [(1, 29), (1, 37)])
def test_linux_config_is_never_judged(version):
    # unix:// endpoint: Linux, even though the profile has Windows pools
    assert run_all(LINUX, version) == set()


def test_ambiguous_config_skipped_without_windows_pools():
    assert run_all(KUBEADM_SHARED, (1, 29), LINUX_ONLY_PROFILE) == set()


def test_the_windows_os_label_marks_a_configuration_read_from_a_windows_node():
    # audit labels the configz of a Windows node so: judged as Windows without a profile note,
    # even when the kubelet's configz names no endpoint and no Windows path
    from winkube.audit.kubelet import from_configz
    obj = from_configz({"kubeletconfig": cfg(KUBEADM_SHARED, cgroupsPerQOS=True)}, "win-1", "windows")
    assert obj["metadata"] == {"name": "win-1", "labels": {"kubernetes.io/os": "windows"}}
    assert found(obj, "kubelet-cgroups-ignored-windows", (1, 37), LINUX_ONLY_PROFILE) == {
        ("cgroupsPerQOS", "cgroupsPerQOS: true is ignored on Windows (no cgroups)")}
    assert run_all(from_configz({"kubeletconfig": KUBEADM_SHARED}, "lin-1"), (1, 29), LINUX_ONLY_PROFILE) == set()


def test_windows_paths_mark_the_file_even_without_windows_pools():
    obj = cfg(cgroupsPerQOS=True)
    assert found(obj, "kubelet-cgroups-ignored-windows", (1, 37), LINUX_ONLY_PROFILE) == {
        ("cgroupsPerQOS", "cgroupsPerQOS: true is ignored on Windows (no cgroups)")}


def test_other_kinds_not_judged():
    obj = cfg(kind="KubeProxyConfiguration", apiVersion="kubeproxy.config.k8s.io/v1alpha1", cgroupsPerQOS=True)
    assert run_all(obj, (1, 29)) == set()


# ----------------------------------------------------------------------------- cgroupsPerQOS / enforceNodeAllocatable

@pytest.mark.parametrize("version", [(1, 25), (1, 30)])  # validation_windows.go: an error at v1.25.16 … v1.30.14
def test_fatal_through_1_30_from_defaults(version):
    got = found(KUBEADM_SHARED, "kubelet-cgroups-fatal-windows", version)
    assert got == {
        ("cgroupsPerQOS", "cgroupsPerQOS is not set and defaults to true: invalid configuration on Windows, the kubelet "
                          "exits (\"CgroupsPerQOS (--cgroups-per-qos) true is not supported on Windows\") " + PROFILE_NOTE),
        ("enforceNodeAllocatable", "enforceNodeAllocatable is not set and defaults to [pods]: invalid configuration on "
                                   "Windows, the kubelet exits (\"EnforceNodeAllocatable (--enforce-node-allocatable) "
                                   "[pods] is not supported on Windows\") " + PROFILE_NOTE),
    }


def test_fatal_through_1_30_explicit():
    obj = cfg(cgroupsPerQOS=True, enforceNodeAllocatable=["pods", "system-reserved"])
    got = found(obj, "kubelet-cgroups-fatal-windows", (1, 30))
    assert {p for p, _ in got} == {"cgroupsPerQOS", "enforceNodeAllocatable"}
    msgs = dict(got)
    assert msgs["cgroupsPerQOS"].startswith("cgroupsPerQOS: true: invalid configuration on Windows")
    assert "[pods, system-reserved] is not supported on Windows" in msgs["enforceNodeAllocatable"]
    assert PROFILE_NOTE not in msgs["cgroupsPerQOS"]  # the file itself says Windows


def test_not_fatal_since_1_31():  # a warning from v1.31.14 on (CHANGELOG-1.31: #123137)
    assert hits(KUBEADM_SHARED, "kubelet-cgroups-fatal-windows", (1, 31)) == []
    assert hits(cfg(cgroupsPerQOS=True), "kubelet-cgroups-fatal-windows", (1, 31)) == []


def test_enforce_node_allocatable_none():
    # through 1.30 any non-empty list is fatal, [none] too; from 1.31 the warning leaves "none" out
    obj = cfg(cgroupsPerQOS=False, enforceNodeAllocatable=["none"])
    assert {p for p, _ in found(obj, "kubelet-cgroups-fatal-windows", (1, 30))} == {"enforceNodeAllocatable"}
    assert hits(obj, "kubelet-cgroups-ignored-windows", (1, 31)) == []
    assert {render(h.path) for h in hits(cfg(enforceNodeAllocatable=["none", "pods"]), "kubelet-cgroups-ignored-windows", (1, 31))} == {"enforceNodeAllocatable"}


def test_ignored_since_1_31_explicit_only():
    obj = cfg(cgroupsPerQOS=True, enforceNodeAllocatable=["pods"])
    hs = {render(h.path): h for h in hits(obj, "kubelet-cgroups-ignored-windows", (1, 31))}
    assert set(hs) == {"cgroupsPerQOS", "enforceNodeAllocatable"}
    assert hs["cgroupsPerQOS"].severity is Severity.INFO
    assert hs["enforceNodeAllocatable"].severity is None  # the rule's warning
    assert hs["enforceNodeAllocatable"].message == (
        "enforceNodeAllocatable: [pods] is ignored on Windows: nothing enforces node allocatable, "
        "reservations only reduce allocatable")
    # omitted fields fall back to defaults that are only logged
    assert hits(KUBEADM_SHARED, "kubelet-cgroups-ignored-windows", (1, 37)) == []
    assert hits(obj, "kubelet-cgroups-ignored-windows", (1, 30)) == []


# ----------------------------------------------------------------------------- eviction

def test_linux_only_eviction_signals():
    obj = cfg(evictionHard={"memory.available": "500Mi", "nodefs.inodesFree": "5%", "pid.available": "10%"},
              evictionSoft={"imagefs.inodesFree": "10%"})
    assert found(obj, "kubelet-eviction-ignored-windows", (1, 31)) == {
        ("evictionHard[nodefs.inodesFree]", "evictionHard[nodefs.inodesFree] is a Linux-only eviction signal, ignored on Windows"),
        ("evictionHard[pid.available]", "evictionHard[pid.available] is a Linux-only eviction signal, ignored on Windows "
                                        "(the PIDPressure condition is not implemented on Windows)"),
        ("evictionSoft[imagefs.inodesFree]", "evictionSoft[imagefs.inodesFree] is a Linux-only eviction signal, ignored on Windows"),
    }


def test_eviction_not_implemented_before_1_31():
    obj = cfg(evictionSoft={"memory.available": "1Gi"}, evictionSoftGracePeriod={"memory.available": "1m"})
    got = found(obj, "kubelet-eviction-ignored-windows", (1, 30))
    assert {p for p, _ in got} == {"evictionHard", "evictionSoft", "evictionSoftGracePeriod"}
    msgs = dict(got)
    assert msgs["evictionHard"] == ("evictionHard: the kubelet does not evict on Windows before Kubernetes 1.31; "
                                    "evictionHard only reduces allocatable")
    assert msgs["evictionSoft"].endswith("evictionSoft has no effect")
    sev = {render(h.path): h.severity for h in hits(obj, "kubelet-eviction-ignored-windows", (1, 30))}
    assert sev == {"evictionHard": Severity.INFO, "evictionSoft": None, "evictionSoftGracePeriod": None}


def test_supported_eviction_signals_clean():
    assert hits(GOOD_WINDOWS, "kubelet-eviction-ignored-windows", (1, 31)) == []


def test_memory_threshold_below_windows_default():
    obj = cfg(evictionHard={"memory.available": "100Mi"})
    hs = hits(obj, "kubelet-memory-eviction-threshold-windows", (1, 31))
    assert [(render(h.path), h.message) for h in hs] == [
        ("evictionHard[memory.available]", "evictionHard[memory.available] 100Mi is below the Windows default of 500Mi "
                                           "(100Mi is the Linux default)")]
    assert all_rules()["kubelet-memory-eviction-threshold-windows"].severity is Severity.INFO


@pytest.mark.parametrize("value", ["500Mi", "1Gi", "5%", "0.5Gi"])
def test_memory_threshold_fine(value):
    assert hits(cfg(evictionHard={"memory.available": value}), "kubelet-memory-eviction-threshold-windows", (1, 37)) == []


def test_memory_threshold_not_judged_before_1_31():
    assert hits(cfg(evictionHard={"memory.available": "100Mi"}), "kubelet-memory-eviction-threshold-windows", (1, 30)) == []


# ----------------------------------------------------------------------------- resource managers

def test_managers_without_gate():
    obj = cfg(cpuManagerPolicy="static", memoryManagerPolicy="Static", topologyManagerPolicy="best-effort")
    assert found(obj, "kubelet-resource-managers-windows") == {
        ("cpuManagerPolicy", "cpuManagerPolicy: static has no effect on Windows without the WindowsCPUAndMemoryAffinity feature gate"),
        ("memoryManagerPolicy", "memoryManagerPolicy: Static has no effect on Windows without the WindowsCPUAndMemoryAffinity feature gate"),
        ("topologyManagerPolicy", "topologyManagerPolicy: best-effort has no effect on Windows without the WindowsCPUAndMemoryAffinity feature gate"),
    }


def test_managers_with_gate():
    obj = cfg(featureGates={"WindowsCPUAndMemoryAffinity": True}, cpuManagerPolicy="static",
              memoryManagerPolicy="Static", topologyManagerPolicy="best-effort")
    assert found(obj, "kubelet-resource-managers-windows", (1, 32)) == {
        ("memoryManagerPolicy", "memoryManagerPolicy: Static is not supported on Windows, even with "
                                "WindowsCPUAndMemoryAffinity (supported: None, BestEffort)")}
    ok = cfg(obj, memoryManagerPolicy="BestEffort")
    assert hits(ok, "kubelet-resource-managers-windows", (1, 37)) == []


def test_gate_before_1_32_does_not_count():
    obj = cfg(featureGates={"WindowsCPUAndMemoryAffinity": True}, cpuManagerPolicy="static")
    assert len(hits(obj, "kubelet-resource-managers-windows", (1, 31))) == 1


def test_default_policies_clean():
    obj = cfg(cpuManagerPolicy="none", memoryManagerPolicy="None", topologyManagerPolicy="none")
    assert hits(obj, "kubelet-resource-managers-windows") == []


# ----------------------------------------------------------------------------- reserved memory

def test_reserved_memory_below_advice():
    obj = cfg(systemReserved={"memory": "512Mi"}, kubeReserved={"memory": "500Mi"})
    assert found(obj, "kubelet-reserved-memory-windows") == {
        ("systemReserved.memory", "kubeReserved + systemReserved reserves 1012Mi of memory; the Windows docs advise at least 2Gi")}


def test_no_reservation_at_all():
    got = found(KUBEADM_SHARED, "kubelet-reserved-memory-windows")
    assert got == {("", "kubeReserved + systemReserved reserves no memory; the Windows docs advise at least 2Gi " + PROFILE_NOTE)}


def test_reserved_memory_summed():
    obj = cfg(systemReserved={"memory": "1Gi"}, kubeReserved={"memory": "1Gi"})
    assert hits(obj, "kubelet-reserved-memory-windows") == []


# ----------------------------------------------------------------------------- through the engine

def test_engine_routes_kubelet_configuration():
    from winkube.engine import Engine, Options

    engine = Engine(Options(profile=PROFILE, kube_version=(1, 29)))
    rules = {f.rule for f in engine.check_object(copy.deepcopy(KUBEADM_SHARED))}
    assert "kubelet-cgroups-fatal-windows" in rules
    assert not [f for f in engine.check_object(copy.deepcopy(LINUX)) if f.rule.startswith("kubelet-")]


# ----------------------------------------------------------------------------- Linux-only options that stop the kubelet

@pytest.mark.parametrize("field, value, since", [
    ("singleProcessOOMKill", False, (1, 32)),  # validation_windows.go: absent at v1.31.14, there at v1.32.13
    ("userNamespaces", {"idsPerPod": 65536}, (1, 33)),  # absent at v1.32.13, there at v1.33.13
    ("defaultPodSysctls", {"net.core.somaxconn": "1024"}, (1, 37)),  # absent at v1.36.3, there at v1.37.2
])
def test_linux_only_option_fatal_from_its_release(field, value, since):
    obj = cfg(**{field: value})
    before = (since[0], since[1] - 1)
    assert hits(obj, "kubelet-option-fatal-windows", before) == []
    assert found(obj, "kubelet-option-fatal-windows", since) == {
        (field, f"{field} is set: invalid configuration on Windows, the kubelet exits (\"{field} is not supported on Windows\")")}
    assert found(obj, "kubelet-option-fatal-windows", (1, 37)) == found(obj, "kubelet-option-fatal-windows", since)


def test_linux_only_options_not_set_or_empty_are_fine():
    assert hits(cfg(defaultPodSysctls={}), "kubelet-option-fatal-windows") == []  # len(map) > 0 only
    assert hits(cfg(singleProcessOOMKill=None), "kubelet-option-fatal-windows") == []  # null: nil pointer
    assert hits(GOOD_WINDOWS, "kubelet-option-fatal-windows") == []
    assert hits(cfg(base=LINUX, singleProcessOOMKill=True), "kubelet-option-fatal-windows") == []  # a Linux kubelet
