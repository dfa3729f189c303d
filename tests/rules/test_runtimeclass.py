"""RuntimeClass rules: Hyper-V handlers, selectors that match no pool, missing Windows tolerations."""
from __future__ import annotations

import copy

from winkube.model.finding import Severity, Stage
from winkube.model.paths import render
from winkube.model.profile import default_profile, profile_from_dict
from winkube.rules import all_rules
from winkube.rules.context import DocContext

PROFILE = default_profile()  # linux, windows-2022 (10.0.20348), windows-2025 (10.0.26100); Windows tainted os=windows
RC_IDS = ["runtimeclass-hyperv-isolation", "runtimeclass-selector-matches-no-pool", "runtimeclass-windows-toleration-missing"]
OS_TOL = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}

UNTAINTED = profile_from_dict({
    "name": "untainted", "kubernetesVersion": "1.37",
    "nodePools": [{"name": "linux", "os": "linux"},
                  {"name": "win", "os": "windows", "windowsBuild": "10.0.20348"}],
}, "test")
NO_POOLS = profile_from_dict({"name": "empty", "kubernetesVersion": "1.37"}, "test")


def rc(name="windows-2022", handler="runhcs-wcow-process", selector=None, tolerations=None):
    """The upstream user-guide RuntimeClass, with containerd's real handler name."""
    obj = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": name}, "handler": handler}
    sched = {}
    if selector is not None:
        sched["nodeSelector"] = copy.deepcopy(selector)
    if tolerations is not None:
        sched["tolerations"] = copy.deepcopy(tolerations)
    if sched:
        obj["scheduling"] = sched
    return obj


WIN2022 = {"kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "node.kubernetes.io/windows-build": "10.0.20348"}
WIN2019 = {"kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "node.kubernetes.io/windows-build": "10.0.17763"}


def hits(obj, rule_id, profile=PROFILE):
    return [(render(h.path), h.message) for h in all_rules()[rule_id].check(DocContext(obj, profile, (1, 37)))]


def run_all(obj, profile=PROFILE):
    return {(rid, p) for rid in RC_IDS for p, _ in hits(obj, rid, profile)}


def test_rules_registered_with_metadata():
    for rid in RC_IDS:
        r = all_rules()[rid]
        assert r.scope == "runtimeclass" and r.summary and r.explanation and r.fix and r.source
        assert r.module == "winkube.rules.runtimeclass." + rid.replace("-", "_")
    assert all_rules()["runtimeclass-selector-matches-no-pool"].stage is Stage.SCHEDULING
    assert all_rules()["runtimeclass-selector-matches-no-pool"].severity is Severity.ERROR


def test_upstream_pattern_is_clean():
    assert run_all(rc(selector=WIN2022, tolerations=[OS_TOL])) == set()


def test_linux_runtimeclass_is_clean():
    assert run_all(rc(name="runc", handler="runc", selector={"kubernetes.io/os": "linux"})) == set()


def test_runtimeclass_without_scheduling_is_clean():
    assert run_all(rc()) == set()


# ----------------------------------------------------------------------------- Hyper-V

def test_hyperv_handler():
    obj = rc(handler="runhcs-wcow-hypervisor", selector=WIN2022, tolerations=[OS_TOL])
    assert hits(obj, "runtimeclass-hyperv-isolation") == [
        ("handler", "handler runhcs-wcow-hypervisor runs pods with Hyper-V isolation; Kubernetes supports process isolation only")]


def test_process_handler_fine():
    assert hits(rc(handler="runhcs-wcow-process"), "runtimeclass-hyperv-isolation") == []
    assert hits(rc(handler="docker"), "runtimeclass-hyperv-isolation") == []  # the v1.25 guide's handler


# ----------------------------------------------------------------------------- selector vs pools

def test_selector_for_a_build_the_cluster_does_not_run():
    got = hits(rc(name="windows-2019", selector=WIN2019, tolerations=[OS_TOL]), "runtimeclass-selector-matches-no-pool")
    assert got == [("scheduling.nodeSelector",
                    "nodeSelector kubernetes.io/os=windows, kubernetes.io/arch=amd64, node.kubernetes.io/windows-build=10.0.17763 "
                    "matches no node pool of the profile (embedded default): linux: kubernetes.io/os=linux; "
                    "windows-2022: node.kubernetes.io/windows-build=10.0.20348; windows-2025: node.kubernetes.io/windows-build=10.0.26100")]


def test_selector_with_custom_label():
    got = hits(rc(selector={"kubernetes.io/os": "windows", "pool": "iis"}, tolerations=[OS_TOL]),
               "runtimeclass-selector-matches-no-pool")
    assert len(got) == 1 and "windows-2022: no pool" in got[0][1]


def test_selector_matching_some_pool():
    assert hits(rc(selector={"kubernetes.io/os": "windows"}), "runtimeclass-selector-matches-no-pool") == []
    assert hits(rc(selector=WIN2022), "runtimeclass-selector-matches-no-pool") == []


def test_no_pools_no_judgement():
    assert hits(rc(selector=WIN2019), "runtimeclass-selector-matches-no-pool", NO_POOLS) == []


# ----------------------------------------------------------------------------- tolerations

def test_windows_runtimeclass_without_toleration():
    got = hits(rc(selector=WIN2022), "runtimeclass-windows-toleration-missing")
    assert got == [("scheduling", "Windows RuntimeClass does not tolerate os=windows:NoSchedule (pools windows-2022): "
                                  "its pods must tolerate it themselves")]


def test_os_only_selector_reports_every_windows_pool():
    got = hits(rc(selector={"kubernetes.io/os": "windows"}, tolerations=[{"key": "other", "operator": "Exists"}]),
               "runtimeclass-windows-toleration-missing")
    assert got == [("scheduling.tolerations", "Windows RuntimeClass does not tolerate os=windows:NoSchedule "
                                              "(pools windows-2022, windows-2025): its pods must tolerate it themselves")]


def test_selector_matching_no_pool_judged_against_all_windows_pools():
    got = hits(rc(selector=WIN2019), "runtimeclass-windows-toleration-missing")
    assert len(got) == 1 and "pools windows-2022, windows-2025" in got[0][1]


def test_tolerations_that_cover_the_taint():
    for tol in (OS_TOL, {"key": "os", "operator": "Exists"}, {"operator": "Exists"},
                {"key": "os", "value": "windows"}):
        assert hits(rc(selector=WIN2022, tolerations=[tol]), "runtimeclass-windows-toleration-missing") == [], tol


def test_wrong_effect_does_not_cover():
    tol = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoExecute"}
    assert len(hits(rc(selector=WIN2022, tolerations=[tol]), "runtimeclass-windows-toleration-missing")) == 1


def test_untainted_windows_pools_need_no_toleration():
    assert hits(rc(selector={"kubernetes.io/os": "windows"}), "runtimeclass-windows-toleration-missing", UNTAINTED) == []


def test_linux_runtimeclass_needs_no_windows_toleration():
    assert hits(rc(handler="runc", selector={"kubernetes.io/os": "linux"}), "runtimeclass-windows-toleration-missing") == []


def test_engine_routes_runtimeclasses():
    from winkube.engine import Engine, Options

    engine = Engine(Options(profile=PROFILE))
    rules = {f.rule for f in engine.check_object(rc(handler="runhcs-wcow-hypervisor", selector=WIN2019))}
    assert {"runtimeclass-hyperv-isolation", "runtimeclass-selector-matches-no-pool",
            "runtimeclass-windows-toleration-missing"} <= rules
