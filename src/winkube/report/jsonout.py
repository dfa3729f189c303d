"""Machine-readable output, format version 1 — documented in docs/json-output.md; keep them in step.

The shape is stable: every key is always present (null when unknown), findings are in one
deterministic order (file, line, column, rule, path), and counts list every severity and stage.
Output is ASCII (`\\uXXXX` escapes), so it survives any console encoding and input bytes cannot
reach a terminal unescaped.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)

from ..model.finding import Finding, InputError, Result, Severity, Stage
from . import counts_by_severity, counts_by_stage, object_dict, sorted_errors, sorted_findings
from .registry import envelope, write_json

if TYPE_CHECKING:
    from typing import Any, TextIO
    from ..rules.base import Rule

VERSION = 1
KIND = "LintReport"


def finding_dict(f: Finding) -> dict[str, Any]:
    obj = f.object
    return {
        "rule": f.rule,
        "stage": Stage(f.stage).value,
        "severity": Severity(f.severity).value,
        "errorType": f.error_type,
        "object": object_dict(obj),
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "path": f.path_str,
        "message": f.message,
        "fix": f.fix or "",
    }


def error_dict(e: InputError) -> dict[str, Any]:
    return {"file": e.file, "line": e.line, "message": e.message}


def to_dict(result: Result) -> dict[str, Any]:
    return {
        "version": VERSION,
        "findings": [finding_dict(f) for f in sorted_findings(result.findings)],
        "errors": [error_dict(e) for e in sorted_errors(result.errors)],
        "skipped": [{"file": file, "reason": reason} for file, reason in sorted(result.skipped)],
        "summary": {
            "files": result.files,
            "documents": result.documents,
            "objects": result.objects,
            "skipped": len(result.skipped),
            "findings": len(result.findings),
            "errors": len(result.errors),
            "bySeverity": counts_by_severity(result.findings),
            "byStage": counts_by_stage(result.findings),
        },
    }


def render(result: Result, rules: dict[str, Rule], out: TextIO, *, color: bool = False) -> None:
    write_json(envelope(KIND, to_dict(result)), out)
