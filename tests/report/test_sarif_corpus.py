"""Issue 11's done-when line for code scanning, on real manifests: the SARIF of the whole corpus
(../shared/corpus, as `winkube lint -o sarif` writes it from the folder above it) validates
against the SARIF 2.1.0 schema, and every result has a helpUri, a fingerprint and a relative URI
with a uriBaseId."""
from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
from harness.controlplane import shared_dir
from test_sarif_reporter import SCHEMA


def test_corpus_sarif_is_valid_and_every_result_can_be_placed():
    shared = shared_dir()
    out = subprocess.run([sys.executable, "-m", "winkube.cli", "lint", "-o", "sarif", "corpus"], cwd=shared,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode in (1, 2), out.stderr  # findings (and a few real manifests the API server refuses to decode)
    doc = json.loads(out.stdout)
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls(SCHEMA, format_checker=cls.FORMAT_CHECKER).validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["automationDetails"]["id"] and run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")
    assert len(run["results"]) > 300
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert rules[result["ruleIndex"]]["helpUri"].startswith("https://"), result["ruleId"]
        assert result["partialFingerprints"]["winkube/v1"], result
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%" and location["uri"].startswith("corpus/"), location
