"""What a rule is. One rule = one module with one `@rule(...)`-decorated check (yamllint's model):
reading a rule needs no other file, adding one means adding a file.

A check receives a context (`PodContext` for scope "pod", the object's `DocContext` for the other
scopes) and yields `Hit`s; the engine turns hits into `Finding`s with the rule's metadata, the
object, and — only for what is reported — file, line and column.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model.finding import Severity, Stage
from ..model.paths import Path
from ..record import FrozenRecord, Record

SCOPES = ("object", "pod", "node", "runtimeclass", "kubeletconfig")  # "object": every object, before the others


class Hit(Record):
    __slots__ = ("path", "message", "fix", "error_type", "severity")

    def __init__(self, path: Path, message: str, fix: str | None = None, error_type: str | None = None,
                 severity: Severity | None = None):
        self.path, self.message = path, message
        self.fix = fix  # overrides the rule's default fix when the hit knows better
        self.error_type = error_type  # admission stage only: the API server's field.ErrorType name
        self.severity = severity  # overrides the rule's default severity for this hit


class Rule(FrozenRecord):
    __slots__ = ("id", "stage", "severity", "scope", "summary", "explanation", "fix", "source", "check", "module", "applies",
                 "fails", "passes", "no_example", "per_targeting")

    def __init__(self, id: str, stage: Stage, severity: Severity, scope: str, summary: str, explanation: str, fix: str,
                 source: str, check: Callable[..., Iterable[Hit]], module: str = "", applies: Callable[..., bool] | None = None,
                 fails: str = "", passes: str = "", no_example: str = "", per_targeting: bool = False):
        values = {
            "id": id,  # stable slug, e.g. "windows-forbidden-field"
            "stage": stage, "severity": severity, "scope": scope,
            "summary": summary,  # one line: what is wrong
            "explanation": explanation,  # why it matters on Windows, in a few sentences
            "fix": fix,  # the default fix
            "source": source,  # the public source the rule rests on
            "check": check, "module": module,
            # A cheap precondition shared by a family (e.g. "the pod is bound for Windows"): the engine
            # evaluates each distinct one once per object and skips the rules whose precondition is false.
            "applies": applies,
            # Executable examples (as ruff's rule docs have): a manifest the rule reports and one it does
            # not. docs/rules.md shows them; tests/rules/test_rule_examples.py runs them, one test per rule
            # id. Node / RuntimeClass objects in an example shape its profile, as on the command line.
            "fails": fails, "passes": passes,
            "no_example": no_example,  # why no offline manifest can trigger it (then fails/passes stay empty)
            # A pod rule whose check reads only ctx.targeting, ctx.profile, ctx.kube_version, ctx.images and
            # what the targeting memo key holds of the pod (its kind, paths, nodeName, tolerations, the
            # scheduling fields, containers' images): pods that share a Targeting (targeting.resolve's memo)
            # get the same hits, so the engine runs the check once per Targeting and release.
            "per_targeting": per_targeting,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)


_REGISTRY: dict[str, Rule] = {}


def rule(*, id: str, stage: Stage, severity: Severity, scope: str, summary: str, explanation: str,
         fix: str, source: str, applies: Callable[..., bool] | None = None, fails: str = "", passes: str = "",
         no_example: str = "", per_targeting: bool = False):
    """Register the decorated check function as a rule (applies, per_targeting: see Rule; fails / passes:
    example manifests the rule reports / does not report)."""
    if scope not in SCOPES:
        raise ValueError(f"rule {id}: unknown scope {scope!r}")

    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if id in _REGISTRY and _REGISTRY[id].module != check.__module__:
            raise ValueError(f"rule id {id!r} is registered twice ({_REGISTRY[id].module}, {check.__module__})")
        _REGISTRY[id] = Rule(id, stage, severity, scope, summary.strip(), " ".join(explanation.split()),
                             " ".join(fix.split()), source.strip(), check, check.__module__, applies,
                             _dedent(fails), _dedent(passes), " ".join(no_example.split()), per_targeting)
        return check

    return register


def _dedent(text: str) -> str:
    """textwrap.dedent(text).strip("\\n") for the example manifests (which hold no tabs), without
    importing textwrap and its regexes on every run."""
    lines = text.strip("\n").split("\n")
    margin = min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), default=0)
    return "\n".join(line[margin:] if line.strip() else "" for line in lines).strip("\n")


def registry() -> dict[str, Rule]:
    return _REGISTRY
