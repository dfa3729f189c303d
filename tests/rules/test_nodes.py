"""Node rules: Windows versions per release, end of support, runtimes, labels, taints, skew.

Node objects are modelled on real `kubectl get node -o yaml` output (windows-facts.md §3):
kernelVersion 10.0.17763.1397 / 10.0.20348.2113, containerd://1.6.14, docker://19.3.14,
osImage "Windows Server 2022 Datacenter".
"""
from __future__ import annotations

import copy
import datetime

import pytest

from winkube.knowledge import load
from winkube.model.finding import Severity, Stage
from winkube.model.paths import render
from winkube.model.profile import default_profile
from winkube.rules import all_rules
from winkube.rules.context import DocContext
from winkube.rules.nodes import _common

PROFILE = default_profile()
NODE_IDS = [
    "node-windows-version-unsupported", "node-windows-end-of-support", "node-windows-control-plane",
    "node-containerd-no-cri-v1", "node-containerd-below-recommended", "node-dockershim-removed",
    "node-docker-via-cri-dockerd", "node-containerd-exact-build-match", "node-containerd-first-match",
    "node-windows-build-label-missing", "node-windows-build-label-mismatch", "node-windows-taint-missing",
    "node-kubelet-version-skew",
]
BUILD_LABEL = "metadata.labels[node.kubernetes.io/windows-build]"
RUNTIME = "status.nodeInfo.containerRuntimeVersion"
KERNEL = "status.nodeInfo.kernelVersion"
KUBELET = "status.nodeInfo.kubeletVersion"
OS_TAINT = [{"key": "os", "value": "windows", "effect": "NoSchedule"}]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    # end-of-support findings depend on today's date: pin it so a test keeps its meaning next year
    monkeypatch.setattr(_common, "today", lambda: datetime.date(2026, 11, 27))


def win_node(build="20348", ubr="2113", runtime="containerd://2.2.1", kubelet="v1.37.2", label=True,
             taints=OS_TAINT, os_image="Windows Server 2022 Datacenter", extra_labels=None, name="akswin000001"):
    lbl = {
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "windows",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "windows",
        "agentpool": "win22",
    }
    if label:
        lbl["node.kubernetes.io/windows-build"] = f"10.0.{build}"
    lbl.update(extra_labels or {})
    node = {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": lbl},
        "spec": {"podCIDR": "10.244.3.0/24"},
        "status": {"nodeInfo": {
            "architecture": "amd64", "bootID": "", "containerRuntimeVersion": runtime,
            "kernelVersion": f"10.0.{build}.{ubr}", "kubeProxyVersion": kubelet, "kubeletVersion": kubelet,
            "machineID": name, "operatingSystem": "windows", "osImage": os_image,
            "systemUUID": "8F2A0C3E-1B6D-4E43-9C61-0A7E1D2B3C4D",
        }},
    }
    if taints is not None:
        node["spec"]["taints"] = copy.deepcopy(taints)
    return node


def linux_node(**kw):
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "aks-nodepool1-0", "labels": {
            "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "aks-nodepool1-0"}},
        "spec": {},
        "status": {"nodeInfo": {
            "architecture": "amd64", "containerRuntimeVersion": kw.get("runtime", "containerd://1.4.4+unknown"),
            "kernelVersion": "5.4.0-1089-azure", "kubeletVersion": kw.get("kubelet", "v1.20.9"),
            "operatingSystem": "linux", "osImage": "Ubuntu 18.04.6 LTS"}},
    }


WS2019_OLD = dict(build="17763", ubr="1397", runtime="containerd://1.6.14", kubelet="v1.24.9",
                  os_image="Windows Server 2019 Datacenter")


def run(node, rule_id=None, version=(1, 37), profile=PROFILE):
    """Findings as a set of (rule, rendered path, message)."""
    ctx = DocContext(node, profile, version)
    rules = all_rules()
    out = set()
    for rid in ([rule_id] if rule_id else NODE_IDS):
        for h in rules[rid].check(ctx):
            out.add((rid, render(h.path), h.message))
    return out


