from __future__ import annotations

import io
import json
import pathlib
import re

from reportdata import HOSTILE, make_result, make_rules
from winkube.model.finding import Finding, Result, Severity, Stage
from winkube.report import jsonout

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "json-output.md"
FINDING_KEYS = ["rule", "stage", "severity", "errorType", "object", "file", "line", "column", "path", "message", "fix"]


def render(result: Result) -> str:
    out = io.StringIO()
    jsonout.render(result, make_rules(), out)
    return out.getvalue()


def test_shape_and_values(result):
    data = json.loads(render(result))
    assert data["version"] == 1
    assert list(data) == ["apiVersion", "kind", "version", "findings", "errors", "skipped", "summary"]
    assert (data["apiVersion"], data["kind"]) == ("winkube.io/v1", "LintReport")
    for f in data["findings"]:
        assert list(f) == FINDING_KEYS
        assert list(f["object"]) == ["apiVersion", "kind", "namespace", "name"]
    first = data["findings"][1]
    assert first == {
        "rule": "windows-forbidden-field",
        "stage": "admission",
        "severity": "error",
        "errorType": "Forbidden",
        "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "web", "name": "frontend"},
        "file": "deploy/frontend.yaml",
        "line": 12,
        "column": 11,
        "path": "spec.template.spec.containers[0].securityContext.privileged",
        "message": "privileged containers are not supported on Windows",
        "fix": "remove securityContext.privileged",
    }
    assert data["errors"] == [{"file": "broken.yaml", "line": 4, "message": "mapping values are not allowed here"}]
    assert data["skipped"] == [{"file": ".github/workflows/ci.yml", "reason": "no Kubernetes objects (apiVersion and kind)"}]
    assert data["summary"] == {
        "files": 3, "documents": 4, "objects": 4, "skipped": 1, "findings": 4, "errors": 1,
        "bySeverity": {"error": 2, "warning": 1, "info": 1},
        "byStage": {"admission": 2, "scheduling": 1, "kubelet": 0, "runtime": 0, "ignored": 1, "practice": 0},
    }


def test_unknowns_are_null_and_error_type_null_outside_admission(result):
    data = json.loads(render(result))
    by_rule_path = {(f["rule"], f["path"]): f for f in data["findings"]}
    no_position = by_rule_path[("run-as-user-ignored", "spec.securityContext.runAsUser")]
    assert no_position["line"] is None and no_position["column"] is None and no_position["errorType"] is None
    assert no_position["fix"] == ""
    no_file = by_rule_path[("windows-forbidden-field", "spec.hostPID")]
    assert no_file["file"] is None
    assert no_file["object"]["namespace"] == "live"


def test_deterministic_order_file_line_column_rule_path():
    def f(file, line, col, rule, path):
        return Finding(rule=rule, stage=Stage.RUNTIME, severity=Severity.ERROR, path=path, message="m",
                       file=file, line=line, column=col)

    expected = [
        f("a.yaml", None, None, "z", ("a",)),
        f("a.yaml", 2, 1, "b", ("a",)),
        f("a.yaml", 2, 1, "b", ("b",)),
        f("a.yaml", 2, 5, "a", ("a",)),
        f("a.yaml", 10, 1, "a", ("a",)),
        f("b.yaml", 1, 1, "a", ("a",)),
        f(None, None, None, "a", ("a",)),
    ]
    for shuffled in (expected[::-1], expected[3:] + expected[:3]):
        data = json.loads(render(Result(findings=shuffled)))
        got = [(x["file"], x["line"], x["column"], x["rule"], x["path"]) for x in data["findings"]]
        assert got == [(x.file, x.line, x.column, x.rule, x.path_str) for x in expected]
    assert render(Result(findings=expected[::-1])) == render(Result(findings=expected))


def test_round_trip_preserves_hostile_strings(hostile_result):
    raw = render(hostile_result)
    assert raw.isascii()
    assert "\x1b" not in raw  # control characters are \u escapes in JSON text
    data = json.loads(raw)
    f = data["findings"][0]
    assert f["message"] == f"bad value {HOSTILE}"
    assert f["path"] == f"metadata.annotations[{HOSTILE}]"
    assert f["file"] == f"dir/{HOSTILE}.yaml"
    assert f["object"]["name"] == HOSTILE
    assert data["errors"][0]["message"] == f"cannot parse {HOSTILE}\x00\x07"


def test_non_ascii_round_trips():
    f = Finding(rule="r", stage=Stage.RUNTIME, severity=Severity.ERROR, path=("metadata", "name"),
                message="名前 – ü \udc80", file="dé.yaml")
    data = json.loads(render(Result(findings=[f])))
    assert data["findings"][0]["message"] == "名前 – ü \udc80"
    assert data["findings"][0]["file"] == "dé.yaml"


def test_empty_result():
    data = json.loads(render(Result()))
    assert data["findings"] == [] and data["errors"] == []
    assert data["summary"]["bySeverity"] == {"error": 0, "warning": 0, "info": 0}
    assert set(data["summary"]["byStage"]) == {s.value for s in Stage}


def test_documented_example_has_the_implemented_shape():
    """docs/json-output.md's example and tables describe exactly the keys the reporter writes."""
    doc = DOC.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
    actual = json.loads(render(make_result()))

    def shape(v):
        if isinstance(v, dict):
            return {k: shape(x) for k, x in v.items()}
        if isinstance(v, list):
            return [shape(v[0])] if v else []
        return None

    assert shape(example) == shape(actual)
    for key in FINDING_KEYS + ["files", "documents", "objects", "bySeverity", "byStage"]:
        assert f"| `{key}`" in doc or f"`{key}`, " in doc, key
