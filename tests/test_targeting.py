"""The targeting resolver: which node pools a pod spec can land on, filter by filter, as
kube-scheduler (NodeName, NodeUnschedulable, NodeAffinity, TaintToleration, NodeResourcesFit),
the RuntimeClass admission plugin, the kubelet's OS admission and the image matcher decide."""
from __future__ import annotations

import copy
from fractions import Fraction

import pytest

from winkube.model.podview import pod_view
from winkube.model.profile import (
    Profile, ProfileError, Taint, default_profile, pools_from_nodes, profile_from_dict, with_cluster_objects,
)
from winkube.targeting import pod_requests, required_terms, resolve, tolerates, untolerated

WIN_TOL = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}
WIN_TAINT = Taint("os", "windows", "NoSchedule")


def mkpod(kind: str = "Pod", labels: dict | None = None, **spec) -> dict:
    spec.setdefault("containers", [{"name": "c", "image": "nginx:1.27"}])
    meta = {"name": "p", "labels": labels or {}}
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    if kind == "DaemonSet":
        return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds"},
                "spec": {"selector": {}, "template": {"metadata": meta, "spec": spec}}}
    raise ValueError(kind)


def prof(*pools: dict, rcs: list | None = None) -> Profile:
    return profile_from_dict({"name": "t", "nodePools": list(pools), "runtimeClasses": rcs or []}, "test")


LIN = {"name": "lin", "os": "linux", "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}
WIN = {"name": "win", "os": "windows", "windowsBuild": "10.0.20348", "taints": [{"key": "os", "value": "windows", "effect": "NoSchedule"}],
       "allocatable": {"cpu": "4", "memory": "16Gi"}}
WIN25 = {**WIN, "name": "win25", "windowsBuild": "10.0.26100"}


def target(obj: dict, profile: Profile | None = None, images: dict | None = None):
    return resolve(pod_view(obj), profile or prof(LIN, WIN, WIN25), images)


def landing(obj: dict, profile: Profile | None = None) -> list[str]:
    return [p.name for p in target(obj, profile).landing]


def failures(obj: dict, profile: Profile, pool: str) -> list[tuple[str, str]]:
    t = target(obj, profile)
    return next(f.failures for f in t.fits if f.pool.name == pool)


# --- TaintToleration: v1.Toleration.ToleratesTaint ------------------------------------------

@pytest.mark.parametrize("tol, expected", [
    (WIN_TOL, True),
    ({"key": "os", "value": "windows", "effect": "NoSchedule"}, True),  # operator defaults to Equal
    ({"key": "os", "operator": "Equal", "value": "linux", "effect": "NoSchedule"}, False),  # value mismatch
    ({"key": "os", "operator": "Equal", "effect": "NoSchedule"}, False),  # Equal with no value ≠ "windows"
    ({"key": "os", "operator": "Equal", "value": "windows"}, True),  # empty effect matches every effect
    ({"key": "os", "operator": "Exists"}, True),
    ({"key": "os", "operator": "Exists", "effect": "NoExecute"}, False),  # effect mismatch
    ({"key": "OS", "operator": "Exists"}, False),  # keys are case-sensitive
    ({"operator": "Exists"}, True),  # empty key + Exists: tolerates everything
    ({"operator": "Exists", "effect": "NoSchedule"}, True),
    ({"operator": "Exists", "effect": "PreferNoSchedule"}, False),
    ({"operator": "Equal", "value": "windows"}, False),  # an empty key needs Exists (the API server rejects the rest)
    ({"key": "os", "operator": "Gt", "value": "windows"}, False),  # Gt/Lt: alpha gate, off by default in 1.37
    ({"key": "os", "operator": "Lt", "value": "windows"}, False),
    ({"key": "os", "operator": "exists"}, False),  # operators are case-sensitive
])
def test_tolerates_taint(tol, expected):
    assert tolerates(tol, WIN_TAINT) is expected


def test_equal_toleration_of_a_valueless_taint():
    taint = Taint("dedicated", "", "NoSchedule")
    assert tolerates({"key": "dedicated", "operator": "Equal", "effect": "NoSchedule"}, taint)
    assert tolerates({"key": "dedicated", "operator": "Equal", "value": "", "effect": "NoSchedule"}, taint)
    assert not tolerates({"key": "dedicated", "operator": "Equal", "value": "x", "effect": "NoSchedule"}, taint)


def test_untolerated_ignores_prefer_no_schedule_and_reports_each_hard_taint():
    taints = [Taint("a", "", "PreferNoSchedule"), Taint("b", "1", "NoSchedule"), Taint("c", "", "NoExecute")]
    assert untolerated([], taints) == [taints[1], taints[2]]
    assert untolerated([{"key": "b", "operator": "Exists"}], taints) == [taints[2]]
    assert untolerated([{"operator": "Exists"}], taints) == []


def test_taint_filter_in_the_resolver():
    assert landing(mkpod()) == ["lin"]
    assert landing(mkpod(tolerations=[WIN_TOL])) == ["lin", "win", "win25"]
    why = failures(mkpod(tolerations=[{"key": "os", "value": "linux", "effect": "NoSchedule"}]), prof(LIN, WIN), "win")
    assert why == [("TaintToleration", "untolerated taint os=windows:NoSchedule")]


def test_prefer_no_schedule_taint_does_not_filter():
    soft = {**WIN, "taints": [{"key": "os", "value": "windows", "effect": "PreferNoSchedule"}]}
    assert landing(mkpod(), prof(LIN, soft)) == ["lin", "win"]


def test_no_execute_taint_filters_and_reports_valueless_taints_without_equals():
    p = {**LIN, "name": "drain", "taints": [{"key": "maintenance", "effect": "NoExecute"}]}
    assert failures(mkpod(), prof(p), "drain") == [("TaintToleration", "untolerated taint maintenance:NoExecute")]


# --- NodeAffinity: nodeSelector ---------------------------------------------------------------

def test_node_selector_matches_labels_exactly():
    assert landing(mkpod(nodeSelector={"kubernetes.io/os": "windows"}, tolerations=[WIN_TOL])) == ["win", "win25"]
    assert landing(mkpod(nodeSelector={"kubernetes.io/os": "Windows"}, tolerations=[WIN_TOL])) == []  # case-sensitive
    assert landing(mkpod(nodeSelector={"node.kubernetes.io/windows-build": "10.0.26100"}, tolerations=[WIN_TOL])) == ["win25"]
    assert landing(mkpod(nodeSelector={"beta.kubernetes.io/os": "linux"})) == ["lin"]


def test_node_selector_failure_says_what_the_pool_has():
    p = prof(LIN, WIN)
    assert failures(mkpod(nodeSelector={"kubernetes.io/os": "windows"}), p, "lin") == [
        ("NodeAffinity", "nodeSelector kubernetes.io/os=windows (pool has kubernetes.io/os=linux)")]
    assert failures(mkpod(nodeSelector={"agentpool": "gpu"}), p, "lin") == [
        ("NodeAffinity", "nodeSelector agentpool=gpu (pool has no agentpool label)")]


def test_node_selector_and_required_affinity_must_both_match():
    aff = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "node.kubernetes.io/windows-build", "operator": "In", "values": ["10.0.20348"]}]}]}}}
    assert landing(mkpod(nodeSelector={"kubernetes.io/os": "windows"}, affinity=aff, tolerations=[WIN_TOL])) == ["win"]
    assert landing(mkpod(nodeSelector={"kubernetes.io/os": "linux"}, affinity=aff, tolerations=[WIN_TOL])) == []


