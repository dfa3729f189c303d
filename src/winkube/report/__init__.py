"""Reporters: one module per output format, each with
`render(result, rules, out, *, color=False) -> None`.

`REPORTERS` maps a format name to its render function. The format modules are imported only when
a format is rendered, so `import winkube.report` stays cheap for a linter that runs in a
pre-commit hook.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)

from ..ansi import use_color  # re-exported: the --color of every front door
from ..model.finding import Finding, InputError, Result, Severity, Stage

if TYPE_CHECKING:
    from typing import TextIO
    from ..rules.base import Rule

__all__ = ["FORMATS", "REPORTERS", "render", "sorted_errors", "sorted_findings", "counts_by_severity",
           "counts_by_stage", "use_color"]

RenderFn = Callable[..., None]

# format name -> module under winkube.report
_MODULES = {
    "text": "text",
    "json": "jsonout",
    "sarif": "sarif",
    "junit": "junit",
}
FORMATS = tuple(_MODULES)


def _lazy(module: str) -> RenderFn:
    def render_format(result: Result, rules: dict[str, Rule], out: TextIO, *, color: bool = False) -> None:
        mod = importlib.import_module(f"{__name__}.{module}")
        mod.render(result, rules, out, color=color)

    render_format.__name__ = f"render_{module}"
    render_format.__qualname__ = render_format.__name__
    return render_format


REPORTERS: dict[str, RenderFn] = {name: _lazy(module) for name, module in _MODULES.items()}


def render(fmt: str, result: Result, rules: dict[str, Rule], out: TextIO, color: bool = False) -> None:
    """Write `result` to `out` in format `fmt` (one of FORMATS); ValueError for an unknown format."""
    try:
        reporter = REPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None
    reporter(result, rules, out, color=color)


# ---- helpers shared by the reporters -------------------------------------------------------------


def finding_key(f: Finding) -> tuple:
    """The one deterministic order of every reporter: file, line, column, rule, path.

    Findings without a file (objects from a live cluster) sort after those with one, by object.
    Unknown line/column sort before known ones within a file.
    """
    obj = f.object
    objkey = (obj.kind or "", obj.namespace or "", obj.name or "") if obj else ("", "", "")
    return (f.file is None, f.file or "", f.line or 0, f.column or 0, f.rule, f.path_str, objkey, f.message)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_key)


def sorted_errors(errors: Iterable[InputError]) -> list[InputError]:
    return sorted(errors, key=lambda e: (e.file, e.line or 0, e.message))


def counts_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Every severity, most severe first, with 0 for those absent (a stable shape for JSON)."""
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[_SEVERITY.get(f.severity) or Severity(f.severity).value] += 1
    return counts


def counts_by_stage(findings: Iterable[Finding]) -> dict[str, int]:
    """Every stage in the order it bites, with 0 for those absent."""
    counts = {s.value: 0 for s in Stage}
    for f in findings:
        counts[_STAGE.get(f.stage) or Stage(f.stage).value] += 1
    return counts


# value of a Severity / Stage or of its text, without an Enum call per finding (a str Enum member
# hashes and compares as its value)
_SEVERITY = {s: s.value for s in Severity}
_STAGE = {s: s.value for s in Stage}


def object_dict(obj) -> dict:
    """The finding's object as JSON and SARIF both write it (every key present, None when unknown)."""
    return {"apiVersion": obj.api_version if obj else None, "kind": obj.kind if obj else None,
            "namespace": obj.namespace if obj else None, "name": obj.name if obj else None}
