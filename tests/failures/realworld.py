"""The real messages collected from public issue threads (tests/data/failure_messages.yaml) and
the held-out fifth drawn before any matcher was written."""
from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "failure_messages.yaml"


@lru_cache(maxsize=1)
def data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def heldout_ids() -> list[str]:
    return list(data()["split"]["heldout"])


def heldout_messages() -> list[dict]:
    held = set(heldout_ids())
    return [m for m in data()["messages"] if m["id"] in held]


def tuning_messages() -> list[dict]:
    held = set(heldout_ids())
    return [m for m in data()["messages"] if m["id"] not in held]


def redraw() -> list[str]:
    """The draw as it was made: a seeded sample of a fifth of the ids, in file order."""
    ids = [m["id"] for m in data()["messages"]]
    return sorted(random.Random(data()["split"]["seed"]).sample(ids, len(ids) // 5))
