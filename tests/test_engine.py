"""Engine mechanics that no single rule shows: preconditions, errors as values, suppression."""
from __future__ import annotations

from winkube.engine import Engine, Options
from winkube.model.finding import Severity, Stage
from winkube.rules.base import Hit, Rule

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"winkube.io/ignore": "quiet"}},
       "spec": {"containers": [{"name": "c", "image": "x"}]}}
calls: list[str] = []


def _rule(id, check, applies=None):
    return Rule(id, Stage.PRACTICE, Severity.INFO, "pod", "s", "e", "f", "src", check, "tests", applies)


def _hit(name):
    def check(ctx):
        calls.append(name)
        yield Hit(("spec",), name)
    return check


def test_precondition_evaluated_once_and_rules_skipped():
    seen = []

    def never(ctx):
        seen.append(ctx)
        return False

    rules = {"a": _rule("a", _hit("a"), never), "b": _rule("b", _hit("b"), never), "c": _rule("c", _hit("c"))}
    calls.clear()
    found = Engine(Options(locate=False), rules).check_object(POD)
    assert calls == ["c"] and [f.rule for f in found] == ["c"] and len(seen) == 1


def test_a_broken_rule_or_precondition_is_an_error_value_not_a_crash():
    def boom(ctx):
        raise RuntimeError("bug")
        yield  # pragma: no cover

    def bad_precondition(ctx):
        raise ValueError("bug")

    rules = {"x": _rule("x", boom), "y": _rule("y", _hit("y"), bad_precondition), "quiet": _rule("quiet", _hit("quiet"))}
    errors = []
    found = Engine(Options(locate=False), rules).check_object(POD, None, errors)
    assert [f.rule for f in found] == ["y"]  # a failing precondition does not hide its rules
    assert len(errors) == 1 and "internal error in rule x: RuntimeError: bug" in errors[0].message


def test_ignore_annotation_suppresses_by_rule_id():
    rules = {"quiet": _rule("quiet", _hit("quiet")), "loud": _rule("loud", _hit("loud"))}
    assert [f.rule for f in Engine(Options(locate=False), rules).check_object(POD)] == ["loud"]


def test_ignore_annotation_naming_no_rule_is_an_input_error():
    errors = []
    Engine(Options(locate=False), {"loud": _rule("loud", _hit("loud"))}).check_object(POD, None, errors)
    assert [e.message for e in errors] == ["winkube.io/ignore: unknown rule 'quiet'; `winkube rules` lists them"]


def _per_targeting(id, check):
    return Rule(id, Stage.PRACTICE, Severity.INFO, "pod", "s", "e", "f", "src", check, "tests", per_targeting=True)


def test_a_per_targeting_rule_runs_once_per_shared_targeting_and_reports_on_every_pod():
    other = {**POD, "metadata": {"name": "q"}, "spec": {**POD["spec"], "nodeSelector": {"kubernetes.io/os": "linux"}}}
    calls.clear()
    engine = Engine(Options(locate=False), {"t": _per_targeting("t", _hit("t"))})
    found = [engine.check_object(obj) for obj in (POD, dict(POD), other, POD)]
    assert [[f.rule for f in fs] for fs in found] == [["t"]] * 4  # every pod gets the finding...
    assert calls == ["t", "t"]  # ...computed once per Targeting (POD's, other's)
    # another release is another answer, even for the same Targeting
    engine.options.kube_version = (1, 36)
    engine.check_object(POD)
    assert calls == ["t", "t", "t"]


def test_a_per_targeting_rule_that_fails_is_reported_on_every_object():
    def boom(ctx):
        calls.append("boom")
        raise RuntimeError("bug")
        yield  # pragma: no cover

    calls.clear()
    engine, errors = Engine(Options(locate=False), {"x": _per_targeting("x", boom)}), []
    for _ in range(2):
        engine.check_object(POD, None, errors)
    assert calls == ["boom", "boom"]
    assert [e.message for e in errors if "internal error" in e.message] == ["internal error in rule x: RuntimeError: bug (please report)"] * 2


