"""SARIF 2.1.0 output (one run), for GitHub code scanning and other SARIF consumers.

- `tool.driver.rules` describes every known rule (plus any rule id a finding names that the rule
  table lacks); results point into it with `ruleIndex`. Every rule's `helpUri` is its section of
  docs/rules.md (a stable anchor: the rule id).
- A finding's file becomes a URI relative to the repository root (the git work tree holding the
  working directory, else the working directory) with `uriBaseId: %SRCROOT%`, which
  `originalUriBaseIds` defines — what GitHub code scanning needs to place it in the repository. A
  file outside that root is an absolute `file://` URI; unnamed stdin is `stdin` (name it with
  `--stdin-filename`). `region` is omitted when the position is unknown. The API server's field
  path is the result's logical location.
- `partialFingerprints["winkube/v1"]` hashes the rule, the file, the object and the field path —
  not the line — so a finding keeps its identity (and its dismissal) when lines above it move.
- `automationDetails.id` is `winkube/`, the category code scanning keeps winkube's results under.
- Input errors are `invocations[0].toolExecutionNotifications`.

Validated against the OASIS schema (draft-04) in tests/report/test_sarif_reporter.py.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..model.finding import Finding, InputError, Result, Severity, Stage
from . import object_dict, sorted_errors, sorted_findings
from .rules import rule_help_uri

if TYPE_CHECKING:
    from ..rules.base import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
STDIN_NAMES = {"-", "<stdin>", "stdin"}
SRCROOT = "%SRCROOT%"
FINGERPRINT = "winkube/v1"


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


def source_root(start: str | None = None) -> str:
    """The repository root that URIs are relative to: git's work tree top, else the directory."""
    here = os.path.abspath(start or os.getcwd())
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True, text=True,
                             timeout=10, stdin=subprocess.DEVNULL)
        if top.returncode == 0 and top.stdout.strip():
            return os.path.abspath(top.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    return here


def artifact_location(file: str, root: str | None) -> dict[str, str]:
    """`{"uri", "uriBaseId"}` relative to root when the file is inside it, else an absolute URI."""
    if root is None or file in STDIN_NAMES:
        return {"uri": artifact_uri(file)}
    absolute = os.path.abspath(file)
    rel = os.path.relpath(absolute, root) if os.path.splitdrive(absolute)[0] == os.path.splitdrive(root)[0] else ".."
    if rel == ".." or rel.startswith(".." + os.sep):
        return {"uri": artifact_uri(absolute)}
    return {"uri": artifact_uri(rel.replace(os.sep, "/")), "uriBaseId": SRCROOT}


def root_uri(root: str) -> str:
    uri = artifact_uri(root.replace("\\", "/"))
    return uri if uri.endswith("/") else uri + "/"


def fingerprint(f: Finding, location: dict[str, str] | None) -> str:
    """Stable across line moves: rule, file, object identity and field path, never the position."""
    obj = object_dict(f.object)
    key = "\x1f".join([f.rule, (location or {}).get("uri", ""), obj["apiVersion"] or "", obj["kind"] or "",
                        obj["namespace"] or "", obj["name"] or "", f.path_str])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


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
        "helpUri": rule_help_uri(rule.id),
        "properties": {"stage": Stage(rule.stage).value, "scope": rule.scope, "tags": ["windows", Stage(rule.stage).value]},
    }
    return desc


def _region(line: int | None, column: int | None) -> dict[str, int] | None:
    if line is None or line < 1:
        return None
    region = {"startLine": line}
    if column is not None and column >= 1:
        region["startColumn"] = column
    return region


def _physical(file: str, line: int | None, column: int | None, root: str | None = None) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": artifact_location(file, root)}
    region = _region(line, column)
    if region:
        phys["region"] = region
    return phys


def result_dict(f: Finding, rule_index: int, root: str | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if f.file is not None:
        location["physicalLocation"] = _physical(f.file, f.line, f.column, root)
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
    res["partialFingerprints"] = {FINGERPRINT: fingerprint(f, location.get("physicalLocation", {}).get("artifactLocation"))}
    return res


def notification_dict(e: InputError, root: str | None = None) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": e.message},
        "locations": [{"physicalLocation": _physical(e.file, e.line, None, root)}],
        "descriptor": {"id": "input-error"},
    }


def to_dict(result: Result, rules: dict[str, Rule], root: str | None = None) -> dict[str, Any]:
    """root: the directory URIs are relative to (default: source_root())."""
    root = os.path.abspath(root) if root is not None else source_root()
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
                        "toolExecutionNotifications": [notification_dict(e, root) for e in sorted_errors(result.errors)],
                    }
                ],
                "automationDetails": {"id": "winkube/"},
                "originalUriBaseIds": {SRCROOT: {"uri": root_uri(root)}},
                "columnKind": "unicodeCodePoints",
                "results": [result_dict(f, index[f.rule], root) for f in findings],
            }
        ],
    }


def render(result: Result, rules: dict[str, Rule], out: TextIO, *, color: bool = False) -> None:
    json.dump(to_dict(result, rules), out, indent=2, ensure_ascii=True)
    out.write("\n")
