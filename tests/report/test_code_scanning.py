"""SARIF as GitHub code scanning needs it (issue 11, item 5), on the real-manifest corpus: valid
SARIF 2.1.0, a helpUri on every rule, a fingerprint and a repository-relative URI on every result."""
from __future__ import annotations

import json

import yaml
from harness.controlplane import shared_dir
from test_sarif_reporter import validate
from test_cli import ROOT, WINDOWS_POD, run


def test_corpus_sarif_is_valid_and_placeable_by_code_scanning():
    r = run("lint", "--no-config", "-o", "sarif", "corpus/real-windows", "corpus/real-linux", cwd=shared_dir())
    assert r.returncode == 2, r.stderr  # the corpus holds a few broken files (input errors)
    doc = json.loads(r.stdout)
    validate(doc)
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["results"] and all(rule["helpUri"].startswith("https://") for rule in rules)
    assert run_["automationDetails"]["id"] == "winkube/"
    for res in run_["results"]:
        assert rules[res["ruleIndex"]]["helpUri"].endswith("#" + res["ruleId"])
        assert len(res["partialFingerprints"]["winkube/v1"]) == 32
        loc = res["locations"][0]["physicalLocation"]["artifactLocation"]
        assert loc["uriBaseId"] == "%SRCROOT%" and loc["uri"].startswith("corpus/real-"), loc


def test_stdin_filename_names_piped_input(tmp_path):
    r = run("lint", "-o", "sarif", "--stdin-filename", "deploy/app.yaml", "-", stdin=WINDOWS_POD)
    loc = json.loads(r.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "deploy/app.yaml", "uriBaseId": "%SRCROOT%"} and loc["region"]["startLine"] == 11
    r = run("lint", "--stdin-filename", "deploy/app.yaml", "-", stdin=WINDOWS_POD)
    assert "deploy/app.yaml:11:" in r.stdout
    r = run("lint", "--stdin-filename", "deploy/app.yaml", "-", stdin="")
    assert r.returncode == 2 and "deploy/app.yaml: error: nothing was read from stdin" in r.stdout


def test_fingerprints_survive_a_line_moving(tmp_path):
    f = tmp_path / "pod.yaml"
    f.write_text(WINDOWS_POD)
    before = json.loads(run("lint", "-o", "sarif", "pod.yaml", cwd=tmp_path).stdout)["runs"][0]["results"]
    f.write_text("# a comment added above\n\n" + WINDOWS_POD)
    after = json.loads(run("lint", "-o", "sarif", "pod.yaml", cwd=tmp_path).stdout)["runs"][0]["results"]
    line = lambda r: r["locations"][0]["physicalLocation"]["region"]["startLine"]  # noqa: E731
    assert [line(r) + 2 for r in before] == [line(r) for r in after]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]


def test_action_runs_winkube_and_uploads_sarif():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert any("winkube lint" in s.get("run", "") and "-o sarif" in s.get("run", "") for s in steps)
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    assert set(action["inputs"]) >= {"paths", "fail-on", "version"}
    doc = (ROOT / "docs" / "code-scanning.md").read_text()
    workflow = yaml.safe_load(doc.split("```yaml\n", 1)[1].split("```", 1)[0])
    assert any(s.get("uses", "").startswith("winkube/winkube@") for s in workflow["jobs"]["winkube"]["steps"])
    assert workflow["permissions"]["security-events"] == "write"
