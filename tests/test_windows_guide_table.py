"""docs/windows-guide.md: the statement table of the Kubernetes Windows guide. The counts at the top
must be the table's own, and every rule id, failure entry and knowledge file it names must exist."""
from __future__ import annotations

import collections
import re
from pathlib import Path

import yaml

from winkube.rules import all_rules

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "windows-guide.md"
KNOWLEDGE = ROOT / "src" / "winkube" / "knowledge"
KINDS = {"acts", "partly", "not yet", "information only"}


def rows() -> list[tuple[str, str, str]]:
    body = DOC.read_text().split("## In the later texts")[0]
    out = []
    for line in body.splitlines():
        m = re.match(r"\| ([IU]\d+) \|(.*)\|\s*([a-z ]+?)\s*\|$", line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def test_every_row_has_a_known_kind_and_rows_are_numbered_without_gaps():
    got = rows()
    assert {k for _, _, k in got} <= KINDS
    for prefix in "IU":
        nums = [int(n[1:]) for n, _, _ in got if n[0] == prefix]
        assert nums == list(range(1, len(nums) + 1)), prefix


def test_the_counts_at_the_top_are_the_tables():
    got = rows()
    k = collections.Counter(kind for _, _, kind in got)
    head = DOC.read_text().split("\n\n")[1]
    assert head.startswith(f"**{len(got)} statements: winkube acts on {k['acts']}, partly on {k['partly']}, "
                           f"not yet on {k['not yet']}; {k['information only']} are information only.**"), head


def test_every_named_rule_failure_entry_and_knowledge_file_exists():
    text = DOC.read_text()
    ids = set(all_rules())
    named = set(re.findall(r"rules? `([a-z0-9-]+)`", text)) | set(re.findall(r", `([a-z0-9]+(?:-[a-z0-9]+)+)`", text))
    assert named and named <= ids, sorted(named - ids)
    entries = set()
    for f in KNOWLEDGE.glob("failures*.yaml"):
        data = yaml.safe_load(f.read_text())
        for v in (data.values() if isinstance(data, dict) else [data]):
            if isinstance(v, list):
                entries |= {e.get("id") for e in v if isinstance(e, dict)}
    for a, b in re.findall(r"\bE(\d+)(?:[–-]E(\d+))?", text):
        for n in {int(a), int(b or a)}:
            assert f"E{n}" in entries, f"E{n}"
    for name in set(re.findall(r"`([a-z_]+\.yaml)`", text)):
        assert (KNOWLEDGE / name).is_file() or list(KNOWLEDGE.glob(name)), name
