"""SARIF 2.1.0 output (one run), for GitHub code scanning and other SARIF consumers.

- `tool.driver.rules` describes every known rule (plus any rule id a finding names that the rule
  table lacks); results point into it with `ruleIndex`.
- A finding's file becomes `artifactLocation.uri`: a relative path as given (percent-encoded, `/`
  separators), an absolute one as a `file://` URI, stdin as `stdin`; `region` is omitted when the
  position is unknown. The API server's field path is the result's logical location.
- Input errors are `invocations[0].toolExecutionNotifications`.

Validated against the OASIS schema (draft-04) in tests/report/test_sarif_reporter.py.
"""
from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..model.finding import Finding, InputError, Result, Severity, Stage
from . import object_dict, sorted_errors, sorted_findings

if TYPE_CHECKING:
    from ..rules.base import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
STDIN_NAMES = {"-", "<stdin>", "stdin"}
_URL = re.compile(r"https?://[^\s<>\"]+")


def artifact_uri(file: str) -> str:
    """A file name as a SARIF artifact URI (RFC 3986 reference)."""
    if file in STDIN_NAMES:
        return "stdin"
    path = file.replace("\\", "/") if os.sep == "\\" or re.match(r"[A-Za-z]:\\", file) else file
    if re.match(r"[A-Za-z]:/", path):  # Windows absolute: file:///C:/dir/x.yaml
        return "file:///" + path[:2] + quote(path[2:], safe="/")
    if path.startswith("/"):
        return "file://" + quote(path, safe="/")
    return quote(path, safe="/")


def _rule_name(rule_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_.]", rule_id) if part)


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    desc: dict[str, Any] = {
        "id": rule.id,
        "name": _rule_name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {
            "text": f"{rule.explanation}\n\nFix: {rule.fix}\n\nSource: {rule.source}",
            "markdown": f"{rule.explanation}\n\n**Fix:** {rule.fix}\n\n**Source:** {rule.source}",
        },
        "defaultConfiguration": {"level": LEVELS[Severity(rule.severity)]},
        "properties": {"stage": Stage(rule.stage).value, "scope": rule.scope, "tags": ["windows", Stage(rule.stage).value]},
    }
    url = _URL.search(rule.source)
    if url:
        desc["helpUri"] = url.group(0).rstrip(".,;)")
    return desc


def _region(line: int | None, column: int | None) -> dict[str, int] | None:
    if line is None or line < 1:
        return None
    region = {"startLine": line}
    if column is not None and column >= 1:
        region["startColumn"] = column
    return region


def _physical(file: str, line: int | None, column: int | None) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    region = _region(line, column)
    if region:
        phys["region"] = region
    return phys


def result_dict(f: Finding, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if f.file is not None:
        location["physicalLocation"] = _physical(f.file, f.line, f.column)
    if f.path:
        location["logicalLocations"] = [{"fullyQualifiedName": f.path_str}]
    obj = f.object
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[Severity(f.severity)],
        "message": {"text": f.message},
        "properties": {
            "stage": Stage(f.stage).value,
            "errorType": f.error_type,
            "object": object_dict(obj),
            "fix": f.fix or "",
        },
    }
    if location:
        res["locations"] = [location]
    return res


def notification_dict(e: InputError) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": e.message},
        "locations": [{"physicalLocation": _physical(e.file, e.line, None)}],
        "descriptor": {"id": "input-error"},
    }


def to_dict(result: Result, rules: dict[str, Rule]) -> dict[str, Any]:
    descriptors = [rule_descriptor(r) for r in rules.values()]
    index = {r.id: i for i, r in enumerate(rules.values())}
    findings = sorted_findings(result.findings)
    for f in findings:  # a finding from a rule the table lacks still needs a descriptor
        if f.rule not in index:
            index[f.rule] = len(descriptors)
            descriptors.append({"id": f.rule, "properties": {"stage": Stage(f.stage).value}})
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "winkube",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not result.errors,
                        "toolExecutionNotifications": [notification_dict(e) for e in sorted_errors(result.errors)],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": [result_dict(f, index[f.rule]) for f in findings],
            }
        ],
    }


def render(result: Result, rules: dict[str, Rule], out: TextIO, *, color: bool = False) -> None:
    json.dump(to_dict(result, rules), out, indent=2, ensure_ascii=True)
    out.write("\n")
