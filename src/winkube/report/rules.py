"""`winkube rules` (one line per rule) and `winkube explain RULE` (everything a rule says about itself)."""
from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Iterable, TextIO

from ..config import unknown_rule_message  # noqa: F401 - re-exported for explain and its callers
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


# Where docs/rules.md is published: every rule's SARIF helpUri is this plus "#" + rule_anchor(id).
RULES_DOC_URL = "https://github.com/winkube/winkube/blob/main/docs/rules.md"


def rule_anchor(rule_id: str) -> str:
    """The heading anchor GitHub gives `### rule-id` in docs/rules.md: lower case, spaces to dashes,
    punctuation other than - and _ dropped. Rule ids are slugs, so the anchor is the id itself."""
    return "".join(c for c in rule_id.lower().replace(" ", "-") if c.isalnum() or c in "-_")


def rule_help_uri(rule_id: str) -> str:
    return f"{RULES_DOC_URL}#{rule_anchor(rule_id)}"


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
