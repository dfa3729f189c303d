"""no-schedulable-pool when the pod selects on labels the profile cannot see, and for DaemonSets:
the pools of the pod's OS are judged on everything else (taints, build, resources)."""
from __future__ import annotations

import yaml
from harness.controlplane import shared_dir
from lintkit import WIN_IMAGE, by_rule, ctr, daemonset, findings, only, pod, windows_spec
from test_scheduling import NODES  # a Linux node (agentpool: sys) and a Windows Server 2022 one (agentpool: win)

from winkube.model.finding import Severity
from winkube.model.platforms import platform_profile

RULE = "no-schedulable-pool"


def real(name: str) -> list[dict]:
    text = (shared_dir() / "corpus" / "real-windows" / name).read_text()
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def test_windows_daemonset_without_the_toleration_runs_nowhere():
    # the case (written after its description): a Windows DaemonSet pinned to 2022, no toleration
    ds = daemonset(os={"name": "windows"}, nodeSelector={"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"},
                   containers=[ctr(image=WIN_IMAGE)])
    f = only(findings(ds), RULE)
    assert f.fix == "add a toleration for os=windows:NoSchedule"
    assert "windows-2022: TaintToleration" in f.message


def test_unseen_label_is_named_and_the_rest_judged():
    # gke-nodepool is a pool name the profile cannot know; GKE taints its Windows nodes
    spec = windows_spec(nodeSelector={"kubernetes.io/os": "windows", "cloud.google.com/gke-nodepool": "my-win-pool"}, tolerations=[])
    f = only(findings(pod(spec), platform_profile("gke")), RULE)
    assert f.severity is Severity.WARNING
    assert "cannot see the label(s) cloud.google.com/gke-nodepool" in f.message
    assert f.fix == "add a toleration for node.kubernetes.io/os=windows:NoSchedule"
    # with the toleration it may well fit: nothing to say
    ok = windows_spec(nodeSelector={"kubernetes.io/os": "windows", "cloud.google.com/gke-nodepool": "my-win-pool"},
                      tolerations=[{"key": "node.kubernetes.io/os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}])
    assert not by_rule(findings(pod(ok), platform_profile("gke")), RULE)


def test_aks_pool_name_with_the_aks_profile_is_understood():
    spec = windows_spec(nodeSelector={"kubernetes.io/os": "windows", "agentpool": "npwin"}, tolerations=[])
    assert not by_rule(findings(pod(spec), platform_profile("aks")), RULE)


def test_unseen_label_still_reports_what_else_excludes_every_pool():
    # a selector on an unknown label and a build no pool has: judged on the build
    spec = windows_spec(nodeSelector={"kubernetes.io/os": "windows", "team": "x", "node.kubernetes.io/windows-build": "10.0.17763"})
    f = only(findings(pod(spec)), RULE)
    assert "cannot see the label(s) team" in f.message and "windows-build" in f.message


def test_real_aks_manifest_is_judged_with_the_aks_convention():
    # microsoft/SDN debug DaemonSet: selects kubernetes.azure.com/os-sku (an AKS label) and has no
    # toleration; AKS does not taint Windows nodes, so it is not reported with the default profile
    found = [f for d in real("microsoft__SDN__Kubernetes__windows__debug__daemonset.yaml") for f in findings(d)]
    assert not by_rule(found, RULE)


def test_real_manifest_with_a_custom_label():
    # microsoft/Windows-Containers hostsysprocess: nodeSelector vm: "0", no toleration
    found = [f for d in real("microsoft__Windows-Containers__helpful_tools__NetworkPolicy__yaml__hostsysprocess.yaml")
             for f in findings(d)]
    f = only(found, RULE)
    assert f.severity is Severity.WARNING and "cannot see the label(s) vm" in f.message


def test_linux_daemonset_for_absent_arches_stays_quiet():
    ds = daemonset(nodeSelector={"kubernetes.io/os": "linux", "kubernetes.io/arch": "s390x"}, containers=[ctr()])
    assert not by_rule(findings(ds), RULE)


def _on_nodes(selector: dict) -> list:
    obj = pod(windows_spec(nodeSelector={"kubernetes.io/os": "windows", **selector}, tolerations=[]))
    return findings(NODES + "---\n" + yaml.safe_dump(obj))


def test_real_nodes_leave_no_label_unseen():
    # Node objects are the cluster itself: a pool name none of them has, or a key none carries, matches
    # no node now (the scheduler's "didn't match Pod's node affinity/selector"), so the profile does not
    # call it unseen. But that is what a node pool scaled to zero looks like: the cluster autoscaler
    # scales a node group up for a pending pod its template node (the group's labels) fits, so the
    # pod is Pending until then, not for ever: a warning that says so, not an error
    f = only(_on_nodes({"agentpool": "win1"}), RULE)
    assert f.severity is Severity.WARNING and "cannot see" not in f.message
    assert "nodeSelector agentpool=win1 (pool has agentpool=win)" in f.message
    assert "no node has agentpool=win1 (2 nodes read)" in f.message and "scaled to zero" in f.message
    f = only(_on_nodes({"team": "x"}), RULE)
    assert f.severity is Severity.WARNING and "nodeSelector team=x (pool has no team label)" in f.message
    assert "no node has team=x" in f.message
    assert not by_rule(_on_nodes({"agentpool": "win"}), RULE)


def test_real_nodes_a_daemonset_for_a_pool_at_zero_runs_no_pod_and_is_not_pending():
    ds = daemonset(os={"name": "windows"}, nodeSelector={"kubernetes.io/os": "windows", "agentpool": "win2"},
                   containers=[ctr(image=WIN_IMAGE)])
    f = only(findings(NODES + "---\n" + yaml.safe_dump(ds)), RULE)
    assert f.severity is Severity.WARNING and "no node has agentpool=win2 (2 nodes read): it runs no pod until" in f.message
    assert "Pending" not in f.message


def test_real_nodes_a_wrong_value_of_a_label_every_node_has_stays_an_error():
    # kubernetes.io/os, arch, windows-build and other labels the nodes do carry: a value none has is a
    # mistake in the pod, not a pool at zero (its nodes would carry the kubelet's own labels)
    f = only(_on_nodes({"node.kubernetes.io/windows-build": "10.0.17763"}), RULE)
    assert f.severity is Severity.ERROR and "scaled to zero" not in f.message
    linux_only = NODES.split("- apiVersion: v1\n  kind: Node\n  metadata: {name: win-1")[0]
    obj = pod(windows_spec(nodeSelector={"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"}))
    f = only(findings(linux_only + "---\n" + yaml.safe_dump(obj)), RULE)
    assert f.severity is Severity.ERROR and "scaled to zero" not in f.message, f.message
    # something besides the missing label keeps it off: still an error (a pool at zero would not help)
    obj = pod(windows_spec(nodeSelector={"kubernetes.io/os": "windows", "team": "x"}, tolerations=[],
                           containers=[ctr(image=WIN_IMAGE, resources={"requests": {"cpu": "64"}})]))
    f = only(findings(NODES + "---\n" + yaml.safe_dump(obj)), RULE)
    assert f.severity is Severity.ERROR


def test_a_node_picked_by_its_hostname_label_is_found():
    # every kubelet sets kubernetes.io/hostname; pools leave it out of the labels their nodes share,
    # so a pod pinned to one node by it was "fits no node pool" (an error) on real Node objects
    nodes = NODES.replace("agentpool: win,", "agentpool: win, kubernetes.io/hostname: win-1,")
    obj = pod(windows_spec(nodeSelector={"kubernetes.io/os": "windows", "kubernetes.io/hostname": "win-1"},
                           tolerations=[]))
    assert not by_rule(findings(nodes + "---\n" + yaml.safe_dump(obj)), RULE)
    obj["spec"]["nodeSelector"]["kubernetes.io/hostname"] = "win-9"
    f = only(findings(nodes + "---\n" + yaml.safe_dump(obj)), RULE)
    assert f.severity is Severity.ERROR and "kubernetes.io/hostname=win-9 (no node of the pool has it)" in f.message