# --- NodeAffinity: required node affinity, every operator ---------------------------------

LABELLED = [
    {"name": "gen3", "os": "linux", "labels": {"tier": "gold", "gen": "3"}},
    {"name": "gen5", "os": "linux", "labels": {"tier": "silver", "gen": "5"}},
    {"name": "bare", "os": "linux"},
]


def with_terms(*terms) -> dict:
    return mkpod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}})


def expr(key, op, values=None) -> dict:
    e = {"key": key, "operator": op}
    if values is not None:
        e["values"] = values
    return e


@pytest.mark.parametrize("requirement, expected", [
    (expr("tier", "In", ["gold", "bronze"]), ["gen3"]),
    (expr("tier", "In", []), []),
    (expr("tier", "NotIn", ["gold"]), ["gen5", "bare"]),  # NotIn matches nodes without the label
    (expr("tier", "Exists"), ["gen3", "gen5"]),
    (expr("tier", "DoesNotExist"), ["bare"]),
    (expr("gen", "Gt", ["4"]), ["gen5"]),
    (expr("gen", "Lt", ["4"]), ["gen3"]),
    (expr("gen", "Gt", ["5"]), []),  # strictly greater
    (expr("tier", "Gt", ["1"]), []),  # a label that is not an integer never matches Gt/Lt
    (expr("gen", "Gt", ["x"]), []),  # nor does a value that is not one
    (expr("gen", "Gt", []), []),
    (expr("tier", "Like", ["gold"]), []),  # unknown operator: the term matches nothing
])
def test_required_affinity_operators(requirement, expected):
    assert landing(with_terms({"matchExpressions": [requirement]}), prof(*LABELLED)) == expected


def test_expressions_of_a_term_are_anded_and_terms_are_ored():
    p = prof(*LABELLED)
    anded = with_terms({"matchExpressions": [expr("tier", "Exists"), expr("gen", "Lt", ["4"])]})
    assert landing(anded, p) == ["gen3"]
    ored = with_terms({"matchExpressions": [expr("tier", "In", ["silver"])]}, {"matchExpressions": [expr("tier", "DoesNotExist")]})
    assert landing(ored, p) == ["gen5", "bare"]


