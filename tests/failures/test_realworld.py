"""Real failure messages users pasted into public issue threads (tests/data/failure_messages.yaml),
run through `winkube explain`'s diagnosis. A fifth was drawn at random and set aside before any
matcher was written; it is never tuned on. Its score is reported (`pytest -s` prints it) and held
to what the one run measured, so a change that makes it worse fails."""
from __future__ import annotations

import pytest

from winkube.failures import diagnose

from .realworld import data, heldout_ids, heldout_messages, redraw, tuning_messages


def _score(messages):
    right, wrong, none, wrong_high = [], [], [], []
    for m in messages:
        d = diagnose(m["message"])
        if d.top is None:
            none.append(m["id"])
        elif d.top.entry.diagnosis == m["diagnosis"]:
            right.append(m["id"])
        else:
            wrong.append(m["id"])
            if d.confidence == "high":
                wrong_high.append(m["id"])
    return right, wrong, none, wrong_high


def test_the_held_out_fifth_is_the_seeded_draw():
    assert heldout_ids() == redraw()
    assert len(heldout_ids()) == len(data()["messages"]) // 5
    for m in data()["messages"]:
        assert m["message"].strip() and m["diagnosis"] and m["source"].startswith("https://github.com/"), m["id"]


def test_tuning_messages():
    msgs = tuning_messages()
    right, wrong, none, wrong_high = _score(msgs)
    print(f"\ntuning set: {len(right)}/{len(msgs)} right, {len(wrong)} wrong {wrong}, {len(none)} no match {none}")
    assert len(right) >= 75, (wrong, none)
    assert wrong_high == []


def test_held_out_messages(capsys):
    msgs = heldout_messages()
    contaminated = set(data()["split"]["contaminated"])
    clean = [m for m in msgs if m["id"] not in contaminated]
    right, wrong, none, wrong_high = _score(msgs)
    c_right, c_wrong, c_none, c_wrong_high = _score(clean)
    with capsys.disabled():
        print(f"\nheld-out fifth: {len(right)}/{len(msgs)} right, {len(wrong)} wrong {wrong} "
              f"(high confidence: {wrong_high}), {len(none)} no match {none}")
        print(f"held-out, without the {len(contaminated)} contaminated: {len(c_right)}/{len(clean)} right, "
              f"{len(c_wrong)} wrong, {len(c_none)} no match")
    # what the single held-out run measured (commit 47b4765): never worse
    assert len(right) >= 12 and len(c_right) >= 10
    assert c_wrong_high == []  # a wrong diagnosis is never stated with high confidence on the clean held-out set
    assert set(wrong_high) <= {"M084"}  # the one known case (see the data file's note); no new ones


@pytest.mark.parametrize("m", data()["messages"], ids=[m["id"] for m in data()["messages"]])
def test_every_real_message_goes_through_explain(m, capsys):
    """Every collected message reaches the command line without a traceback, and either names a
    cause or says what to collect next."""
    from winkube.cli import main
    code = main(["explain", m["message"]])
    out = capsys.readouterr()
    assert code in (0, 2) and "Traceback" not in out.err
    assert ("cause:" in out.out) if code == 0 else ("collect next:" in out.out)
