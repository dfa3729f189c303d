"""What a rule is. One rule = one module with one `@rule(...)`-decorated check (yamllint's model):
reading a rule needs no other file, adding one means adding a file.

A check receives a context (`PodContext` for scope "pod", the object's `DocContext` for the other
scopes) and yields `Hit`s; the engine turns hits into `Finding`s with the rule's metadata, the
object, and — only for what is reported — file, line and column.
"""
from __future__ import annotations

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


_REGISTRY: dict[str, Rule] = {}


def rule(*, id: str, stage: Stage, severity: Severity, scope: str, summary: str, explanation: str,
         fix: str, source: str, applies: Callable[..., bool] | None = None):
    """Register the decorated check function as a rule (applies: see Rule.applies)."""
    if scope not in SCOPES:
        raise ValueError(f"rule {id}: unknown scope {scope!r}")

    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if id in _REGISTRY and _REGISTRY[id].module != check.__module__:
            raise ValueError(f"rule id {id!r} is registered twice ({_REGISTRY[id].module}, {check.__module__})")
        _REGISTRY[id] = Rule(id, stage, severity, scope, summary.strip(), " ".join(explanation.split()),
                             " ".join(fix.split()), source.strip(), check, check.__module__, applies)
        return check

    return register


def registry() -> dict[str, Rule]:
    return _REGISTRY