def test_empty_terms_match_nothing():
    p = prof(*LABELLED)
    assert landing(with_terms({}), p) == []
    assert landing(with_terms({"matchExpressions": []}), p) == []
    assert failures(with_terms({}), p, "bare") == [("NodeAffinity", "required node affinity matches none of its labels")]
    # an empty term next to a real one is skipped
    assert landing(with_terms({}, {"matchExpressions": [expr("tier", "Exists")]}), p) == ["gen3", "gen5"]


def test_no_required_affinity_is_no_constraint():
    assert required_terms({}) is None
    assert required_terms({"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}}}) is None
    assert landing(mkpod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 1, "preference": {"matchExpressions": [expr("tier", "In", ["gold"])]}}]}}), prof(*LABELLED)) == ["gen3", "gen5", "bare"]


def node(name: str, os_: str = "linux", build: str | None = None, labels: dict | None = None, taints=(), unschedulable=False,
         kernel: str | None = None, runtime: str = "containerd://2.2.1", allocatable: dict | None = None) -> dict:
    lab = {"kubernetes.io/os": os_, "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, **(labels or {})}
    if build:
        lab["node.kubernetes.io/windows-build"] = build
    n = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": lab},
         "spec": {"taints": [dict(t) for t in taints]},
         "status": {"nodeInfo": {"operatingSystem": os_, "architecture": "amd64", "containerRuntimeVersion": runtime,
                                 "kubeletVersion": "v1.37.2", "kernelVersion": kernel or ("10.0.20348.2113" if os_ == "windows" else "6.8.0"),
                                 "osImage": "Windows Server 2022 Datacenter" if os_ == "windows" else "Ubuntu"},
                    "allocatable": allocatable or {"cpu": "4", "memory": "16Gi", "pods": "110"}}}
    if unschedulable:
        n["spec"]["unschedulable"] = True
    return n


def test_match_fields_metadata_name_uses_the_pools_node_names():
    p = Profile("nodes", pools=pools_from_nodes([node("a"), node("b", labels={"agentpool": "other"})]))
    assert sorted(x.name for x in p.pools) == ["a", "other"]
    pick_a = with_terms({"matchFields": [expr("metadata.name", "In", ["a"])]})
    assert landing(pick_a, p) == ["a"]
    not_a = with_terms({"matchFields": [expr("metadata.name", "NotIn", ["a"])]})
    assert landing(not_a, p) == ["other"]
    other_field = with_terms({"matchFields": [expr("spec.providerID", "In", ["x"])]})
    assert landing(other_field, p) == []


def test_match_fields_without_node_names_cannot_exclude_a_pool():
    # profile pools have no node names: the resolver cannot tell, so the pool stays possible
    pick = with_terms({"matchFields": [expr("metadata.name", "In", ["node-7"])]})
    assert landing(pick, prof(LIN)) == ["lin"]
    # ...but the term's label expressions still count
    both = with_terms({"matchExpressions": [expr("kubernetes.io/os", "In", ["windows"])],
                       "matchFields": [expr("metadata.name", "In", ["node-7"])]})
    assert landing(both, prof(LIN)) == []


def test_hostname_label_is_judged_per_node_on_real_nodes():
    # pools group nodes without their kubernetes.io/hostname label (it differs on every node), and
    # Node objects leave no label unseen: the label is still each node's own, so a selector on it
    # picks that node's pool (the kubelet sets it from the host name, which may differ from the name)
    p = Profile("nodes", pools=pools_from_nodes([node("a"), node("b"), node("c", labels={"agentpool": "other"})]))
    b = next(n for n in p.pools if "b" in n.node_names)
    assert b.node_names == ["a", "b"]
    assert landing(mkpod(nodeSelector={"kubernetes.io/hostname": "b"}), p) == [b.name]
    assert landing(mkpod(nodeSelector={"kubernetes.io/hostname": "c"}), p) == ["other"]
    assert landing(mkpod(nodeSelector={"kubernetes.io/hostname": "zz"}), p) == []
    assert failures(mkpod(nodeSelector={"kubernetes.io/hostname": "zz"}), p, "other") == [
        ("NodeAffinity", "nodeSelector kubernetes.io/hostname=zz (no node of the pool has it)")]
    assert failures(mkpod(nodeSelector={"kubernetes.io/hostname": "c", "agentpool": "x"}), p, "other") == [
        ("NodeAffinity", "nodeSelector agentpool=x (pool has agentpool=other)")]
    assert landing(with_terms({"matchExpressions": [expr("kubernetes.io/hostname", "In", ["c", "b"])]}), p) == [b.name, "other"]
    assert landing(with_terms({"matchExpressions": [expr("kubernetes.io/hostname", "NotIn", ["a", "b"])]}), p) == ["other"]
    # one node must satisfy the whole selector and term: hostname a with matchFields b is no node
    assert landing(mkpod(nodeSelector={"kubernetes.io/hostname": "a"},
                         affinity=with_terms({"matchFields": [expr("metadata.name", "In", ["b"])]})["spec"]["affinity"]), p) == []
    # the pool is schedulable through one of its nodes: which one is said (plan prints it)
    assert next(f for f in target(mkpod(nodeSelector={"kubernetes.io/hostname": "b"}), p).fits if f.pool is b).nodes == ["b"]
    assert next(f for f in target(mkpod(), p).fits if f.pool is b).nodes is None
    renamed = node("n1")
    renamed["metadata"]["labels"]["kubernetes.io/hostname"] = "host-1"
    q = Profile("nodes", pools=pools_from_nodes([renamed]))
    assert landing(mkpod(nodeSelector={"kubernetes.io/hostname": "host-1"}), q) == ["n1"]
    assert landing(mkpod(nodeSelector={"kubernetes.io/hostname": "n1"}), q) == []


