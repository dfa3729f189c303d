from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from reportdata import HOSTILE, make_rules
from winkube.model.finding import Finding, ObjectRef, Result, Severity, Stage
from winkube.report import junit


def render(result: Result) -> str:
    out = io.StringIO()
    junit.render(result, make_rules(), out)
    return out.getvalue()


def parse(result: Result) -> ET.Element:
    return ET.fromstring(render(result).encode("ascii"))


def test_structure_one_suite_per_file_one_case_per_object_one_failure_per_finding(result):
    extra = Finding(rule="run-as-user-ignored", stage=Stage.IGNORED, severity=Severity.INFO,
                    path=("spec", "template", "spec", "securityContext", "runAsUser"), message="ignored",
                    object=result.findings[0].object, file="deploy/frontend.yaml", line=30, column=9)
    result.findings.append(extra)
    root = parse(result)
    assert root.tag == "testsuites"
    assert root.attrib == {"name": "winkube", "tests": "4", "failures": "5", "errors": "1"}
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["(cluster)", "a.yaml", "broken.yaml", "deploy/frontend.yaml"]
    deploy = suites["deploy/frontend.yaml"]
    (case,) = deploy.findall("testcase")  # three findings, one object
    assert case.get("name") == "Deployment web/frontend"
    assert case.get("classname") == "deploy/frontend.yaml"
    failures = case.findall("failure")
    assert [f.get("message") for f in failures] == [
        "windows-forbidden-field spec.template.spec.containers[0].securityContext.privileged",
        "missing-os-selector spec.template.spec.nodeSelector[kubernetes.io/os]",
        "run-as-user-ignored spec.template.spec.securityContext.runAsUser",
    ]
    assert [f.get("type") for f in failures] == ["error", "warning", "info"]
    assert failures[0].text == ("deploy/frontend.yaml:12:11: privileged containers are not supported on Windows\n"
                                "fix: remove securityContext.privileged")
    assert deploy.attrib["tests"] == "1" and deploy.attrib["failures"] == "3" and deploy.attrib["errors"] == "0"


def test_input_errors_are_error_testcases(result):
    root = parse(result)
    (suite,) = [s for s in root.findall("testsuite") if s.get("name") == "broken.yaml"]
    (case,) = suite.findall("testcase")
    (error,) = case.findall("error")
    assert error.get("message") == "mapping values are not allowed here"
    assert error.text == "broken.yaml:4: mapping values are not allowed here"
    assert suite.get("errors") == "1" and suite.get("failures") == "0"


def test_hostile_strings_are_escaped_and_round_trip(hostile_result):
    raw = render(hostile_result)
    assert raw.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert "\x1b" not in raw and "\x00" not in raw and "\x07" not in raw
    root = ET.fromstring(raw.encode("ascii"))  # raises if not well-formed
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    visible = HOSTILE.replace("\x1b", "\\x1b")
    finding_suite = suites[f"dir/{visible}.yaml"]
    (case,) = finding_suite.findall("testcase")
    assert case.get("name") == f"Pod {visible}/{visible}"
    failure = case.find("failure")
    assert failure.get("message") == f"windows-forbidden-field metadata.annotations[{visible}]"
    assert f"bad value {visible}\nfix: remove {visible}" in failure.text
    error = suites[f"{visible}.yaml"].find("testcase/error")
    assert error.get("message") == f"cannot parse {visible}\\x00\\x07"


def test_non_ascii_and_surrogates_are_well_formed():
    f = Finding(rule="r", stage=Stage.RUNTIME, severity=Severity.ERROR, path=("metadata", "name"),
                message="名前 ü \udc80 \ufffe", file="dé.yaml", object=ObjectRef("v1", "Pod", None, "日本"))
    raw = render(Result(findings=[f]))
    assert raw.isascii()
    root = ET.fromstring(raw.encode("ascii"))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "Pod 日本"
    assert case.find("failure").text.endswith("名前 ü \\udc80 \\ufffe")


def test_clean_run_is_one_passing_testcase():
    root = parse(Result(files=2, documents=3, objects=3))
    assert root.attrib == {"name": "winkube", "tests": "1", "failures": "0", "errors": "0"}
    (case,) = root.iter("testcase")
    assert list(case) == []
    assert case.get("name") == "lint: 2 files, 3 documents, 3 objects"
