"""A quick test that a text may match some catalogue entry, for audit's stream of statuses and
Events (most of them clean). Each pattern's top-level alternatives are reduced to their longest
plain-text run (an "anchor"); a text can only match if it contains one of them. Patterns without a
usable anchor are searched as they are. One combined regex of all patterns was 1 ms per text."""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["anchors", "may_match"]

_META = set(".^$|")


def _split_top(p: str) -> list[str]:
    out, depth, start, i, cls = [], 0, 0, 0, False
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            i += 2
            continue
        if cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(p[start:i])
            start = i + 1
        i += 1
    out.append(p[start:])
    return out


def _whole_group(alt: str) -> str | None:
    """The inside of alt when alt is one group "( … )" / "(?: … )" and nothing else."""
    if not (alt.startswith("(") and alt.endswith(")")) or alt.startswith(("(?<", "(?=", "(?!")):
        return None
    depth, i = 0, 0
    while i < len(alt):
        if alt[i] == "\\":
            i += 2
            continue
        depth += alt[i] == "("
        depth -= alt[i] == ")"
        if depth == 0 and i < len(alt) - 1:
            return None
        i += 1
    inner = alt[1:-1]
    return inner[2:] if inner.startswith("?:") else inner


def _longest_literal(alt: str) -> str:
    best, run, depth, i = "", "", 0, 0

    def flush():
        nonlocal best, run
        if len(run) > len(best):
            best = run
        run = ""

    while i < len(alt):
        ch = alt[i]
        if ch == "\\" and i + 1 < len(alt):
            nxt = alt[i + 1]
            if nxt.isalnum():  # \w \d \s \b \1 … are not plain text
                flush()
            elif depth == 0:
                run += nxt
            i += 2
            continue
        if ch == "[":
            flush()
            j = i + 1
            while j < len(alt) and alt[j] != "]":
                j += 2 if alt[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "(":
            flush()
            depth += 1
        elif ch == ")":
            depth -= 1
            flush()
        elif ch in "*?+{":
            run = run[:-1] if ch in "*?{" else run  # the quantified character is optional
            flush()
            if ch == "{":
                while i < len(alt) and alt[i] != "}":
                    i += 1
        elif ch in _META:
            flush()
        elif depth == 0:
            run += ch
        i += 1
    flush()
    return best


def anchors(pattern: str) -> tuple[str, ...] | None:
    """The lower-cased plain-text runs one of which every match contains, or None."""
    p = re.sub(r"^\(\?[a-z]+\)", "", pattern)
    out = []
    for alt in _split_top(p):
        inner = _whole_group(alt)
        if inner is not None:  # "(a|b)": the alternatives of the group
            sub = anchors(inner)
            if sub is None:
                return None
            out.extend(sub)
            continue
        lit = _longest_literal(alt).strip()
        if len(lit) < 5:
            return None
        out.append(lit.lower())
    return tuple(out)


@lru_cache(maxsize=1)
def _compiled():
    from . import catalogue
    lits: list[str] = []
    rest: list[re.Pattern] = []
    for e in catalogue():
        a = anchors(e.pattern.pattern)
        if a is None:
            rest.append(e.pattern)
        else:
            lits.extend(a)
    return tuple(dict.fromkeys(lits)), tuple(rest)


@lru_cache(maxsize=8192)
def may_match(text: str) -> bool:
    lits, rest = _compiled()
    low = " ".join(text.split()).lower()
    return any(a in low for a in lits) or any(p.search(text) for p in rest)