# --- NodeName and NodeUnschedulable -------------------------------------------------------

def test_node_name_bypasses_taints_and_cordon_but_not_the_kubelets_checks():
    nodes = [node("lin-1"), node("win-1", "windows", "10.0.20348", taints=[{"key": "os", "value": "windows", "effect": "NoSchedule"}],
                                  unschedulable=True)]
    p = Profile("nodes", pools=pools_from_nodes(nodes))
    # the scheduler is bypassed: NoSchedule taints and cordons do not apply
    assert landing(mkpod(nodeName="win-1"), p) == ["win-1"]
    assert landing(mkpod(nodeName="lin-1"), p) == ["lin-1"]
    # the kubelet still checks the node selector (predicate.go generalFilter → NodeAffinity)
    assert landing(mkpod(nodeName="win-1", nodeSelector={"kubernetes.io/os": "linux"}), p) == []
    assert ("NodeName", "spec.nodeName is win-1, not a node of this pool") in failures(mkpod(nodeName="win-1"), p, "lin-1")


def test_node_name_still_needs_no_execute_tolerations():
    nodes = [node("w", "windows", "10.0.20348", taints=[{"key": "evict", "effect": "NoExecute"}])]
    p = Profile("nodes", pools=pools_from_nodes(nodes))
    assert landing(mkpod(nodeName="w"), p) == []
    assert landing(mkpod(nodeName="w", tolerations=[{"key": "evict", "operator": "Exists"}]), p) == ["w"]


def test_node_name_with_a_profile_without_node_names_keeps_every_pool_that_matches():
    assert landing(mkpod(nodeName="anything", nodeSelector={"kubernetes.io/os": "windows"}), prof(LIN, WIN)) == ["win"]


def test_unschedulable_pool_needs_the_unschedulable_toleration():
    cordoned = {**LIN, "name": "cordoned", "unschedulable": True}
    p = prof(LIN, cordoned)
    assert landing(mkpod(), p) == ["lin"]
    assert failures(mkpod(), p, "cordoned") == [("NodeUnschedulable", "the pool's nodes are cordoned")]
    tol = {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}
    assert landing(mkpod(tolerations=[tol]), p) == ["lin", "cordoned"]
    assert landing(mkpod(tolerations=[{"operator": "Exists"}]), p) == ["lin", "cordoned"]


def test_daemonset_pods_get_the_daemonset_controllers_tolerations():
    # pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations: unschedulable, pressure, not-ready...
    cordoned = {**LIN, "name": "cordoned", "unschedulable": True,
                "taints": [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
                           {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}]}
    p = prof(LIN, cordoned)
    assert landing(mkpod("DaemonSet"), p) == ["lin", "cordoned"]
    assert landing(mkpod("Pod"), p) == ["lin"]
    # ...but not the Windows taint
    assert landing(mkpod("DaemonSet"), prof(LIN, WIN)) == ["lin"]
    # network-unavailable only for hostNetwork DaemonSets
    netless = {**LIN, "name": "netless", "taints": [{"key": "node.kubernetes.io/network-unavailable", "effect": "NoSchedule"}]}
    assert landing(mkpod("DaemonSet"), prof(netless)) == []
    assert landing(mkpod("DaemonSet", hostNetwork=True), prof(netless)) == ["netless"]


# --- NodeResourcesFit ---------------------------------------------------------------------

def res(requests=None, limits=None) -> dict:
    r = {}
    if requests is not None:
        r["requests"] = requests
    if limits is not None:
        r["limits"] = limits
    return {"resources": r}


def c(name="c", **extra) -> dict:
    return {"name": name, "image": "nginx:1.27", **extra}


def test_requests_default_from_limits():
    spec = {"containers": [c(**res(limits={"cpu": "2", "memory": "1Gi"})), c("b", **res(requests={"cpu": "500m"}, limits={"cpu": "1"}))]}
    assert pod_requests(spec) == {"cpu": Fraction(5, 2), "memory": Fraction(2**30)}


