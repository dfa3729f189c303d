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
