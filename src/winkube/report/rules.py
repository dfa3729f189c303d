"""`winkube rules` (one line per rule) and `winkube explain RULE` (everything a rule says about itself)."""
from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Iterable, TextIO

from ..k8s.stages import stage_rank
from ..model.finding import Severity, Stage

if TYPE_CHECKING:
    from ..rules.base import Rule

# What each stage means to a user; shared with the generated docs (winkube.docs).
STAGE_TEXT = {
    Stage.ADMISSION: "the API server rejects the object",
    Stage.SCHEDULING: "the pod lands on the wrong nodes, or on none",
    Stage.KUBELET: "the node refuses the pod",
    Stage.RUNTIME: "the container fails to start or misbehaves",
    Stage.IGNORED: "accepted, but silently without effect on Windows",
    Stage.PRACTICE: "works today, but fragile or against upstream guidance",
}
WIDTH = 88


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Rules in the order they bite (stage), then by id."""
    return sorted(rules, key=lambda r: (stage_rank(r.stage), r.id))


def list_rules(rules: dict[str, Rule], out: TextIO) -> None:
    """One line per rule: id, stage, default severity, summary — aligned columns, by stage then id."""
    rs = ordered(rules.values())
    if not rs:
        return
    id_w = max(len(r.id) for r in rs)
    stage_w = max(len(str(r.stage)) for r in rs)
    sev_w = max(len(str(r.severity)) for r in rs)
    for r in rs:
        out.write(f"{r.id:<{id_w}}  {str(r.stage):<{stage_w}}  {str(r.severity):<{sev_w}}  {r.summary}".rstrip() + "\n")


def _wrap(text: str, indent: str = "  ") -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()] or [""]
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), WIDTH, initial_indent=indent, subsequent_indent=indent,
                      break_long_words=False, break_on_hyphens=False)
        for p in paragraphs
    )


def explain(rule: Rule, out: TextIO) -> None:
    """Every piece of metadata of one rule, for `winkube explain RULE`."""
    stage = Stage(rule.stage)
    out.write(f"{rule.id}: {rule.summary}\n\n")
    out.write(f"  stage:             {stage.value} ({STAGE_TEXT[stage]})\n")
    out.write(f"  default severity:  {Severity(rule.severity).value}\n")
    out.write(f"  applies to:        {rule.scope}\n")
    if rule.module:
        out.write(f"  defined in:        {rule.module}\n")
    out.write("\nWhy:\n")
    out.write(_wrap(rule.explanation) + "\n")
    out.write("\nFix:\n")
    out.write(_wrap(rule.fix) + "\n")
    out.write("\nSource:\n")
    out.write(_wrap(rule.source) + "\n")


def unknown_rule_message(rule_id: str, rules: Iterable[str]) -> str:
    """`unknown rule 'x'` with the closest known ids, for `winkube explain` and config errors."""
    import difflib

    close = difflib.get_close_matches(rule_id, list(rules), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "; `winkube rules` lists them"
    return f"unknown rule {rule_id!r}{hint}"


def rule_dict(r: Rule) -> dict:
    return {"id": r.id, "stage": Stage(r.stage).value, "severity": Severity(r.severity).value, "scope": r.scope,
            "summary": r.summary, "explanation": r.explanation, "fix": r.fix, "source": r.source}


def _text(rules: dict, out: TextIO, *, color: bool = False) -> None:
    list_rules(rules, out)


def _document(rules: dict) -> dict:
    return {"rules": [rule_dict(r) for r in ordered(rules.values())]}


def _reporter():
    from .registry import Reporter
    return Reporter("RuleList", _document, {"text": _text})


RULES = _reporter()
