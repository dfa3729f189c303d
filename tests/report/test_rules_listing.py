from __future__ import annotations

import io

from reportdata import make_rule
from winkube.model.finding import Severity, Stage
from winkube.report.rules import STAGE_TEXT, explain, list_rules, unknown_rule_message


def listing(rules) -> list[str]:
    out = io.StringIO()
    list_rules(rules, out)
    return out.getvalue().splitlines()


def test_list_rules_by_stage_then_id_in_aligned_columns():
    rs = [
        make_rule("zz-practice", Stage.PRACTICE, Severity.INFO, summary="last"),
        make_rule("b-admission", Stage.ADMISSION, Severity.ERROR, summary="second"),
        make_rule("a-admission", Stage.ADMISSION, Severity.ERROR, summary="first"),
        make_rule("a-much-longer-rule-id", Stage.SCHEDULING, Severity.WARNING, summary="third"),
    ]
    lines = listing({r.id: r for r in rs})
    assert lines == [
        "a-admission            admission   error    first",
        "b-admission            admission   error    second",
        "a-much-longer-rule-id  scheduling  warning  third",
        "zz-practice            practice    info     last",
    ]


def test_list_rules_empty():
    assert listing({}) == []


def test_explain_prints_every_field():
    r = make_rule("host-network", Stage.KUBELET, Severity.WARNING, scope="pod",
                  summary="hostNetwork on Windows", explanation="word " * 60,
                  fix="set hostNetwork: false", source="https://example.org/kep-3503")
    out = io.StringIO()
    explain(r, out)
    text = out.getvalue()
    assert text.startswith("host-network: hostNetwork on Windows\n")
    assert f"stage:             kubelet ({STAGE_TEXT[Stage.KUBELET]})" in text
    assert "default severity:  warning" in text
    assert "applies to:        pod" in text
    assert "defined in:        winkube.rules.test.host_network" in text
    assert "\nFix:\n  set hostNetwork: false\n" in text
    assert "\nSource:\n  https://example.org/kep-3503\n" in text
    why = text.split("Why:\n")[1].split("\n\nFix:")[0]
    assert why.split() == ["word"] * 60  # nothing lost by wrapping
    assert all(len(line) <= 88 for line in text.splitlines())


def test_every_stage_has_a_description():
    assert set(STAGE_TEXT) == set(Stage)


def test_unknown_rule_message_suggests():
    known = ["windows-forbidden-field", "missing-os-selector"]
    assert "did you mean 'windows-forbidden-field'" in unknown_rule_message("windows-forbiden-field", known)
    assert unknown_rule_message("zzz", known) == "unknown rule 'zzz'; `winkube rules` lists them"
