"""Real failure messages users pasted into public threads, run through `winkube explain`'s diagnosis
(tests/failures/realworld.py has the two sets and their held-out fifths). Tuning parts are held to a
floor; held-out parts to the rule that a wrong diagnosis is never stated with high confidence, and
set 2's held-out fifth to what its single run measured. `pytest -s` prints every score."""
from __future__ import annotations

import pytest

from winkube.failures import diagnose

from .realworld import DATA, DATA_2, UNRESOLVED, all_messages, data, heldout_ids, heldout_messages, redraw, tuning_messages


def _score(messages):
    right, wrong, none, wrong_high, probes, probes_high = [], [], [], [], [], []
    for m in messages:
        d = diagnose(m["message"])
        if m["diagnosis"] == UNRESOLVED:  # no right answer: report what was claimed, and how surely
            probes.append(m["id"]) if d.top else None
            probes_high.append(m["id"]) if d.confidence == "high" else None
        elif d.top is None:
            none.append(m["id"])
        elif d.top.entry.diagnosis == m["diagnosis"]:
            right.append(m["id"])
        else:
            wrong.append(m["id"])
            if d.confidence == "high":
                wrong_high.append(m["id"])
    return right, wrong, none, wrong_high, probes, probes_high


def _report(label, msgs, score):
    right, wrong, none, wrong_high, probes, probes_high = score
    n = len([m for m in msgs if m["diagnosis"] != UNRESOLVED])
    print(f"\n{label}: {len(right)}/{n} right, {len(wrong)} wrong {wrong} (high confidence: {wrong_high}), "
          f"{len(none)} no match {none}; unresolved probes: {len(msgs) - n}, answered {len(probes)}, "
          f"high {probes_high}")


@pytest.mark.parametrize("path", [DATA, DATA_2], ids=["set1", "set2"])
def test_the_held_out_fifth_is_the_seeded_draw(path):
    assert heldout_ids(path) == redraw(path)
    assert len(heldout_ids(path)) == len(data(path)["messages"]) // 5
    for m in data(path)["messages"]:
        assert m["message"].strip() and m["diagnosis"] and m["source"].startswith("https://github.com/"), m["id"]
        assert m["diagnosis"] != UNRESOLVED or path == DATA_2, m["id"]


def test_the_sets_share_no_thread_and_no_message():
    one, two = data(DATA)["messages"], data(DATA_2)["messages"]
    assert not {m["source"] for m in one} & {m["source"] for m in two}
    assert not {m["message"] for m in one} & {m["message"] for m in two}
    assert len({m["id"] for m in one + two}) == len(one) + len(two)


def test_set1_tuning(capsys):
    msgs = tuning_messages(DATA)
    score = _score(msgs)
    with capsys.disabled():
        _report("set 1 tuning", msgs, score)
    right, wrong, none, wrong_high, *_ = score
    assert len(right) >= 75, (wrong, none)
    assert wrong_high == []


def test_set1_held_out_fifth_spent(capsys):
    """Run once at commit 47b4765 (12/19 right, 1 wrong at high confidence: M084, 6 no match); spent
    since, and tuned on in issue 13's second round (M084 was an entry that joined two causes)."""
    msgs = heldout_messages(DATA)
    score = _score(msgs)
    with capsys.disabled():
        _report("set 1 held-out fifth (spent, tuned on)", msgs, score)
    right, wrong, none, wrong_high, *_ = score
    assert len(right) >= 19
    assert wrong_high == []


def test_set2_tuning(capsys):
    msgs = tuning_messages(DATA_2)
    score = _score(msgs)
    with capsys.disabled():
        _report("set 2 tuning", msgs, score)
    right, wrong, none, wrong_high, probes, probes_high = score
    assert len(right) >= 24, (wrong, none)
    assert wrong_high == []


def test_set2_held_out_fifth(capsys):
    """Never tuned on. Run once after the tuning (HELD_OUT_2 below is what that run measured); a
    change that makes it worse fails, and a wrong answer is never stated with high confidence."""
    msgs = heldout_messages(DATA_2)
    score = _score(msgs)
    with capsys.disabled():
        _report("set 2 held-out fifth", msgs, score)
    right, wrong, none, wrong_high, probes, probes_high = score
    assert len(right) >= HELD_OUT_2["right"] and len(wrong) <= HELD_OUT_2["wrong"]
    assert set(wrong_high) <= HELD_OUT_2["wrong_high"]


# The single run, at commit 120880b (docs/explain.md): of 8 resolved messages 2 right (N003, N012),
# 1 wrong at medium confidence (N035), 5 no match; no wrong answer at high confidence. Of the 3
# unresolved probes, N006 and N018 were answered with high confidence (no right answer exists).
HELD_OUT_2 = {"right": 2, "wrong": 1, "wrong_high": set()}


@pytest.mark.parametrize("m", all_messages(), ids=[m["id"] for m in all_messages()])
def test_every_real_message_goes_through_explain(m, capsys):
    """Every collected message reaches the command line without a traceback, and either names a
    cause or says what to collect next."""
    from winkube.cli import main
    code = main(["explain", m["message"]])
    out = capsys.readouterr()
    assert code in (0, 2) and "Traceback" not in out.err
    assert ("cause:" in out.out) if code == 0 else ("collect next:" in out.out)
