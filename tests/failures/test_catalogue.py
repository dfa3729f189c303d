"""The whole failure catalogue (knowledge/failures*.yaml) and the Windows code table
(knowledge/windows_codes.yaml): shape and sources of every row, every real example message
answered with its own diagnosis through `winkube explain`, every code decoded in every form a
message writes it."""
from __future__ import annotations

from collections import Counter

import pytest
import yaml

from winkube.cli import main
from winkube.failures import LAYERS, catalogue, catalogue_files, diagnose
from winkube.failures.codes import decode
from winkube.knowledge import load

from .realworld import DATA, DATA_2, heldout_messages


def test_catalogue_size_layers_and_fields():
    entries = catalogue()
    assert len(entries) >= 150
    assert len({e.id for e in entries}) == len(entries)
    # rows other developers append to failures.yaml (E42–E49) may come without a layer
    per_layer = Counter(e.layer for e in entries if e.layer or not 42 <= int(e.id[1:]) <= 49)
    assert set(per_layer) <= set(LAYERS), set(per_layer) - set(LAYERS)
    for layer in ("image", "sandbox", "hcs", "cni", "csi", "gmsa", "hostprocess", "kubelet", "dns", "storage", "identity", "exit"):
        assert per_layer[layer] >= 3 or layer == "dns" and per_layer[layer] >= 1, (layer, per_layer)
    for name in catalogue_files():
        for row in load(name)["entries"]:
            for f in ("id", "title", "pattern", "stage", "cause", "fix", "source"):
                assert str(row.get(f) or "").strip(), (name, row.get("id"), f)
            assert row.get("diagnosis") or row["id"] in {f"E{i}" for i in range(42, 50)}, (name, row["id"])
            if name != "failures":  # E1–E41 (+ other developers' rows) stay in failures.yaml; grown rows from E50
                assert int(row["id"][1:]) >= 50, (name, row["id"])
    for e in entries:
        assert e.pattern.pattern and e.cause and e.fix and e.source
        for spec in (*e.needs, *e.against, *(c for c in e.confirm if not c.startswith("phase:"))):
            from winkube.failures.context import PREDICATES
            assert spec.lstrip("!") in PREDICATES, (e.id, spec)


EXAMPLES = [e for e in catalogue() if e.example]


@pytest.mark.parametrize("entry", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_every_real_example_is_answered_with_its_diagnosis(entry, capsys):
    """Each example is a message a user pasted (verbatim, from the entry's source); explain must
    name the entry's diagnosis first."""
    from winkube.failures.context import facts_from_dict
    facts = facts_from_dict(entry.example_context) if entry.example_context else None
    d = diagnose(entry.example, facts)
    assert d.top is not None, entry.id
    assert d.top.entry.diagnosis == entry.diagnosis, (entry.id, [(m.entry.id, m.score) for m in d.candidates[:3]])
    if facts is None:  # the command line gives the same answer (context needs --pod, tested live)
        assert main(["explain", entry.example]) == 0
        out = capsys.readouterr().out
        assert f"{d.top.entry.id}  {d.top.entry.title}" in out


def test_no_example_comes_from_the_held_out_messages():
    held = [" ".join(m["message"].split()) for m in heldout_messages(DATA) + heldout_messages(DATA_2)]
    for e in EXAMPLES:
        ex = " ".join(e.example.split())
        assert not any(ex in h or h in ex for h in held), e.id


def test_examples_cover_most_of_the_grown_catalogue():
    grown = [e for e in catalogue() if int(e.id[1:]) >= 50]
    assert len([e for e in grown if e.example]) >= len(grown) // 2


# ---------------------------------------------------------------------------------------- codes

CODES = load("windows_codes")["codes"]


def _forms(row: dict) -> list[str]:
    v = int(str(row["value"]), 16)
    forms = [f"failed ({row['value']})"]
    if v >= 0x80000000:
        forms += [f'"ErrorCode":{v}', f"exit code {v}", f"Exit Code:    {v - (1 << 32)}"]
        if v >> 28 in (0x8, 0xC):
            forms.append(f"Error {v:08X} occurred")
    if v == 0x40010004:
        forms.append(f"exit code {v}")
    if row["kind"] == "win32":
        forms.append(f"hnsCall failed (0x8007{v:04x})")
        forms.append(f'"ErrorCode":{0x80070000 | v}')
    return forms


@pytest.mark.parametrize("row", CODES, ids=[f"{r['value']}-{r['name']}" for r in CODES])
def test_every_code_is_decoded_in_every_form(row, capsys):
    assert str(row["source"]).startswith("https://"), row
    assert row["text"] and row["kind"] in ("hresult", "win32", "ntstatus")
    for text in _forms(row):
        names = [c.name for c in decode(text)]
        assert row["name"] in names, (text, names)
    # and through the command line: a message with the code, nothing else, names it
    main(["explain", f"something failed: ({row['value']})"])
    assert row["name"] in capsys.readouterr().out


def test_codes_table_has_no_duplicates_and_ids_and_guids_are_not_codes():
    values = [int(str(r["value"]), 16) for r in CODES]
    assert len(values) == len(set(values))
    assert decode("container 0238a43119b6620289ef8e8d747a773f999ddc1b0b160739799de102f08d4e45") == []
    assert decode('"ID":"d3f5213b-abc6-4bea-8f1f-d3f3105a67ea" at 12:53:53.142414   23840') == []
    assert decode("exit status 1, exit code 2") == []


def test_the_audit_prefilter_never_loses_a_match():
    """audit skips texts the quick pre-filter rules out; it must let through every text the
    catalogue matches (all examples, all collected real messages, all E1–E41 cases)."""
    from winkube.failures.prefilter import may_match

    from .test_failures import CASES
    texts = [e.example for e in EXAMPLES] + [m["message"] for m in yaml.safe_load(DATA.read_text())["messages"]]
    texts += [c[0] for c in CASES.values()]
    for t in texts:
        if diagnose(t).candidates:
            assert may_match(t), t[:200]
    assert not may_match("Successfully pulled image \"nginx:1.27\" in 2.1s") and not may_match("Started container web")
