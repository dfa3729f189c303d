"""Failures happening now: match a real error message (pod status, Event, kubelet or containerd log)
against the Windows failure catalogue (knowledge/failures.yaml, E1–E41) and say its cause and fix.

    >>> [m.entry.id for m in match('hcsshim::CreateComputeSystem abc: The container operating '
    ...                            'system does not match the host operating system.')]
    ['E2']
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import TextIO

from .model.finding import Stage

__all__ = ["FailureEntry", "Match", "catalogue", "match", "explain_message"]


@dataclass(frozen=True, slots=True)
class FailureEntry:
    id: str
    title: str
    pattern: re.Pattern
    stage: Stage
    cause: str
    fix: str
    source: str
    exact: bool = True  # False: the pattern matches an observable symptom, not a recorded message


@dataclass(frozen=True, slots=True)
class Match:
    entry: FailureEntry
    message: str  # the whole message that was matched
    span: tuple[int, int]  # where the pattern matched in it

    @property
    def matched_text(self) -> str:
        return self.message[self.span[0]:self.span[1]]


@lru_cache(maxsize=1)
def catalogue() -> tuple[FailureEntry, ...]:
    """Every catalogue entry, in id order (loaded and compiled once)."""
    from .knowledge import load

    out = []
    for row in load("failures")["entries"]:
        out.append(FailureEntry(
            id=row["id"], title=row["title"], pattern=re.compile(row["pattern"], re.IGNORECASE),
            stage=Stage(row["stage"]), cause=" ".join(str(row["cause"]).split()), fix=" ".join(str(row["fix"]).split()),
            source=row["source"], exact=row.get("exact", True),
        ))
    return tuple(out)


def match(message: str) -> list[Match]:
    """Catalogue entries whose pattern occurs in message, most specific first (entries matching a
    recorded message before symptom patterns, then the longest matched text)."""
    if not message:
        return []
    hits = []
    for entry in catalogue():
        m = entry.pattern.search(message)
        if m:
            hits.append(Match(entry, message, m.span()))
    hits.sort(key=lambda h: (not h.entry.exact, -(h.span[1] - h.span[0]), int(h.entry.id[1:])))
    return hits


def _wrap(label: str, text: str, width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=f"  {label:<8}", subsequent_indent=" " * 10)


def explain_message(text: str, out: TextIO) -> bool:
    """Print cause and fix for every catalogue entry the pasted message matches; False if none."""
    hits = match(text)
    if not hits:
        return False
    for i, h in enumerate(hits):
        if i:
            out.write("\n")
        e = h.entry
        out.write(f"{e.id}  {e.title}  [stage: {e.stage.value}]\n")
        out.write(f"  matched: {h.matched_text!r}" + ("" if e.exact else " (symptom, not an exact message)") + "\n")
        out.write(_wrap("cause:", e.cause) + "\n")
        out.write(_wrap("fix:", e.fix) + "\n")
        out.write(_wrap("source:", e.source) + "\n")
    return True