def test_plain_init_containers_count_alone_sidecars_add_up():
    spec = {"initContainers": [c("init", **res(requests={"cpu": "3"})),
                               c("sidecar", restartPolicy="Always", **res(requests={"cpu": "1", "memory": "100Mi"})),
                               c("late-init", **res(requests={"cpu": "2"}))],
            "containers": [c(**res(requests={"cpu": "1"}))]}
    # containers 1 + sidecar 1 = 2; init peaks: 3 (before the sidecar), 1 + 2 = 3 (after it) → 3
    assert pod_requests(spec)["cpu"] == 3
    assert pod_requests(spec)["memory"] == 100 * 2**20
    spec["initContainers"][0]["resources"]["requests"]["cpu"] = "1"
    assert pod_requests(spec)["cpu"] == 3  # the late init container beside the sidecar: 1 + 2
    spec["initContainers"][2]["resources"]["requests"]["cpu"] = "100m"
    assert pod_requests(spec)["cpu"] == 2  # now the regular containers + sidecar dominate


def test_overhead_is_added():
    spec = {"containers": [c(**res(requests={"cpu": "1"}))]}
    assert pod_requests(spec, {"cpu": "250m", "memory": "64Mi"}) == {"cpu": Fraction(5, 4), "memory": 64 * 2**20}


def test_resources_fit_filter():
    small = {**LIN, "name": "small", "allocatable": {"cpu": "2", "memory": "4Gi"}}
    p = prof(small, LIN)
    big = mkpod(containers=[c(**res(limits={"cpu": "3"}))])  # request defaulted from the limit
    assert landing(big, p) == ["lin"]
    assert failures(big, p, "small") == [("NodeResourcesFit", "Insufficient cpu")]
    both = mkpod(containers=[c(**res(requests={"cpu": "3", "memory": "5Gi"}))])
    assert failures(both, p, "small") == [("NodeResourcesFit", "Insufficient cpu, memory")]
    exact = mkpod(containers=[c(**res(requests={"cpu": "2000m", "memory": "4Gi"}))])
    assert landing(exact, p) == ["small", "lin"]


def test_extended_resources_missing_from_allocatable_do_not_fit():
    gpu = mkpod(containers=[c(**res(limits={"nvidia.com/gpu": "1"}))])
    gpu_pool = {**LIN, "name": "gpu", "allocatable": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "2"}}
    assert landing(gpu, prof(LIN, gpu_pool)) == ["gpu"]


def test_a_pool_without_allocatable_fits_any_request():
    p = prof({"name": "unknown", "os": "linux"})
    assert landing(mkpod(containers=[c(**res(requests={"cpu": "1000"}))]), p) == ["unknown"]


def test_init_container_peak_decides_fit():
    small = {**LIN, "name": "small", "allocatable": {"cpu": "2"}}
    peak = mkpod(initContainers=[c("init", **res(requests={"cpu": "3"}))], containers=[c(**res(requests={"cpu": "1"}))])
    assert failures(peak, prof(small), "small") == [("NodeResourcesFit", "Insufficient cpu")]


# --- RuntimeClass admission: merge and conflict -------------------------------------------

RC_WIN = {"name": "win", "handler": "runhcs-wcow-process",
          "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"},
                         "tolerations": [WIN_TOL]},
          "overhead": {"podFixed": {"cpu": "1", "memory": "1Gi"}}}