def test_per_targeting_rules_give_the_findings_they_give_when_run_on_every_pod():
    """The rules marked per_targeting read nothing of a pod that the targeting memo key does not hold:
    over test_one_answer's inputs (the corpus, the grown corpus, the examples and 540 generated
    workloads of every kind), each once as it is and once with everything outside the memo key
    changed, running them once per Targeting changes no finding, with the default profile and a
    cluster's."""
    import copy

    from test_one_answer import CLUSTER, workloads

    from winkube.model.podview import pod_view
    from winkube.model.profile import default_profile, with_cluster_objects
    from winkube.rules import all_rules

    rules = all_rules()
    assert sum(r.per_targeting for r in rules.values()) >= 10
    every = {rid: r.replace(per_targeting=False) for rid, r in rules.items()}
    objs = []
    for obj in workloads():
        twin = copy.deepcopy(obj)
        view = pod_view(twin)
        if view is not None and isinstance(view.pod_meta, dict):
            view.pod_meta["labels"] = {k: v for k, v in (view.pod_meta.get("labels") or {}).items() if k == "kubernetes.io/os"} \
                if isinstance(view.pod_meta.get("labels"), dict) else view.pod_meta.get("labels")
            for c in view.containers():
                c.container["command"] = ["/bin/sh", "-c", "true"]
                c.container["name"] = f"x{c.index}"
        objs += [obj, twin]
    cluster = with_cluster_objects(default_profile(), [o for o in CLUSTER if o["kind"] == "Node"],
                                   [o for o in CLUSTER if o["kind"] == "RuntimeClass"])

    def findings(rule_set, profile):
        engine = Engine(Options(profile=profile, locate=False), rule_set)
        return [[(f.rule, f.path, f.message, f.severity, f.fix) for f in engine.check_object(obj)] for obj in objs]

    for profile in (default_profile(), cluster):
        assert findings(rules, profile) == findings(every, profile)


def test_a_null_container_entry_is_still_an_input_error_after_a_clean_decode():
    """Decoding lets a null list entry through (Go decodes it as a zero value), so the shape check
    that the clean decode otherwise answers still reports it."""
    obj = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
           "spec": {"selector": {"matchLabels": {"a": "b"}},
                    "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [None]}}}}
    errors = []
    Engine(Options(locate=False)).check_object(obj, None, errors)
    assert [e.message for e in errors] == ["spec.template.spec.containers[0]: expected a container object, got NoneType"]


def test_reading_the_rule_list_first_does_not_leave_the_engine_without_rules():
    """SARIF reads `engine.rules` (every rule); an engine asked for them before it lints must still run
    each scope's rules, in the same order."""
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"nodeSelector": {"kubernetes.io/os": "windows"},
                    "containers": [{"name": "c", "image": "mcr.microsoft.com/windows/servercore:ltsc2022",
                                    "securityContext": {"privileged": True}}]}}
    read_first = Engine(Options(locate=False))
    assert len(read_first.rules) > 50
    found = [(f.rule, f.path) for f in read_first.check_object(obj)]
    assert found and found == [(f.rule, f.path) for f in Engine(Options(locate=False)).check_object(obj)]


