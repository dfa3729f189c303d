from __future__ import annotations

import io
import json
import pathlib
from urllib.parse import urlsplit

import jsonschema
import pytest

import winkube
from reportdata import HOSTILE, make_rule, make_rules
from winkube.model.finding import Finding, Result, Severity, Stage
from winkube.report import sarif

SCHEMA = json.loads((pathlib.Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


def render(result: Result, rules=None) -> dict:
    out = io.StringIO()
    sarif.render(result, make_rules() if rules is None else rules, out)
    return json.loads(out.getvalue())


def validate(doc: dict) -> None:
    cls = jsonschema.validators.validator_for(SCHEMA)
    assert cls is jsonschema.Draft4Validator  # the OASIS schema declares draft-04
    cls.check_schema(SCHEMA)
    validator = cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_valid_against_schema_with_and_without_positions(result):
    doc = render(result)
    validate(doc)
    results = doc["runs"][0]["results"]
    regions = [r["locations"][0].get("physicalLocation", {}).get("region") for r in results]
    assert {"startLine": 12, "startColumn": 11} in regions
    assert None in regions  # the finding without a position has no region


def test_hostile_and_empty_results_are_valid(hostile_result):
    validate(render(hostile_result))
    validate(render(Result()))
    validate(render(Result(), rules={}))


def test_driver_and_rules(result):
    run = render(result)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "winkube"
    assert driver["version"] == winkube.__version__
    assert "informationUri" not in driver  # optional in SARIF; winkube has no public home page to name yet
    by_id = {r["id"]: r for r in driver["rules"]}
    assert list(by_id) == list(make_rules())
    r = by_id["missing-os-selector"]
    assert r["name"] == "MissingOsSelector"
    assert r["shortDescription"]["text"] == "pod can land on Linux and Windows nodes"
    assert r["fullDescription"]["text"] == "Explanation of missing-os-selector, in a few sentences."
    assert "fix for missing-os-selector" in r["help"]["text"]
    assert "https://kubernetes.io/docs/missing-os-selector" in r["help"]["text"]  # the source stays in the help
    assert r["helpUri"] == "https://github.com/winkube/winkube/blob/main/docs/rules.md#missing-os-selector"
    assert r["properties"]["stage"] == "scheduling"
    assert {rid: x["defaultConfiguration"]["level"] for rid, x in by_id.items()} == {
        "windows-forbidden-field": "error", "missing-os-selector": "warning", "run-as-user-ignored": "note"}


def test_results_point_at_their_rule_and_carry_stage_object_and_path(result):
    run = render(result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    priv = next(r for r in run["results"] if r["ruleId"] == "windows-forbidden-field" and "locations" in r
                and "physicalLocation" in r["locations"][0])
    assert priv["level"] == "error"
    assert priv["message"]["text"] == "privileged containers are not supported on Windows"
    loc = priv["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "deploy/frontend.yaml"
    assert loc["logicalLocations"] == [{"fullyQualifiedName": "spec.template.spec.containers[0].securityContext.privileged"}]
    assert priv["properties"]["stage"] == "admission"
    assert priv["properties"]["errorType"] == "Forbidden"
    assert priv["properties"]["object"] == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "web", "name": "frontend"}
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["missing-os-selector"] == "warning" and levels["run-as-user-ignored"] == "note"
    no_file = next(r for r in run["results"] if r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "spec.hostPID")
    assert "physicalLocation" not in no_file["locations"][0]


def test_input_errors_are_tool_execution_notifications(result):
    inv = render(result)["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == "mapping values are not allowed here"
    assert note["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "broken.yaml", "uriBaseId": "%SRCROOT%"},
                                                         "region": {"startLine": 4}}
    assert render(Result())["runs"][0]["invocations"][0] == {"executionSuccessful": True, "toolExecutionNotifications": []}


def test_finding_of_a_rule_missing_from_the_table_gets_a_descriptor():
    f = Finding(rule="later-rule", stage=Stage.RUNTIME, severity=Severity.WARNING, path=("a",), message="m", file="x.yaml", line=1)
    doc = render(Result(findings=[f]), rules={"x": make_rule("x")})
    validate(doc)
    run = doc["runs"][0]
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["id"] == "later-rule"


@pytest.mark.parametrize("file, uri", [
    ("deploy/app.yaml", "deploy/app.yaml"),
    ("-", "stdin"),
    ("<stdin>", "stdin"),
    ("my dir/a#b?.yaml", "my%20dir/a%23b%3F.yaml"),
    ("c:x.yaml", "c%3Ax.yaml"),  # not read as a URI scheme
    ("/abs/pod.yaml", "file:///abs/pod.yaml"),
    ("C:\\work\\pod.yaml", "file:///C:/work/pod.yaml"),
    ("naïve.yaml", "na%C3%AFve.yaml"),
])
def test_artifact_uri(file, uri):
    assert sarif.artifact_uri(file) == uri
    parts = urlsplit(uri)
    assert parts.scheme in ("", "file")


def test_hostile_strings_survive_as_data(hostile_result):
    run = render(hostile_result)["runs"][0]
    res = run["results"][0]
    assert res["message"]["text"] == f"bad value {HOSTILE}"
    assert res["properties"]["object"]["name"] == HOSTILE
    assert " " not in res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert "\x1b" not in res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_every_rule_has_a_help_uri_whose_anchor_is_in_docs_rules_md():
    from winkube.rules import all_rules

    rules_md = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    descriptors = render(Result(), rules=all_rules())["runs"][0]["tool"]["driver"]["rules"]
    assert len(descriptors) == len(all_rules())
    for d in descriptors:
        page, anchor = d["helpUri"].split("#")
        assert page.endswith("/docs/rules.md") and f"\n### {anchor}\n" in rules_md, d["id"]


def test_uris_are_relative_to_the_root_with_a_base_id(tmp_path, monkeypatch):
    # the working directory decides the root (a real directory; no git work tree above tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k8s").mkdir()
    inside = Finding(rule="r", stage=Stage.RUNTIME, severity=Severity.WARNING, path=("a",), message="m",
                     file=str(tmp_path / "k8s" / "a.yaml"), line=3)
    outside = Finding(rule="r", stage=Stage.RUNTIME, severity=Severity.WARNING, path=("a",), message="m",
                      file="/elsewhere/b.yaml", line=3)
    doc = render(Result(findings=[inside, outside]), rules={"r": make_rule("r")})
    validate(doc)
    run = doc["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": f"file://{tmp_path}/"}}
    assert run["automationDetails"] == {"id": "winkube/"}
    locs = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert {"uri": "k8s/a.yaml", "uriBaseId": "%SRCROOT%"} in locs and {"uri": "file:///elsewhere/b.yaml"} in locs


def test_fingerprints_ignore_the_line_but_not_the_field():
    base = dict(rule="r", stage=Stage.RUNTIME, severity=Severity.WARNING, message="m", file="k.yaml")
    a = Finding(path=("spec", "x"), line=3, **base)
    moved = Finding(path=("spec", "x"), line=30, column=7, **base)
    other = Finding(path=("spec", "y"), line=3, **base)
    prints = [r["partialFingerprints"]["winkube/v1"] for r in
              render(Result(findings=[a, moved, other]), rules={"r": make_rule("r")})["runs"][0]["results"]]
    # results are sorted by file, line, column, rule, path: a (line 3, x), other (line 3, y), moved (line 30, x)
    assert prints[0] == prints[2] != prints[1]