def test_runtime_class_scheduling_is_merged_into_the_pod():
    p = prof(LIN, WIN, WIN25, rcs=[RC_WIN])
    t = target(mkpod(runtimeClassName="win"), p)
    assert [x.name for x in t.landing] == ["win"]
    assert t.node_selector == {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"}
    assert WIN_TOL in t.tolerations
    assert t.conflicts == [] and not t.runtime_class_missing
    assert t.os_intent == "windows" and t.evidence == ["nodeSelector kubernetes.io/os=windows (from RuntimeClass win)"]


def test_runtime_class_and_pod_selectors_combine():
    p = prof(LIN, WIN, {**WIN, "name": "win-gpu", "labels": {"gpu": "yes"}}, rcs=[RC_WIN])
    assert landing(mkpod(runtimeClassName="win", nodeSelector={"gpu": "yes"}), p) == ["win-gpu"]
    # the same value twice is no conflict
    t = target(mkpod(runtimeClassName="win", nodeSelector={"kubernetes.io/os": "windows"}), p)
    assert t.conflicts == []


def test_runtime_class_conflict_is_recorded():
    p = prof(LIN, WIN, rcs=[RC_WIN])
    t = target(mkpod(runtimeClassName="win", nodeSelector={"kubernetes.io/os": "linux"}), p)
    assert t.conflicts == ["RuntimeClass win sets nodeSelector kubernetes.io/os=windows but the pod has kubernetes.io/os=linux"]


def test_runtime_class_overhead_counts_for_resources():
    p = prof({**WIN, "allocatable": {"cpu": "4", "memory": "16Gi"}}, rcs=[RC_WIN])
    fits = mkpod(runtimeClassName="win", containers=[c(**res(requests={"cpu": "3"}))])
    too_big = mkpod(runtimeClassName="win", containers=[c(**res(requests={"cpu": "3500m"}))])
    assert landing(fits, p) == ["win"]
    assert failures(too_big, p, "win") == [("NodeResourcesFit", "Insufficient cpu")]


def test_missing_runtime_class():
    t = target(mkpod(runtimeClassName="nope"))
    assert t.runtime_class_missing and t.runtime_class is None and t.runtime_class_name == "nope"
    assert not target(mkpod()).runtime_class_missing


# --- kubelet OS admission ------------------------------------------------------------------

def test_kubelet_refuses_a_contradicting_os_field():
    t = target(mkpod(os={"name": "windows"}, tolerations=[WIN_TOL]), prof(LIN, WIN))
    by_pool = {f.pool.name: f.kubelet for f in t.fits}
    assert by_pool["win"] == []
    assert by_pool["lin"] == [("PodOSNotSupported", "spec.os.name is windows but the node runs linux")]


def test_kubelet_refuses_a_contradicting_os_label_on_the_pod():
    t = target(mkpod(labels={"kubernetes.io/os": "linux"}, tolerations=[WIN_TOL]), prof(LIN, WIN))
    by_pool = {f.pool.name: f.kubelet for f in t.fits}
    assert by_pool["lin"] == []
    assert by_pool["win"] == [("PodOSSelectorNodeLabelDoesNotMatch",
                               "the pod's label kubernetes.io/os=linux does not match the node's windows")]


def test_invalid_os_name_is_left_to_admission():
    t = target(mkpod(os={"name": "Windows"}), prof(LIN, WIN))
    assert all(f.kubelet == [] for f in t.fits)


# --- images per pool -----------------------------------------------------------------------

def test_image_build_per_pool():
    t = target(mkpod(containers=[c(image="mcr.microsoft.com/windows/servercore:ltsc2025")], tolerations=[WIN_TOL],
                     nodeSelector={"kubernetes.io/os": "windows"}))
    runtime = {f.pool.name: [m for _, m in f.runtime] for f in t.fits}
    assert runtime["win25"] == []
    assert runtime["win"] == ["mcr.microsoft.com/windows/servercore:ltsc2025 is built for Windows Server 2025 (26100), "
                              "which win (windows/amd64 10.0.20348) cannot run in process isolation"]
    assert runtime["lin"] == ["mcr.microsoft.com/windows/servercore:ltsc2025 is a windows image; lin (linux/amd64) runs linux"]


def test_ltsc2022_image_runs_on_2022_and_2025_hosts():
    t = target(mkpod(containers=[c(image="mcr.microsoft.com/windows/nanoserver:ltsc2022")]))
    assert {f.pool.name: bool(f.runtime) for f in t.fits} == {"lin": True, "win": False, "win25": False}


def test_host_process_images_are_exempt_from_build_matching():
    sc = {"windowsOptions": {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}}
    t = target(mkpod(securityContext=sc, hostNetwork=True, containers=[c(image="mcr.microsoft.com/windows/servercore:ltsc2019")]))
    assert t.host_process
    assert {f.pool.name: bool(f.runtime) for f in t.fits} == {"lin": True, "win": False, "win25": False}
    assert t.os_intent == "windows" and t.evidence == ["HostProcess containers are Windows-only"]


def test_container_level_host_process_false_overrides_the_pod():
    sc = {"windowsOptions": {"hostProcess": True}}
    off = c(securityContext={"windowsOptions": {"hostProcess": False}})
    assert not target(mkpod(securityContext=sc, containers=[off])).host_process
    assert target(mkpod(securityContext=sc, containers=[off, c("b")])).host_process


def test_resolved_image_platforms_win_over_tag_guesses():
    class Info:
        os = "windows"
        build = 17763
        evidence = "registry"
        os_versions = ("10.0.17763.1",)

    t = target(mkpod(containers=[c(image="example.com/app:v1")]), images={"example.com/app:v1": Info()})
    assert t.images[0].os == "windows" and t.images[0].evidence == "registry"
    assert all(f.runtime for f in t.fits)  # 1809 runs on no pool of the profile


def test_windows_pool_on_old_containerd_needs_an_exact_build():
    old = {**WIN25, "name": "old", "containerRuntime": "containerd://1.7.5"}
    t = target(mkpod(containers=[c(image="mcr.microsoft.com/windows/servercore:ltsc2022")]), prof(old))
    assert t.fits[0].runtime  # before the stable-ABI relaxation (1.7.6) 2022 images do not run on 2025
    t = target(mkpod(containers=[c(image="mcr.microsoft.com/windows/servercore:ltsc2022")]), prof({**old, "containerRuntime": "containerd://1.7.6"}))
    assert not t.fits[0].runtime


# --- what the pod asks for -----------------------------------------------------------------

@pytest.mark.parametrize("spec, intent, evidence", [
    ({"os": {"name": "linux"}, "nodeSelector": {"kubernetes.io/os": "windows"}}, "linux", "spec.os.name=linux"),
    ({"nodeSelector": {"kubernetes.io/os": "windows"}}, "windows", "nodeSelector kubernetes.io/os=windows"),
    ({"nodeSelector": {"node.kubernetes.io/windows-build": "10.0.20348"}}, "windows", "nodeSelector node.kubernetes.io/windows-build=10.0.20348"),
    ({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}}}},
     "linux", "required node affinity kubernetes.io/os In [linux]"),
    ({"containers": [{"name": "c", "image": "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]}, "windows", None),
    ({"containers": [{"name": "c", "image": "nginx", "securityContext": {"windowsOptions": {"runAsUserName": "ContainerUser"}}}]},
     "windows", "windowsOptions.runAsUserName is set"),
    # F1 (tests/data/corpus-grown/REVIEW.md): only windowsOptions that ask for something Windows say
    # Windows; hostProcess: false is what leaving it out gives, {} names nothing, and Linux ignores both
    ({"securityContext": {"windowsOptions": {"gmsaCredentialSpecName": "webapp1"}}}, "windows",
     "windowsOptions.gmsaCredentialSpecName is set"),
    ({"containers": [{"name": "c", "image": "nginx", "securityContext": {"windowsOptions": {"gmsaCredentialSpec": "{}"}}}]},
     "windows", "windowsOptions.gmsaCredentialSpec is set"),
    ({"securityContext": {"windowsOptions": {"hostProcess": False}}}, None, None),
    ({"containers": [{"name": "c", "image": "nginx", "securityContext": {"windowsOptions": {"hostProcess": False}}}]}, None, None),
    ({"securityContext": {"windowsOptions": {}}}, None, None),
    ({"securityContext": {"windowsOptions": {"runAsUserName": "", "hostProcess": False}}}, None, None),
    ({"tolerations": [WIN_TOL]}, None, None),  # a toleration is not evidence
    ({}, None, None),
])
def test_os_intent(spec, intent, evidence):
    t = target(mkpod(**copy.deepcopy(spec)))
    assert t.os_intent == intent
    if evidence:
        assert t.evidence == [evidence]
    elif intent is None:
        assert t.evidence == []


def test_affinity_naming_both_oses_is_no_intent():
    terms = [{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux", "windows"]}]}]
    t = target(mkpod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}))
    assert t.os_intent is None


# --- profiles: from a dict, from Node objects -----------------------------------------------

def test_profile_from_dict_adds_the_standard_labels():
    p = prof(WIN)
    assert p.pools[0].labels["kubernetes.io/os"] == "windows"
    assert p.pools[0].labels["node.kubernetes.io/windows-build"] == "10.0.20348"
    assert p.pools[0].taints == [WIN_TAINT]


@pytest.mark.parametrize("pool, message", [
    ({"name": "x", "os": "darwin"}, "must be windows or linux"),
    ({"name": "x", "os": "windows"}, "needs its build"),
    ({"name": "x", "os": "linux", "taints": [{"key": "a", "effect": "Sometimes"}]}, r"taints\[0\]: needs a key and an effect"),
    ({"os": "linux"}, "needs a name"),
])
def test_bad_profiles_are_profile_errors(pool, message):
    with pytest.raises(ProfileError, match=message):
        prof(pool)


def test_default_profile_windows_pools_are_tainted():
    p = default_profile()
    assert p.assumed
    assert [(x.name, x.os, x.windows_build) for x in p.pools] == [
        ("linux", "linux", None), ("windows-2022", "windows", 20348), ("windows-2025", "windows", 26100)]
    assert all(x.taints == [WIN_TAINT] for x in p.windows_pools)
    assert [x.name for x in resolve(pod_view(mkpod()), p).landing] == ["linux"]


def test_pools_from_nodes_group_by_scheduling_signature():
    taint = {"key": "os", "value": "windows", "effect": "NoSchedule"}
    nodes = [node("lin-1", labels={"agentpool": "sys"}), node("lin-2", labels={"agentpool": "sys"}),
             node("win-1", "windows", "10.0.20348", labels={"agentpool": "win"}, taints=[taint]),
             node("win-2", "windows", "10.0.20348", labels={"agentpool": "win"}, taints=[taint]),
             node("win-3", "windows", "10.0.20348", labels={"agentpool": "win"}, taints=[taint], unschedulable=True)]
    pools = pools_from_nodes(nodes)
    assert [(p.name, p.os, p.count, p.node_names) for p in pools] == [
        ("sys", "linux", 2, ["lin-1", "lin-2"]), ("win", "windows", 2, ["win-1", "win-2"]),
        ("win-2", "windows", 1, ["win-3"])]  # cordoned: its own pool, with a unique name
    assert pools[1].windows_build == 20348 and pools[1].taints == [WIN_TAINT]
    assert pools[2].unschedulable
    assert "kubernetes.io/hostname" not in pools[0].labels


def test_pool_build_from_kernel_version_when_the_label_is_missing():
    pools = pools_from_nodes([node("w", "windows", None, kernel="10.0.17763.1397")])
    assert pools[0].windows_build == 17763


def test_control_plane_pools_are_marked():
    pools = pools_from_nodes([node("cp", labels={"node-role.kubernetes.io/control-plane": ""},
                                   taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}])])
    assert pools[0].control_plane
    assert [p.name for p in resolve(pod_view(mkpod()), Profile("x", pools=pools)).landing] == []


