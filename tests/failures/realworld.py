"""The real messages collected from public threads, in two sets, each with the fifth that was drawn
and set aside before it was tuned on:

- set 1, tests/data/failure_messages.yaml (98): its held-out fifth was run once (commit 47b4765) and is
  now spent — it may be tuned on, and is reported apart from set 1's tuning part;
- set 2, tests/data/failure_messages_2.yaml (55): its fifth was committed before any message was run
  (commit "held-out set 2 fixed before tuning") and is never tuned on."""
from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "failure_messages.yaml"
DATA_2 = DATA.with_name("failure_messages_2.yaml")
UNRESOLVED = "unresolved"  # the thread reached no diagnosis: a probe, never right or wrong


@lru_cache(maxsize=2)
def data(path: Path = DATA) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def heldout_ids(path: Path = DATA) -> list[str]:
    return list(data(path)["split"]["heldout"])


def heldout_messages(path: Path = DATA) -> list[dict]:
    held = set(heldout_ids(path))
    return [m for m in data(path)["messages"] if m["id"] in held]


def tuning_messages(path: Path = DATA) -> list[dict]:
    held = set(heldout_ids(path))
    return [m for m in data(path)["messages"] if m["id"] not in held]


def redraw(path: Path = DATA) -> list[str]:
    """The draw as it was made: a seeded sample of a fifth of the ids, sorted."""
    ids = [m["id"] for m in data(path)["messages"]]
    return sorted(random.Random(data(path)["split"]["seed"]).sample(ids, len(ids) // 5))


def all_messages() -> list[dict]:
    return data(DATA)["messages"] + data(DATA_2)["messages"]
