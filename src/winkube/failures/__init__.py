"""Failures happening now: read a real error message (pod status, Event, kubelet or containerd log)
like an engineer — peel the wrappers, decode the Windows codes, match the catalogue, let what is
known about the pod and node choose between causes — and say the cause and the fix.

The catalogue is data: knowledge/failures.yaml (E1–E41, the reference's catalogue) and
knowledge/failures_<layer>.yaml (grown from public issue threads), one source on every row.

    >>> [m.entry.id for m in match('hcsshim::CreateComputeSystem abc: The container operating '
    ...                            'system does not match the host operating system.')][:1]
    ['E2']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..model.finding import Stage
from .calibrate import CODE_AGAINST, confidence, is_signature
from .codes import Code, decode, written_values
from .context import Facts, evaluate, facts_from_message
from .normalize import Unwrapped, unwrap

__all__ = ["FailureEntry", "Match", "Diagnosis", "catalogue", "match", "diagnose", "explain_message", "Facts"]

LAYERS = ("image", "sandbox", "hcs", "cni", "service", "dns", "csi", "storage", "gmsa", "hostprocess",
          "identity", "kubelet", "admission", "exit", "client", "platform")


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
    layer: str = ""
    diagnosis: str = ""  # what the failure is, independent of its wording (several entries may share it)
    also: tuple[re.Pattern, ...] = ()  # must all match as well
    unless: tuple[re.Pattern, ...] = ()  # none may match
    codes: frozenset[int] = frozenset()  # Windows codes that back this cause up
    phase: str = ""  # the phase the message names when it is this cause (sandbox, pull, exec, ...)
    not_phase: str = ""  # ... and a phase that speaks against it
    needs: tuple[str, ...] = ()  # context predicates that confirm it ("node_windows", "!image_build_matches_node")
    against: tuple[str, ...] = ()  # context predicates that rule it out
    example: str = ""  # one real message, verbatim, from the source
    prior: float = 0.0  # how often this cause is behind these words (a small tie-breaker)
    cap: str = ""  # "medium": the words alone cannot tell this cause from another …
    confirm: tuple[str, ...] = ()  # … unless one of these holds ("phase:start", a context predicate)
    literal: int = 0  # characters of plain text in the pattern (ties go to the more specific entry)
    example_context: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Match:
    entry: FailureEntry
    message: str  # the (unwrapped) text that was matched
    span: tuple[int, int]  # where the pattern matched in it
    score: float = 0.0
    because: tuple[str, ...] = ()  # the words and facts that decided, for people
    capped: bool = False  # the entry's words are ambiguous and nothing confirmed it: at most "medium"
    confirmed: str = ""  # why the pod, node, images or the message's own facts confirm it ("" if nothing does)
    signature: bool = False  # the matched words identify the cause, not just the layer (calibrate.py)

    @property
    def matched_text(self) -> str:
        return self.message[self.span[0]:self.span[1]]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    unwrapped: Unwrapped
    codes: tuple[Code, ...]
    candidates: tuple[Match, ...]  # best first
    confidence: str  # high / medium / low / none
    facts: Facts = field(default_factory=Facts)
    confidence_reason: str = ""  # why that confidence (calibrate.py)

    @property
    def top(self) -> Match | None:
        return self.candidates[0] if self.candidates else None


def _rx(p: str) -> re.Pattern:
    return re.compile(p, re.IGNORECASE)


def _entry(row: dict, layer: str) -> FailureEntry:
    ctx = row.get("context") or {}
    return FailureEntry(
        id=row["id"], title=row["title"], pattern=_rx(row["pattern"]), stage=Stage(row["stage"]),
        cause=" ".join(str(row["cause"]).split()), fix=" ".join(str(row["fix"]).split()), source=row["source"],
        exact=row.get("exact", True), layer=row.get("layer") or layer, diagnosis=row.get("diagnosis") or row["id"],
        also=tuple(_rx(p) for p in row.get("also") or ()), unless=tuple(_rx(p) for p in row.get("unless") or ()),
        codes=frozenset(int(str(c), 16) for c in row.get("codes") or ()), phase=row.get("phase") or "",
        not_phase=row.get("not_phase") or "", needs=tuple(ctx.get("needs") or ()), against=tuple(ctx.get("against") or ()),
        example=str(row.get("example") or ""), prior=float(row.get("prior") or 0.0),
        cap=row.get("cap") or "", confirm=tuple(row.get("confirm") or ()),
        example_context=dict(row.get("example_context") or {}),
        literal=len(re.sub(r"\\.|\(\?\w\)|[\[\](){}|?*+^$.\\]", "", row["pattern"])),
    )


def catalogue_files() -> list[str]:
    names = sorted(p.name[:-5] for p in resources.files("winkube.knowledge").iterdir()
                   if p.name.startswith("failures_") and p.name.endswith(".yaml"))
    return ["failures", *names]


@lru_cache(maxsize=1)
def catalogue() -> tuple[FailureEntry, ...]:
    """Every catalogue entry, in id order (loaded and compiled once)."""
    from ..knowledge import load

    out = []
    for name in catalogue_files():
        layer = name.split("_", 1)[1] if "_" in name else ""
        out.extend(_entry(row, layer) for row in load(name)["entries"])
    return tuple(sorted(out, key=lambda e: int(e.id[1:])))


# --------------------------------------------------------------------------------------- ranking

def _score(e: FailureEntry, u: Unwrapped, codes: set[int], written: frozenset[int], facts: Facts) -> Match | None:
    """0..1: how much of the message the entry's words explain (45 characters of matched text is a
    full sentence of a real message; a symptom pattern counts less), then evidence for and against.
    Context weighs more than words (+0.2 confirmed, -0.4 contradicted, -0.5 ruled out) because it
    is what tells apart the causes that print the same words."""
    # hcsshim's "extra info" (the process it tried to start) is peeled from the text but still evidence
    text = f"{u.text} extra info: {u.extra_text}" if u.extra_text else u.text
    m = e.pattern.search(text)
    if m is None:
        return None
    if any(p.search(text) for p in e.unless) or not all(p.search(text) for p in e.also):
        return None
    words = " ".join(m.group(0).split())
    spec = min(1.0, len(words) / 45)
    if e.codes and any(c.value in e.codes for c in decode(words)):
        spec = 1.0  # the words are a Windows status code this entry is about: nothing is more specific
    score = (0.30 + 0.45 * spec) if e.exact else (0.20 + 0.30 * spec)
    # ties go to the entry that matched more of the message, then to the more specific pattern
    score += 0.04 * len(e.also) + e.prior + 0.0003 * min(200, len(words)) + 0.0001 * min(200, e.literal)
    because = [f'"{words[:90]}{"…" if len(words) > 90 else ""}"']
    if e.codes & codes:
        score += 0.10
    elif e.codes and written and not e.codes & written:
        # the message names a Windows code and it is none of the ones this cause prints: the same
        # API failed for another reason (N006: hcnCreateLoadBalancer with 0x803b001c, not 0xe)
        score -= 0.25
        because.append(CODE_AGAINST)
    if e.phase and e.phase in u.phases:
        score += 0.10
        because.append(f"{e.phase} phase")
    if e.not_phase and e.not_phase in u.phases:
        score -= 0.30
    confirmed = ""
    for spec_ in e.needs:
        val, why = evaluate(spec_, facts, u)
        if val is True:
            score += 0.20
            because.append(why)
            confirmed = confirmed or why
        elif val is False:
            score -= 0.40
            because.append(f"but {why}")
    for spec_ in e.against:
        val, why = evaluate(spec_, facts, u)
        if val is True:
            score -= 0.50
            because.append(f"but {why}")
    capped = False
    if e.cap:
        held = [(c, w) for c in e.confirm if (w := _holds(c, u, facts))]
        capped = not held
        confirmed = confirmed or next((w for c, w in held if not c.startswith("phase:")), "")
        for _, why in held[:1]:
            if why not in because:
                because.append(why)
    return Match(e, text, m.span(), round(max(0.0, min(1.0, score)), 3), tuple(because), capped,
                 confirmed, is_signature(words, e.literal, e.codes))


def _holds(cond: str, u: Unwrapped, facts: Facts) -> str:
    """Why cond holds ("" when it does not)."""
    if cond.startswith("phase:"):
        return f"{cond[6:]} phase" if cond[6:] in u.phases else ""
    val, why = evaluate(cond, facts, u)
    return why if val is True else ""


def diagnose(message: str, facts: Facts | None = None) -> Diagnosis:
    """Rank the catalogue against message; facts (pod, images, node) choose between causes."""
    u = unwrap(message or "")
    codes = tuple(decode(u.raw))
    f = facts_from_message(u)
    if facts is not None:
        f = f.merged(facts)
    if not u.text:
        return Diagnosis(u, codes, (), "none", f, "the message is empty")
    values = {c.value for c in codes} | {c.value & 0xFFFF for c in codes if c.via}
    written = written_values(u.raw)
    hits = [m for e in catalogue() if (m := _score(e, u, values, written, f)) is not None]
    hits.sort(key=lambda h: (-h.score, not h.entry.exact, int(h.entry.id[1:])))
    ranked = [h for h in hits if h.score > 0.05]  # ruled out by the context: not shown
    level, why = confidence(ranked)
    return Diagnosis(u, codes, tuple(ranked), level, f, why)


def match(message: str, facts: Facts | None = None) -> list[Match]:
    """Catalogue entries the message matches, best first."""
    if not message:
        return []
    return list(diagnose(message, facts).candidates)


def explain_message(text: str, out, facts: Facts | None = None, *, limit: int = 3) -> bool:
    """Print the ranked causes (or, with none, the decoded codes and what to collect); False if no
    catalogue entry matched."""
    from .render import render
    d = diagnose(text, facts)
    render(d, out, limit=limit)
    return bool(d.candidates)