def hits(node, rule_id, version=(1, 37)):
    ctx = DocContext(node, PROFILE, version)
    return list(all_rules()[rule_id].check(ctx))


def one(node, rule_id, version=(1, 37)):
    hs = hits(node, rule_id, version)
    assert len(hs) == 1, hs
    return render(hs[0].path), hs[0].message, hs[0].severity


# ----------------------------------------------------------------------------- metadata / data

def test_rules_registered_with_metadata():
    rules = all_rules()
    for rid in NODE_IDS:
        r = rules[rid]
        assert r.scope == "node"
        assert r.summary and r.explanation and r.fix and r.source
        assert r.module == "winkube.rules.nodes." + rid.replace("-", "_")


def test_k8s_releases_every_row_sourced_and_complete():
    data = load("k8s_releases")
    for section in ("windows_support", "containerd"):
        kubes = [row["kube"] for row in data[section]]
        assert kubes == [f"1.{m}" for m in range(25, 38)]
        for row in data[section]:
            assert row["source"] and isinstance(row["inferred"], bool)
            if row["inferred"]:
                assert "inferred" in row["source"]
    for key in ("cri_v1", "dockershim", "version_skew"):
        assert data[key]["source"]
    win = {r["kube"]: r for r in data["windows_support"]}
    assert win["1.25"]["listed"] == [17763, 20348, 19042] and not win["1.25"]["inferred"]
    assert win["1.37"]["listed"] == [20348, 26100] and not win["1.37"]["inferred"]
    assert all(win[f"1.{m}"]["inferred"] for m in (32, 33, 34, 35))
    ctd = {r["kube"]: r for r in data["containerd"]}
    assert ctd["1.36"]["recommended"] == ["2.3.0", "2.2.0"] and ctd["1.37"]["inferred"]


# ----------------------------------------------------------------------------- clean nodes

@pytest.mark.parametrize("version", [(1, 36), (1, 37)])
@pytest.mark.parametrize("build,ubr", [("20348", "2113"), ("26100", "6899")])
def test_current_windows_node_is_clean(version, build, ubr):
    assert run(win_node(build=build, ubr=ubr, runtime="containerd://2.3.1",
                        kubelet=f"v1.{version[1]}.0"), version=version) == set()


def test_ws2022_node_on_1_30_with_containerd_1_7_clean():
    assert run(win_node(runtime="containerd://1.7.20", kubelet="v1.30.4"), version=(1, 30)) == set()


@pytest.mark.parametrize("version", [(1, 30), (1, 37)])
def test_linux_nodes_produce_no_findings(version):
    # control-plane label, old containerd, old kubelet, no taint, no windows-build label: all Linux
    assert run(linux_node(), version=version) == set()
    assert run(linux_node(runtime="docker://19.3.14", kubelet="v1.23.1"), version=version) == set()


def test_windows_detected_from_node_info_alone():
    node = win_node(**WS2019_OLD)
    node["metadata"]["labels"] = {"kubernetes.io/hostname": "win"}
    found = run(node, "node-windows-build-label-missing")
    assert found == {("node-windows-build-label-missing", "metadata.labels",
                      "Windows node without the node.kubernetes.io/windows-build label "
                      "(expected 10.0.17763 from status.nodeInfo.kernelVersion)")}


# ----------------------------------------------------------------------------- supported versions

def test_ws2019_unsupported_on_1_37():
    path, msg, sev = one(win_node(**WS2019_OLD), "node-windows-version-unsupported")
    assert path == BUILD_LABEL
    assert msg.startswith("Windows Server 2019 (17763) is not among the Windows versions the Kubernetes 1.37 docs")
    assert "Windows Server 2022 (20348), Windows Server 2025 (26100)" in msg
    assert sev is None  # the rule's default (warning): the 1.37 row is sourced


def test_ws2019_supported_up_to_1_31():
    for minor in (25, 29, 31):
        assert hits(win_node(**WS2019_OLD), "node-windows-version-unsupported", (1, minor)) == []