def test_preconditions_marked_per_targeting_answer_alike_for_pods_that_share_a_targeting():
    """The engine asks a precondition marked per_targeting (rules.base) once per Targeting: over
    test_one_answer's inputs, each once as it is and once changed outside the memo key (and with its
    windowsOptions, spec.os and securityContext varied, which are in it), every pod that shares a
    Targeting gets the answer the first one got, with the default profile and a cluster's."""
    import copy

    from test_one_answer import CLUSTER, workloads

    from winkube.model.podview import pod_view
    from winkube.model.profile import default_profile, with_cluster_objects
    from winkube.rules import all_rules
    from winkube.rules.context import PodContext

    marked = {r.applies for r in all_rules().values() if getattr(r.applies, "per_targeting", False)}
    assert {a.__name__ for a in marked} >= {"windows_bound", "windows_unannounced", "windows_host_process", "has_os",
                                            "has_windows_options"}
    views = []
    for obj in workloads():
        if pod_view(obj) is None:
            continue
        for change in range(3):
            twin = copy.deepcopy(obj)
            view = pod_view(twin)
            for c in view.containers():
                c.container["command"], c.container["name"] = ["/bin/sh"], f"x{c.index}"
                if change == 2:
                    c.container["lifecycle"] = {"stopSignal": "SIGTERM"}
            if change == 1:
                view.spec["os"] = {"name": "windows"}
                view.spec["securityContext"] = {"windowsOptions": {"runAsUserName": "ContainerUser"}}
            views += [pod_view(obj), pod_view(twin)]  # (a view reads the pod's securityContext when made)
    cluster = with_cluster_objects(default_profile(), [o for o in CLUSTER if o["kind"] == "Node"],
                                   [o for o in CLUSTER if o["kind"] == "RuntimeClass"])
    shared = 0
    for profile in (default_profile(), cluster):
        first: dict = {}
        for view in views:
            ctx = PodContext(view, profile, (1, 37))
            got = first.setdefault(id(ctx.targeting), (ctx.targeting, {a: a(ctx) for a in marked}))
            differ = [f"{a.__name__}: {got[1][a]} vs {a(ctx)}" for a in marked if got[1][a] != a(ctx)]
            assert not differ, f"{differ} for {view.obj.get('metadata')}"
            shared += 1
        assert len(first) < shared / 2  # pods did share Targetings
    assert shared > 2000



def _windows_deployment(values, args=None):
    container = {"name": "c", "image": "mcr.microsoft.com/windows/servercore:ltsc2022"}
    if args is not None:
        container["args"] = args
    expr = {"key": "kubernetes.io/os", "operator": "In", "values": values}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {
                "metadata": {"labels": {"app": "x"}},
                "spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": [expr]}]}}},
                    "containers": [container]}}}}


def test_no_scheduling_findings_on_a_selector_the_api_server_cannot_decode():
    # `values: windows` (a string, not a list): the API server answers 400 and the scheduler never
    # sees the pod; judging pools by how we happen to read the string was a false warning.
    # The well-formed selector (no Windows toleration: the default profile taints its Windows pools)
    # and a type error elsewhere (args) keep the scheduling finding: the check is on the field read.
    def ids(obj):
        return {f.rule for f in Engine(Options(locate=False)).check_object(obj)}

    broken = ids(_windows_deployment("windows"))
    assert "field-type-mismatch" in broken and "no-schedulable-pool" not in broken
    assert "no-schedulable-pool" in ids(_windows_deployment(["windows"]))
    elsewhere = ids(_windows_deployment(["windows"], args="run.exe"))
    assert {"field-type-mismatch", "no-schedulable-pool"} <= elsewhere


def test_targeting_reads_names_the_fields_resolve_reads():
    from winkube.model.podview import pod_view
    from winkube.targeting import reads

    view = pod_view(_windows_deployment(["windows"]))
    spec = ("spec", "template", "spec")
    assert reads(view, spec + ("affinity", "nodeAffinity"))
    assert reads(view, spec + ("securityContext", "windowsOptions", "hostProcess"))
    assert not reads(view, spec + ("securityContext", "runAsUser"))
    assert reads(view, spec + ("containers", 0, "resources", "requests", "cpu"))
    assert reads(view, spec + ("initContainers", 1, "securityContext", "windowsOptions"))
    assert not reads(view, spec + ("containers", 0, "args"))
    assert not reads(view, ("spec", "selector", "matchLabels"))
