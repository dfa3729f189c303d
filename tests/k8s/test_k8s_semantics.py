"""winkube.k8s: each Kubernetes semantics written once, with the contract its callers rely on."""
from __future__ import annotations

import pytest

from winkube.k8s import keys, labels, selectors, stages, taints, versions
from winkube.model.podview import pod_view


@pytest.mark.parametrize("text, build", [
    ("10.0.20348.1234", 20348), ("10.0.17763", 17763), ("20348", 20348), (26100, 26100),
    ("10.0.20348.2113 (WinBuild.160101.0800)", 20348),
    ("10.0", None), (None, None), ("10.0.x.1", None), ("10.0.70000.1", None), ("", None), (True, None),
    ("garbage", None), (70000, None),
])
def test_parse_build_has_one_contract_value_or_none(text, build):
    assert versions.parse_build(text) == build


def test_the_profile_refuses_what_the_one_parser_cannot_read():
    from winkube.model.profile import ProfileError, profile_windows_build as parse_windows_build
    assert parse_windows_build("10.0.20348") == 20348
    with pytest.raises(ProfileError, match="not a Windows build"):
        parse_windows_build("ltsc2022")


@pytest.mark.parametrize("text, want", [
    ("1.37", (1, 37)), ("v1.37.2", (1, 37)), ("v1.30.1-eks-1234", (1, 30)), (" 1.31 ", (1, 31)),
    ("1", None), ("one.two", None), (None, None), ("1.37.2.4", None),
])
def test_kube_versions(text, want):
    assert versions.parse_kube_version(text) == want


def test_loose_and_containerd_versions():
    assert versions.parse_version("v1.30.1-eks-1234") == (1, 30, 1)
    assert versions.parse_version("1.6") == (1, 6, 0)
    assert versions.parse_version(1.6) is None
    assert versions.parse_containerd_version("containerd://1.7.20") == (1, 7, 20)
    assert versions.parse_containerd_version("docker://24.0.7") is None


def test_requirements_follow_labels_requirement_matches():
    lb = {"a": "1", "n": "10"}
    assert selectors.requirement_matches({"key": "a", "operator": "In", "values": ["1", "2"]}, lb)
    assert selectors.requirement_matches({"key": "b", "operator": "NotIn", "values": ["1"]}, lb)
    assert not selectors.requirement_matches({"key": "b", "operator": "Exists"}, lb)
    assert selectors.requirement_matches({"key": "n", "operator": "Gt", "values": ["9"]}, lb)
    assert not selectors.requirement_matches({"key": "n", "operator": "Gt", "values": ["1_0"]}, lb)  # strconv.ParseInt
    assert not selectors.requirement_matches({"key": "a", "operator": "Bogus"}, lb)


def test_node_selector_terms_and_match_fields():
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}
    assert selectors.term_matches(term, {}, ["n1", "n2"]) is True
    assert selectors.term_matches(term, {}, ["n2"]) is False
    assert selectors.term_matches(term, {}, []) is None  # unknowable without node names
    assert selectors.term_matches({}, {"a": "1"}) is False  # an empty term matches nothing


def test_selector_mismatch_names_the_first_missing_label():
    assert selectors.selector_mismatch({"kubernetes.io/os": "windows"}, {"kubernetes.io/os": "linux"}) == \
        ("kubernetes.io/os", "windows", "linux")
    assert selectors.selector_matches({"a": 1}, {"a": "1"})
    spec = {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": labels.LABEL_OS, "operator": "In", "values": ["windows"]}]}]}}}}
    terms = selectors.required_terms(spec)
    assert selectors.terms_mention(terms, labels.OS_LABELS)
    assert selectors.terms_in_values(terms, labels.OS_LABELS) == {"windows"}


def test_tolerations():
    t = taints.Taint("os", "windows", "NoSchedule")
    assert taints.tolerates({"key": "os", "operator": "Equal", "value": "windows"}, t)
    assert taints.tolerates({"operator": "Exists"}, t)
    assert not taints.tolerates({"key": "os", "operator": "Equal", "value": "linux"}, t)
    assert not taints.tolerates({"key": "os", "operator": "Gt", "value": "1"}, t)
    assert taints.untolerated([], [t, taints.Taint("p", "", "PreferNoSchedule")]) == [t]
    assert taints.tolerates(taints.toleration_for(t), t) and str(t) == "os=windows:NoSchedule"
    assert {d["key"] for d in taints.daemon_tolerations({"hostNetwork": True})} >= {
        taints.UNSCHEDULABLE_TAINT, "node.kubernetes.io/network-unavailable"}


def test_pod_key_is_what_the_engine_reads():
    def deploy(app_label, os_label=None, ignore=None):
        meta = {"labels": {"app": app_label, **({labels.LABEL_OS: os_label} if os_label else {})}}
        obj = {"kind": "Deployment", "metadata": {"name": app_label, "annotations": {keys.IGNORE_ANNOTATION: ignore} if ignore else {}},
               "spec": {"template": {"metadata": meta, "spec": {"containers": [{"name": "c", "image": "x"}]}}}}
        return keys.pod_key(pod_view(obj))
    assert deploy("a") == deploy("b")  # other labels and names are not read
    assert deploy("a") != deploy("a", os_label="windows")
    assert deploy("a") != deploy("a", ignore="some-rule")
    nested: list = []
    cur = nested
    for _ in range(5000):
        cur.append([])
        cur = cur[0]
    assert keys.freeze(nested) is None  # not encodable: callers do not cache


def test_node_signatures_ignore_identity():
    def node(name, machine):
        return {"kind": "Node", "metadata": {"name": name, "labels": {labels.LABEL_HOSTNAME: name, labels.LABEL_OS: "windows"}},
                "status": {"nodeInfo": {"machineID": machine, "kubeletVersion": "v1.37.2"}}}
    assert keys.node_signature(node("a", "1")) == keys.node_signature(node("b", "2"))
    assert keys.node_pool_signature(node("a", "1")) == keys.node_pool_signature(node("b", "2"))
    other = node("c", "3")
    other["status"]["nodeInfo"]["kubeletVersion"] = "v1.36.0"
    assert keys.node_signature(other) != keys.node_signature(node("a", "1"))


def test_stage_order_is_the_order_things_bite():
    S = stages.Stage
    assert stages.STAGE_ORDER[:4] == (S.ADMISSION, S.SCHEDULING, S.KUBELET, S.RUNTIME)
    assert stages.worst([None, S.PRACTICE, S.KUBELET]) is S.KUBELET
    assert stages.stage_rank("admission") == 0 and stages.stage_rank("nonsense") == len(stages.STAGE_ORDER)
