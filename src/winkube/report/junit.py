"""JUnit XML output for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines).

    <testsuites name="winkube" tests=".." failures=".." errors="..">
      <testsuite name="deploy.yaml" ...>                       one per file
        <testcase classname="deploy.yaml" name="Deployment ns/web">   one per object with findings
          <failure type="error" message="rule-id spec.path">message&#10;fix: ...</failure>   one per finding
        </testcase>
        <testcase classname="deploy.yaml" name="input error (line 4)">
          <error type="InputError" message="...">deploy.yaml:4: ...</error>
        </testcase>

A run without findings or errors is one passing testcase, so CI shows the check ran.

Text that XML 1.0 cannot carry at all (control characters, lone surrogates) is written as visible
escapes; the document is ASCII with character references, so any consumer can read it.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, TextIO

from ..model.finding import Finding, InputError, Result, Severity
from . import sorted_errors, sorted_findings

if TYPE_CHECKING:
    from ..rules.base import Rule

# Characters outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(s: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", s)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(str(v)) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _object_name(f: Finding) -> str:
    return str(f.object) if f.object is not None else "(document)"


def _location(f: Finding) -> str:
    if f.file is None:
        return ""
    if f.line is None:
        return f.file
    return f"{f.file}:{f.line}" + (f":{f.column}" if f.column is not None else "")


def to_element(result: Result) -> ET.Element:
    suites: dict[str, dict[str, list]] = {}  # file -> {"objects": {name: [findings]}, "errors": [...]}
    for f in sorted_findings(result.findings):
        file = f.file if f.file is not None else "(cluster)"
        suite = suites.setdefault(file, {"objects": {}, "errors": []})
        suite["objects"].setdefault(_object_name(f), []).append(f)
    for e in sorted_errors(result.errors):
        suites.setdefault(e.file, {"objects": {}, "errors": []})["errors"].append(e)

    root = ET.Element("testsuites")
    total_tests = total_failures = total_errors = 0
    for file in sorted(suites):
        objects: dict[str, list[Finding]] = suites[file]["objects"]
        errors: list[InputError] = suites[file]["errors"]
        failures = sum(len(fs) for fs in objects.values())
        tests = len(objects) + len(errors)
        suite = _el(root, "testsuite", name=file, tests=tests, failures=failures, errors=len(errors), skipped=0)
        for e in errors:
            name = "input error" if e.line is None else f"input error (line {e.line})"
            case = _el(suite, "testcase", classname=file, name=name)
            where = e.file if e.line is None else f"{e.file}:{e.line}"
            _el(case, "error", f"{where}: {e.message}", type="InputError", message=e.message)
        for obj_name, findings in objects.items():
            case = _el(suite, "testcase", classname=file, name=obj_name)
            for f in findings:
                body = f.message + (f"\nfix: {f.fix}" if f.fix else "")
                loc = _location(f)
                if loc:
                    body = f"{loc}: {body}"
                _el(case, "failure", body, type=Severity(f.severity).value,
                    message=f"{f.rule} {f.path_str}".strip())
        total_tests += tests
        total_failures += failures
        total_errors += len(errors)

    if not suites:
        suite = _el(root, "testsuite", name="winkube", tests=1, failures=0, errors=0, skipped=0)
        _el(suite, "testcase", classname="winkube",
            name=f"lint: {result.files} files, {result.documents} documents, {result.objects} objects")
        total_tests = 1
    root.set("name", "winkube")
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    return root


def render(result: Result, rules: dict[str, Rule], out: TextIO, *, color: bool = False) -> None:
    root = to_element(result)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="us-ascii").decode("ascii"))
    out.write("\n")