def test_ws2025_on_inferred_release_is_info():
    path, msg, sev = one(win_node(build="26100", ubr="6899"), "node-windows-version-unsupported", (1, 33))
    assert path == BUILD_LABEL and sev is Severity.INFO
    assert "inferred: the v1.33 docs were not checked" in msg


def test_ws2025_listed_from_1_36():
    assert hits(win_node(build="26100", ubr="6899"), "node-windows-version-unsupported", (1, 36)) == []


def test_build_from_kernel_when_label_missing():
    path, msg, _ = one(win_node(label=False, **WS2019_OLD), "node-windows-version-unsupported")
    assert path == KERNEL and "Windows Server 2019 (17763)" in msg


def test_os_image_is_never_used_for_the_build():
    # A Windows 11 host reports osImage "Windows 10 Enterprise"; the kernel says 22631.
    node = win_node(build="22631", ubr="5335", os_image="Windows 10 Enterprise", label=False)
    path, msg, _ = one(node, "node-windows-version-unsupported")
    assert path == KERNEL
    assert msg.startswith("Windows 11 23H2 (22631), a Windows client build, is not among")


def test_20h2_still_listed_in_1_25_docs_but_past_end_of_support():
    node = win_node(build="19042", ubr="1052", os_image="Windows Server Datacenter")
    assert hits(node, "node-windows-version-unsupported", (1, 25)) == []
    path, msg, _ = one(node, "node-windows-end-of-support", (1, 25))
    assert (path, msg) == (BUILD_LABEL, "Windows Server 20H2 (19042) reached its end of support on 2022-08-09")


def test_newer_release_than_data_judged_by_newest_row():
    path, msg, sev = one(win_node(**WS2019_OLD), "node-windows-version-unsupported", (1, 40))
    assert "newer than winkube's data; judged by the v1.37 docs" in msg and sev is Severity.INFO


def test_release_older_than_data_not_judged():
    assert hits(win_node(build="14393", ubr="1715"), "node-windows-version-unsupported", (1, 20)) == []


# ----------------------------------------------------------------------------- end of support

def test_end_of_support_23h2():
    path, msg, _ = one(win_node(build="25398", ubr="1"), "node-windows-end-of-support")
    assert (path, msg) == (BUILD_LABEL, "Windows Server 23H2 (25398) reached its end of support on 2025-10-24")


def test_ws2016_end_of_support_depends_on_today(monkeypatch):
    node = win_node(build="14393", ubr="1715")
    assert hits(node, "node-windows-end-of-support") == []  # extended support to 2027-01-12
    monkeypatch.setattr(_common, "today", lambda: datetime.date(2027, 1, 13))
    assert one(node, "node-windows-end-of-support")[1] == "Windows Server 2016 (14393) reached its end of support on 2027-01-12"


def test_supported_ltsc_not_end_of_support():
    for build in ("17763", "20348", "26100"):
        assert hits(win_node(build=build), "node-windows-end-of-support") == []


# ----------------------------------------------------------------------------- control plane

