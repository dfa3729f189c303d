"""The grown corpus (tests/data/corpus-grown: real Windows manifests from repositories outside
../shared/corpus, issue 12 scope 7), linted with the embedded default profile, against the pin in
tests/data/corpus-grown-findings.json. Every pinned finding carries the verdict of the review by
hand (true / false and why); REVIEW.md is the written review and states the precision this test
recomputes, on the tuning part and on the held-out fifth (SPLIT.tsv) apart.

A change in the findings fails the test: review the difference, fix the rule if a finding is wrong
(never because of a held-out file), then re-pin with  WINKUBE_REPIN=1 .venv/bin/pytest tests/test_corpus_grown.py
(new findings get the verdict "unreviewed", which fails until a verdict and reason are written in).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from winkube.engine import Engine, Options
from winkube.load.inputs import iter_sources

DATA = Path(__file__).parent / "data"
GROWN = DATA / "corpus-grown"
PIN = DATA / "corpus-grown-findings.json"


def split() -> dict[str, str]:
    rows = [line.split("\t") for line in (GROWN / "SPLIT.tsv").read_text().splitlines()[1:]]
    return {f: s for f, s in rows if not f.startswith("chart:")}


def lint_grown() -> dict:
    errors: list = []
    files = [str(GROWN / f) for f in sorted(split())]
    result = Engine(Options()).lint_sources(list(iter_sources(files, errors)), errors)
    findings = sorted([Path(f.file).name, f.line, f.column, f.rule, f.severity.value, f.path_str] for f in result.findings)
    errs = sorted([Path(e.file).name, e.line or 0, e.message] for e in result.errors)
    return {"documents": result.documents, "objects": result.objects, "findings": findings, "errors": errs}


def pinned() -> dict:
    return json.loads(PIN.read_text())


def precision(findings: list, part: str, strict: bool = False) -> tuple[int, int]:
    parts = split()
    mine = [f for f in findings if parts[f[0]] == part]
    good = [f for f in mine if f[6] == "true" and not (strict and f[7].startswith("guessed taint"))]
    return len(good), len(mine)


def test_grown_corpus_findings_match_the_reviewed_pin():
    got = lint_grown()
    if os.environ.get("WINKUBE_REPIN"):
        old = {tuple(f[:6]): f[6:] for f in pinned()["findings"]} if PIN.exists() else {}
        got = {**got, "findings": [f + old.get(tuple(f), ["unreviewed", ""]) for f in got["findings"]]}
        PIN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
        got = lint_grown()
    want = pinned()
    assert got["documents"] == want["documents"] and got["objects"] == want["objects"]
    keys = [f[:6] for f in want["findings"]]
    new = [f for f in got["findings"] if f not in keys]
    gone = [f for f in keys if f not in got["findings"]]
    assert not new and not gone, f"new findings: {new[:10]}\nno longer found: {gone[:10]}"
    assert got["errors"] == want["errors"]


def test_every_pinned_finding_was_reviewed():
    for f in pinned()["findings"]:
        assert f[6] in ("true", "false") and f[7], f


def test_the_written_review_states_the_precision_of_the_pin():
    review = (GROWN / "REVIEW.md").read_text()
    found = pinned()["findings"]
    for part in ("tuning", "heldout"):
        good, total = precision(found, part)
        sgood, _ = precision(found, part, strict=True)
        assert f"| {part} | {total} | {good} | {good / total:.1%} | {sgood / total:.1%} |" in review, (part, good, sgood, total)


def test_the_held_out_fifth_was_set_aside_for_real():
    parts = split()
    held = [f for f, s in parts.items() if s == "heldout"]
    assert len(parts) == 75 and len(held) == 15
    assert all((GROWN / f).is_file() for f in parts)
