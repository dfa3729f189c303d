"""Rules, one module each, grouped in one package per family:

- admission/   the API server's OS-dependent validation, replicated exactly (stage admission)
- semantics/   fields accepted but ignored or failing on Windows when spec.os is not set
- scheduling/  targeting: wrong OS, missing selectors, taints, RuntimeClasses, DaemonSets (incl. kubelet admission)
- images/      image OS and Windows build against the node pools a pod can land on (stage runtime)
- nodes/       Node objects: supported Windows versions, runtimes, labels, taints
- kubelet/     KubeletConfiguration options on Windows
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from ..model.finding import Severity, Stage
from ..record import FrozenRecord
from .base import Hit, Rule, registry, rule

__all__ = ["Hit", "Rule", "all_rules", "rule", "rule_ids", "scope_rules"]


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Import every rule module once, by the names in the generated index (no package walk);
    the registry then holds every rule, sorted by id."""
    from .index import RULES

    for module, *_ in RULES.values():
        importlib.import_module(module)
    return dict(sorted(registry().items()))


def scope_rules(scope: str) -> list[Rule]:
    """The rules of one scope ("object", "pod", "node", ...), sorted by id, importing only that
    scope's modules (by the generated index): a lint of Deployments never imports the Node rules."""
    from .index import SCOPES

    for module in SCOPES.get(scope, ()):
        importlib.import_module(module)
    return [r for _, r in sorted(registry().items()) if r.scope == scope]


def rules_on_disk() -> dict[str, Rule]:
    """Every rule module found by walking the package, imported: what the index is generated
    from (python -m winkube.docs --index) and checked against (tests/report/test_docs_sync.py)."""
    import pkgutil

    for info in pkgutil.walk_packages(__path__, prefix=__name__ + "."):
        importlib.import_module(info.name)
    return dict(sorted(registry().items()))


def rule_ids() -> tuple[str, ...]:
    """Every rule id, from the generated index (no rule module is imported)."""
    from .index import RULES

    return tuple(RULES)


class RuleInfo(FrozenRecord):
    """A rule's listing fields, straight from the generated index (no rule module imported)."""

    __slots__ = ("id", "module", "stage", "severity", "summary")

    def __init__(self, id: str, module: str, stage: Stage, severity: Severity, summary: str):
        for slot, value in zip(self.__slots__, (id, module, stage, severity, summary)):
            object.__setattr__(self, slot, value)


def rule_infos() -> dict[str, RuleInfo]:
    """Every rule's id, stage, severity and summary, for `winkube rules`, from the index."""
    from .index import RULES

    return {rid: RuleInfo(rid, module, Stage(stage), Severity(severity), summary)
            for rid, (module, stage, severity, summary) in RULES.items()}


def one_rule(rule_id: str) -> Rule | None:
    """One rule, importing only its own module (`winkube explain RULE`)."""
    from .index import RULES

    if rule_id not in RULES:
        return None
    importlib.import_module(RULES[rule_id][0])
    return registry().get(rule_id)
