"""What a rule is. One rule = one module with one `@rule(...)`-decorated check (yamllint's model):
reading a rule needs no other file, adding one means adding a file.

A check receives a context (`PodContext` for scope "pod", the object's `DocContext` for the other
scopes) and yields `Hit`s; the engine turns hits into `Finding`s with the rule's metadata, the
object, and — only for what is reported — file, line and column.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Callable, Iterable

from ..model.finding import Severity, Stage
from ..model.paths import Path

SCOPES = ("object", "pod", "node", "runtimeclass", "kubeletconfig")  # "object": every object, before the others


@dataclass(slots=True)
class Hit:
    path: Path
    message: str
    fix: str | None = None  # overrides the rule's default fix when the hit knows better
    error_type: str | None = None  # admission stage only: the API server's field.ErrorType name
    severity: Severity | None = None  # overrides the rule's default severity for this hit


@dataclass(frozen=True, slots=True)
class Rule:
    id: str  # stable slug, e.g. "windows-forbidden-field"
    stage: Stage
    severity: Severity
    scope: str
    summary: str  # one line: what is wrong
    explanation: str  # why it matters on Windows, in a few sentences
    fix: str  # the default fix
    source: str  # the public source the rule rests on
    check: Callable[..., Iterable[Hit]]
    module: str = ""
    # A cheap precondition shared by a family (e.g. "the pod is bound for Windows"): the engine
    # evaluates each distinct one once per object and skips the rules whose precondition is false.
    applies: Callable[..., bool] | None = None
    # Executable examples (as ruff's rule docs have): a manifest the rule reports and one it does
    # not. docs/rules.md shows them; tests/rules/test_rule_examples.py runs them, one test per rule
    # id. Node / RuntimeClass objects in an example shape its profile, as on the command line.
    fails: str = ""
    passes: str = ""
    no_example: str = ""  # why no offline manifest can trigger it (then fails/passes stay empty)


_REGISTRY: dict[str, Rule] = {}


def rule(*, id: str, stage: Stage, severity: Severity, scope: str, summary: str, explanation: str,
         fix: str, source: str, applies: Callable[..., bool] | None = None, fails: str = "", passes: str = "",
         no_example: str = ""):
    """Register the decorated check function as a rule (applies: see Rule.applies; fails / passes:
    example manifests the rule reports / does not report)."""
    if scope not in SCOPES:
        raise ValueError(f"rule {id}: unknown scope {scope!r}")

    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if id in _REGISTRY and _REGISTRY[id].module != check.__module__:
            raise ValueError(f"rule id {id!r} is registered twice ({_REGISTRY[id].module}, {check.__module__})")
        _REGISTRY[id] = Rule(id, stage, severity, scope, summary.strip(), " ".join(explanation.split()),
                             " ".join(fix.split()), source.strip(), check, check.__module__, applies,
                             textwrap.dedent(fails).strip("\n"), textwrap.dedent(passes).strip("\n"), " ".join(no_example.split()))
        return check

    return register


def registry() -> dict[str, Rule]:
    return _REGISTRY