def test_with_cluster_objects_replaces_pools_and_adds_runtime_classes():
    base = default_profile()
    rc = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "win"}, "handler": "runhcs-wcow-process",
          "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows"}, "tolerations": [WIN_TOL]}}
    only_rc = with_cluster_objects(base, [], [rc])
    assert only_rc.pools is base.pools and only_rc.assumed
    assert only_rc.runtime_classes["win"].node_selector == {"kubernetes.io/os": "windows"}
    assert only_rc.source == "embedded default + 1 RuntimeClass object(s) in the input"
    real = with_cluster_objects(base, [node("a"), node("b", "windows", "10.0.26100")], [rc])
    assert not real.assumed and real.name == "input"
    assert [(p.os, p.windows_build) for p in real.pools] == [("linux", None), ("windows", 26100)]
    # untainted Windows nodes from the input: a plain pod can now land on Windows
    assert {p.os for p in resolve(pod_view(mkpod()), real).landing} == {"linux", "windows"}
    assert with_cluster_objects(base, [], []) is base


def test_with_cluster_objects_skips_nameless_runtime_classes():
    p = with_cluster_objects(default_profile(), [], [{"kind": "RuntimeClass", "handler": "x"}])
    assert p.runtime_classes == {}


def test_resource_sums_are_exact_like_the_schedulers_milli_units():
    # kube-scheduler compares integer milli-CPU and bytes: 3 x 100m fits exactly into 300m
    tight = {**LIN, "name": "tight", "allocatable": {"cpu": "300m", "memory": "3Gi"}}
    three = mkpod(containers=[c(f"c{i}", **res(requests={"cpu": "100m", "memory": "1Gi"})) for i in range(3)])
    assert landing(three, prof(tight)) == ["tight"]
    decimal = mkpod(containers=[c("a", **res(requests={"cpu": "0.1"})), c("b", **res(requests={"cpu": "0.2"}))])
    assert landing(decimal, prof({**tight, "allocatable": {"cpu": "0.3"}})) == ["tight"]
    one_more = mkpod(containers=[c(f"c{i}", **res(requests={"cpu": "100m"})) for i in range(4)])
    assert failures(one_more, prof(tight), "tight") == [("NodeResourcesFit", "Insufficient cpu")]