@pytest.mark.parametrize("label", ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"])
def test_windows_control_plane(label):
    node = win_node(extra_labels={label: ""})
    path, msg, _ = one(node, "node-windows-control-plane")
    assert path == f"metadata.labels[{label}]"
    assert msg == f"Windows node labelled {label}: the control plane runs on Linux only"
    assert all_rules()["node-windows-control-plane"].severity is Severity.ERROR


def test_worker_role_label_is_fine():
    assert hits(win_node(extra_labels={"node-role.kubernetes.io/worker": ""}), "node-windows-control-plane") == []


# ----------------------------------------------------------------------------- container runtime

def test_containerd_1_6_14_below_recommended_on_1_30():
    path, msg, sev = one(win_node(runtime="containerd://1.6.14", kubelet="v1.30.0"), "node-containerd-below-recommended", (1, 30))
    assert path == RUNTIME and sev is None
    assert msg == ("containerd 1.6.14 is below the versions containerd recommends for Kubernetes 1.30 "
                   "(2.1.0+, 2.0.0+, 1.7.13+, 1.6.28+); for Kubernetes 1.26+ (CRI v1 only) it lists nothing below 1.6.15 / 1.7.0")


def test_containerd_1_7_on_1_36_not_listed():
    path, msg, _ = one(win_node(runtime="containerd://1.7.28"), "node-containerd-below-recommended", (1, 36))
    assert msg == "containerd 1.7.28 is not among the versions containerd recommends for Kubernetes 1.36 (2.3.0+, 2.2.0+)"


def test_containerd_on_1_37_judged_by_newest_covered_release():
    _, msg, sev = one(win_node(runtime="containerd://2.1.4"), "node-containerd-below-recommended", (1, 37))
    assert "for Kubernetes 1.36, the newest release its table covers (2.3.0+, 2.2.0+)" in msg
    assert sev is None


def test_containerd_within_recommendation():
    cases = [("containerd://1.6.28", (1, 30)), ("containerd://1.7.13", (1, 30)), ("containerd://2.0.6", (1, 34)),
             ("containerd://2.2.0", (1, 37)), ("containerd://2.4.0", (1, 36)), ("containerd://1.6.4", (1, 25)),
             ("containerd://1.5.11", (1, 25))]
    for rt, version in cases:
        assert hits(win_node(runtime=rt), "node-containerd-below-recommended", version) == [], rt


def test_containerd_patch_below_branch_minimum():
    _, msg, _ = one(win_node(runtime="containerd://2.1.4"), "node-containerd-below-recommended", (1, 35))
    assert msg.startswith("containerd 2.1.4 is below the versions containerd recommends for Kubernetes 1.35")


def test_containerd_without_cri_v1():
    node = win_node(runtime="containerd://1.4.4+unknown", kubelet="v1.26.3")
    path, msg, _ = one(node, "node-containerd-no-cri-v1", (1, 26))
    assert path == RUNTIME
    assert msg == ("containerd 1.4.4 serves only CRI v1alpha2; the Kubernetes 1.26 kubelet speaks only CRI v1 "
                   "(containerd lists 1.7.0+ / 1.6.15+ for Kubernetes 1.26+)")
    # not reported twice
    assert hits(node, "node-containerd-below-recommended", (1, 26)) == []


def test_containerd_1_4_fine_for_cri_before_1_26():
    node = win_node(runtime="containerd://1.4.1", kubelet="v1.25.0")
    assert hits(node, "node-containerd-no-cri-v1", (1, 25)) == []
    assert hits(node, "node-containerd-below-recommended", (1, 25)) != []


def test_containerd_1_5_serves_cri_v1():
    assert hits(win_node(runtime="containerd://1.5.18"), "node-containerd-no-cri-v1", (1, 30)) == []


def test_dockershim_removed():
    node = win_node(runtime="docker://19.3.14", kubelet="v1.23.17", build="17763", ubr="1397")
    path, msg, _ = one(node, "node-dockershim-removed")
    assert path == RUNTIME
    assert msg == ("docker://19.3.14 (kubelet v1.23.17) runs through dockershim, removed in Kubernetes 1.24: "
                   "a Kubernetes 1.37 kubelet needs cri-dockerd or containerd")
    assert hits(node, "node-docker-via-cri-dockerd") == []
    assert hits(node, "node-dockershim-removed", (1, 23)) == []


def test_docker_via_cri_dockerd():
    node = win_node(runtime="docker://20.10.24", kubelet="v1.30.1", build="17763", ubr="1397")
    path, msg, _ = one(node, "node-docker-via-cri-dockerd", (1, 30))
    assert path == RUNTIME and "terminationGracePeriodSeconds is not fully honoured" in msg
    assert hits(node, "node-dockershim-removed", (1, 30)) == []
    assert all_rules()["node-docker-via-cri-dockerd"].stage is Stage.PRACTICE
    assert all_rules()["node-dockershim-removed"].stage is Stage.KUBELET


def test_docker_rules_ignore_containerd():
    node = win_node()
    assert hits(node, "node-dockershim-removed") == [] and hits(node, "node-docker-via-cri-dockerd") == []


# ----------------------------------------------------------------------------- containerd image matching

def test_exact_build_match_on_ws2025_host():
    node = win_node(build="26100", ubr="6899", runtime="containerd://1.7.5")
    path, msg, _ = one(node, "node-containerd-exact-build-match")
    assert path == RUNTIME
    assert msg.startswith("containerd 1.7.5 matches image builds exactly: this Windows Server 2025 (26100) host cannot run")
    assert all_rules()["node-containerd-exact-build-match"].severity is Severity.INFO


def test_exact_build_match_on_windows11_host_1_6_22():
    node = win_node(build="22000", ubr="2960", runtime="containerd://1.6.22", label=False)
    assert "Windows 11 21H2 (22000)" in one(node, "node-containerd-exact-build-match")[1]


@pytest.mark.parametrize("runtime,build", [
    ("containerd://1.6.23", "26100"), ("containerd://1.7.6", "26100"),  # relaxation present
    ("containerd://1.6.14", "20348"), ("containerd://1.6.14", "17763"),  # exact anyway on these hosts
])
def test_exact_build_match_not_reported(runtime, build):
    assert hits(win_node(build=build, runtime=runtime), "node-containerd-exact-build-match") == []


def test_first_match_on_ws2025():
    node = win_node(build="26100", ubr="6899", runtime="containerd://2.1.5")
    path, msg, sev = one(node, "node-containerd-first-match")
    assert path == RUNTIME
    assert msg.startswith("containerd 2.1.5 takes the first matching entry of an image index: on this Windows Server 2025 (26100) host")


@pytest.mark.parametrize("runtime,build", [
    ("containerd://2.1.6", "26100"), ("containerd://2.2.0", "26100"),  # newest entry wins
    ("containerd://1.7.20", "20348"),  # only 20348 entries match on WS2022
    ("containerd://1.7.5", "26100"),  # exact matching: the other rule reports it
])
def test_first_match_not_reported(runtime, build):
    assert hits(win_node(build=build, runtime=runtime), "node-containerd-first-match") == []


def test_first_match_on_1_7_ws2025():
    assert len(hits(win_node(build="26100", runtime="containerd://1.7.28"), "node-containerd-first-match")) == 1


# ----------------------------------------------------------------------------- labels

def test_build_label_missing():
    path, msg, _ = one(win_node(label=False), "node-windows-build-label-missing")
    assert (path, msg) == ("metadata.labels", "Windows node without the node.kubernetes.io/windows-build label "
                                              "(expected 10.0.20348 from status.nodeInfo.kernelVersion)")


def test_build_label_present():
    assert hits(win_node(), "node-windows-build-label-missing") == []


def test_build_label_mismatch():
    node = win_node(**WS2019_OLD)
    node["metadata"]["labels"]["node.kubernetes.io/windows-build"] = "10.0.20348"
    path, msg, _ = one(node, "node-windows-build-label-mismatch")
    assert path == BUILD_LABEL
    assert msg == ("node.kubernetes.io/windows-build=10.0.20348 names Windows Server 2022 (20348), but kernelVersion "
                   "10.0.17763.1397 is Windows Server 2019 (17763)")


def test_build_label_with_revision():
    node = win_node()
    node["metadata"]["labels"]["node.kubernetes.io/windows-build"] = "10.0.20348.2113"
    path, msg, _ = one(node, "node-windows-build-label-mismatch")
    assert path == BUILD_LABEL
    assert msg == "node.kubernetes.io/windows-build=10.0.20348.2113 is not in Major.Minor.Build form (e.g. 10.0.20348)"


def test_build_label_consistent():
    assert hits(win_node(**WS2019_OLD), "node-windows-build-label-mismatch") == []
    assert hits(win_node(label=False), "node-windows-build-label-mismatch") == []


# ----------------------------------------------------------------------------- taint

def test_taint_missing():
    path, msg, _ = one(win_node(taints=None), "node-windows-taint-missing")
    assert path == "spec" and msg.startswith("Windows node without an os=windows:NoSchedule taint")


def test_taint_missing_with_unrelated_taint():
    node = win_node(taints=[{"key": "sku", "value": "gpu", "effect": "NoSchedule"}])
    assert one(node, "node-windows-taint-missing")[0] == "spec.taints"


@pytest.mark.parametrize("taint", [
    {"key": "os", "value": "windows", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/os", "value": "windows", "effect": "NoSchedule"},  # GKE
    {"key": "os", "value": "windows", "effect": "NoExecute"},
])
def test_taint_present(taint):
    assert hits(win_node(taints=[taint]), "node-windows-taint-missing") == []


def test_prefer_no_schedule_does_not_count():
    node = win_node(taints=[{"key": "os", "value": "windows", "effect": "PreferNoSchedule"}])
    assert len(hits(node, "node-windows-taint-missing")) == 1


# ----------------------------------------------------------------------------- version skew

def test_kubelet_too_old():
    path, msg, _ = one(win_node(kubelet="v1.33.5"), "node-kubelet-version-skew", (1, 37))
    assert (path, msg) == (KUBELET, "kubelet v1.33.5 is 4 minor versions older than Kubernetes 1.37 (at most 3 are supported)")


def test_kubelet_three_minors_older_is_fine():
    assert hits(win_node(kubelet="v1.34.1"), "node-kubelet-version-skew", (1, 37)) == []


def test_kubelet_older_than_1_25_allows_two():
    assert one(win_node(kubelet="v1.24.9"), "node-kubelet-version-skew", (1, 27))[1] == \
        "kubelet v1.24.9 is 3 minor versions older than Kubernetes 1.27 (at most 2 are supported)"
    assert hits(win_node(kubelet="v1.24.9"), "node-kubelet-version-skew", (1, 26)) == []


def test_kubelet_newer_than_api_server():
    path, msg, _ = one(win_node(kubelet="v1.37.0"), "node-kubelet-version-skew", (1, 36))
    assert msg == "kubelet v1.37.0 is newer than Kubernetes 1.36: the kubelet must not be newer than kube-apiserver"


def test_vendor_kubelet_versions_parse():
    assert hits(win_node(kubelet="v1.30.4-eks-a737599"), "node-kubelet-version-skew", (1, 30)) == []


# ----------------------------------------------------------------------------- a whole old node

def test_old_ws2019_node_on_1_37_findings():
    found = {(rid, path) for rid, path, _ in run(win_node(taints=None, **WS2019_OLD))}
    assert found == {
        ("node-windows-version-unsupported", BUILD_LABEL),
        ("node-containerd-below-recommended", RUNTIME),
        ("node-windows-taint-missing", "spec"),
        ("node-kubelet-version-skew", KUBELET),
    }


def test_engine_routes_nodes_to_node_rules():
    from winkube.engine import Engine, Options

    engine = Engine(Options(profile=PROFILE))
    findings = engine.check_object(win_node(taints=None, **WS2019_OLD))
    assert {f.rule for f in findings} >= {"node-windows-version-unsupported", "node-windows-taint-missing"}
    assert [f for f in engine.check_object(linux_node()) if f.rule.startswith("node-")] == []


def test_first_match_rule_on_1_6_names_the_revision_order():
    # containerd 1.6.23+ (matchComparer.Less, platforms/defaults_windows.go): highest revision first
    path, msg, _ = one(win_node(build="26100", runtime="containerd://1.6.39"), "node-containerd-first-match")
    assert msg.startswith("containerd 1.6.39 takes the matching entry with the highest revision: on this Windows Server 2025")


def test_first_match_on_2_2_pre_release():
    # 2.2.0-beta.0 .. rc.1 vendor containerd/platforms v1.0.0-rc.1 (first match), 2.2.0 rc.2 (newest)
    assert len(hits(win_node(build="26100", runtime="containerd://2.2.0-rc.1"), "node-containerd-first-match")) == 1
    assert hits(win_node(build="26100", runtime="containerd://2.2.0"), "node-containerd-first-match") == []
