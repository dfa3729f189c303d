"""Every manifest of ../shared/corpus (real manifests published by others), linted with the embedded
default profile, against the reviewed result pinned in tests/data/corpus-findings.json.

Each pinned finding was reviewed by hand (see the closing notes of the lint issue). A change in
the findings fails this test: review the difference, fix the rule if a finding is wrong, and only
then re-pin with  WINKUBE_REPIN=1 .venv/bin/pytest tests/test_corpus.py
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from harness.controlplane import shared_dir

from winkube.engine import Engine, Options
from winkube.load.inputs import iter_sources

PIN = Path(__file__).parent / "data" / "corpus-findings.json"


def lint_corpus() -> dict:
    corpus = shared_dir() / "corpus"
    errors = []
    sources = list(iter_sources([str(corpus / "real-windows"), str(corpus / "real-linux")], errors))
    result = Engine(Options()).lint_sources(sources, errors)
    rel = lambda f: str(Path(f).relative_to(corpus))  # noqa: E731
    findings = sorted([rel(f.file), f.line, f.column, f.rule, f.severity.value, f.path_str] for f in result.findings)
    errs = sorted([rel(e.file), e.line or 0, e.message] for e in result.errors)
    return {"documents": result.documents, "objects": result.objects, "findings": findings, "errors": errs}


def test_corpus_findings_match_the_reviewed_pin():
    got = lint_corpus()
    if os.environ.get("WINKUBE_REPIN"):
        PIN.write_text(json.dumps(got, indent=1) + "\n")
    want = json.loads(PIN.read_text())
    assert got["documents"] == want["documents"] and got["objects"] == want["objects"]
    new = [f for f in got["findings"] if f not in want["findings"]]
    gone = [f for f in want["findings"] if f not in got["findings"]]
    assert not new and not gone, f"new findings: {new[:10]}\nno longer found: {gone[:10]}"
    assert got["errors"] == want["errors"]


# the structure family is about every object, whatever its OS (what the API server refuses or warns about)
STRUCTURE = {"api-version-not-served", "unknown-field", "field-type-mismatch", "deprecated-node-label", "fractional-byte-quantity",
             "required-value", "unsupported-value", "selector-template-mismatch"}


def test_linux_corpus_gets_no_windows_findings_but_tolerate_all_daemonsets():
    got = lint_corpus()
    linux = [f for f in got["findings"] if f[0].startswith("real-linux/")]
    assert {f[3] for f in linux} - STRUCTURE == {"daemonset-on-windows-nodes"}