def test_default_profile_does_not_guess_extended_resources():
    # the embedded default's pools list cpu/memory/pods/ephemeral-storage only: a GPU request is unknown, not short
    from winkube.model.podview import pod_view
    from winkube.model.profile import default_profile, profile_from_dict
    from winkube.targeting import resolve
    obj = {"kind": "Pod", "spec": {"nodeSelector": {"kubernetes.io/os": "linux"}, "containers": [
        {"name": "c", "image": "x", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]}}
    assert [p.name for p in resolve(pod_view(obj), default_profile()).landing] == ["linux"]
    real = profile_from_dict({"nodePools": [{"name": "l", "os": "linux", "allocatable": {"cpu": "4"}}]}, "test")
    fit = resolve(pod_view(obj), real).fits[0]
    assert fit.failures == [("NodeResourcesFit", "Insufficient nvidia.com/gpu")]


def test_the_memo_hands_out_what_resolving_again_gives():
    """resolve() keeps one Targeting per memo key (what it reads of the pod): a twin that differs only
    outside the key (container securityContext fields other than windowsOptions, names, commands)
    gets the Targeting the pod itself resolves to, over test_one_answer's inputs and a cluster's pools."""
    from test_one_answer import CLUSTER, workloads

    from winkube.targeting import _resolve

    cluster = with_cluster_objects(default_profile(), [o for o in CLUSTER if o["kind"] == "Node"],
                                   [o for o in CLUSTER if o["kind"] == "RuntimeClass"])
    checked = 0
    for obj in workloads():
        if pod_view(obj) is None:
            continue
        twin = copy.deepcopy(obj)
        for c in pod_view(twin).containers():
            sc = c.container.get("securityContext")
            c.container["securityContext"] = {**(sc if isinstance(sc, dict) else {}), "runAsUser": 7, "readOnlyRootFilesystem": True}
            c.container["name"], c.container["command"] = f"x{c.index}", ["/bin/sh"]
        for profile in (default_profile(), cluster):
            resolve(pod_view(twin), profile)  # fills the memo when the keys are equal
            assert resolve(pod_view(obj), profile) == _resolve(pod_view(obj), profile)
            checked += 1
    assert checked > 500
