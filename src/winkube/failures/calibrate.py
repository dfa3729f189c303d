"""How sure an answer is (docs/explain.md, "How sure"). A score says how well an entry's words fit;
it cannot by itself justify "high", because the same common words ("Access is denied", "no match
for platform in manifest", Windows' own text for a status code) are printed by several causes. So:

high   the best entry is not a symptom pattern and not capped, scores >= 0.75, leads every entry of
       another diagnosis by >= 0.20, AND either
       - its matched words are a *signature* of the cause: after Windows' standard error texts and
         the layers' wrapper vocabulary (hcsshim, CreateComputeSystem, hnsCall …) are removed, they
         still hold a technical token (an API/function name, constant, path, pipe, flag, label key)
         or a Windows code the entry lists, or a verbatim run of >= 30 characters of the entry's
         own literal text — and no entry of another diagnosis matched any of the same words; or
       - the pod, node or images (context, including image names and users the message names)
         confirmed it: a `needs` predicate held, or a `confirm` condition other than a phase.
medium score >= 0.5 and a lead of >= 0.08 over the best rival cause.
low    anything else that matched.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["CODE_AGAINST", "confidence", "is_signature", "reason"]

CODE_AGAINST = "but its Windows code is not one this cause prints"

# identifiers that say which layer failed, not why (every HCS/HNS failure prints them)
_WRAPPERS = frozenset(w.lower() for w in (
    "hcsshim", "hcs", "CreateComputeSystem", "CreateProcess", "CreateContainer", "ComputeSystem", "System",
    "hnsCall", "HNS", "HCN", "Win32", "RunPodSandbox", "CreatePodSandbox", "StartContainer", "ExecSync",
    "NetworkPlugin", "FailedCreatePodSandBox", "FailedMount", "MountVolume", "MountDevice", "SetUp",
    "ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff", "BackOff", "NotFound", "Unknown", "Internal"))

_TOKEN = re.compile(
    r"[A-Za-z_][\w.-]{2,}/[\w.-]{3,}|/\w[\w.-]*/[\w./-]+"  # label keys and paths: vpc.amazonaws.com/Private…, /run/flannel/…
    r"|[A-Za-z]:\\[\w\\. -]+|\\\\[.?]\\\w+"        # Windows paths and \\.\pipe\…
    r"|\b[\w-]+\.(?:exe|dll|json|conf|env|ps1|psm1|yaml|yml|log|sock)\b"
    r"|--[a-z][a-z0-9-]{3,}"                       # flags
    r"|\bpipe\W{1,6}[\w-]+"                          # named pipes as logs print them
    r"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"           # constants: RPC_S_SERVER_UNAVAILABLE, HCN_E_…
    r"|\b[a-z]+[A-Z]\w*\b|\b[A-Z][a-z0-9]+[A-Z]\w*\b|\b[A-Z]{2,}[a-z]\w*\b")  # hcnCreateNetwork, NewSmbGlobalMapping, HNSEndpoint


@lru_cache(maxsize=1)
def _code_texts() -> tuple[str, ...]:
    """Windows' standard texts for the codes in the table, longest first, without the final period."""
    from ..knowledge import load
    texts = {" ".join(str(r["text"]).split()).rstrip(".").lower() for r in load("windows_codes")["codes"]}
    return tuple(sorted((t for t in texts if len(t) >= 12), key=len, reverse=True))


def residual(words: str) -> str:
    """The matched words without Windows' standard error texts (which many causes print)."""
    low = " ".join(words.split()).lower()
    bare = low.strip(" .:;,'\"()")
    if len(bare) >= 12 and any(bare in t for t in _code_texts()):
        return ""  # the words are (part of) Windows' own text for a status
    for t in _code_texts():
        if t in low:
            i = low.index(t)
            words = words[:i] + " " + words[i + len(t):]
            low = low[:i] + " " + low[i + len(t):]
    return words


def is_signature(words: str, literal: int, listed_codes: frozenset[int]) -> bool:
    """Do the matched words identify the cause, not just the layer or a Windows status?"""
    from .codes import decode
    if listed_codes and any(c.value in listed_codes for c in decode(words)):
        return True
    rest = residual(words)
    if any(m.group(0).lower() not in _WRAPPERS for m in _TOKEN.finditer(rest)):
        return True
    letters = len(re.sub(r"[^A-Za-z]", "", rest))
    return literal >= 30 and letters >= 24


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _shares(top: tuple[int, int], other: tuple[int, int]) -> bool:
    """Another cause matched the same words: the spans overlap and the top's own words beyond the
    other's are fewer than 12 characters (a longer run of its own is what sets it apart)."""
    if not _overlaps(top, other):
        return False
    own = (top[1] - top[0]) - (min(top[1], other[1]) - max(top[0], other[0]))
    return own < 12


def confidence(ranked: list) -> tuple[str, str]:
    """(high / medium / low / none, why) for candidates ranked best first."""
    if not ranked:
        return "none", "no catalogue entry matched"
    top = ranked[0]
    rival = next((m for m in ranked[1:] if m.entry.diagnosis != top.entry.diagnosis), None)
    margin = top.score - (rival.score if rival else 0.0)
    # a symptom pattern (exact: false) describes what is seen, not a cause: it does not take words away
    shared = any(m.entry.diagnosis != top.entry.diagnosis and m.entry.exact and _shares(top.span, m.span)
                 for m in ranked[1:])
    if top.score >= 0.75 and margin >= 0.20 and not top.capped and top.entry.exact:
        if top.confirmed:
            return "high", f"confirmed: {top.confirmed}"
        if top.signature and not shared:
            return "high", "the message carries this cause's own signature"
    if top.score >= 0.5 and margin >= 0.08:
        return "medium", reason(top, rival, shared)
    return "low", reason(top, rival, shared)


def reason(top, rival, shared: bool) -> str:
    if shared:
        return f"the same words also fit {rival.entry.diagnosis if rival else 'another cause'}; nothing in the context decides"
    if not top.entry.exact:
        return "the words describe a symptom, not a recorded message"
    if CODE_AGAINST in top.because:
        return "the message's Windows code is not one this cause prints: the same call may have failed for another reason"
    if top.capped:
        return "these words are printed by more than one cause and nothing confirmed this one"
    if rival is not None and top.score - rival.score < 0.20:
        return f"a close rival cause: {rival.entry.diagnosis}"
    if not top.signature:
        return "only common words or Windows' standard error text matched; the context did not confirm it"
    return "the match explains too little of the message"
