from __future__ import annotations

import io
import re

from reportdata import HOSTILE, make_rule
from winkube.model.finding import Finding, InputError, Result, Severity, Stage
from winkube.report import text
from winkube.report.text import clean, summary_line

GOLDEN = """\
a.yaml  info     ignored     run-as-user-ignored  spec.securityContext.runAsUser
  runAsUser has no effect on Windows

broken.yaml:4: error: mapping values are not allowed here

deploy/frontend.yaml:12:11  error    admission   windows-forbidden-field  spec.template.spec.containers[0].securityContext.privileged
  privileged containers are not supported on Windows
    12 |           privileged: true
       |           ^
  fix: remove securityContext.privileged
deploy/frontend.yaml:20:7  warning  scheduling  missing-os-selector  spec.template.spec.nodeSelector[kubernetes.io/os]
  no kubernetes.io/os selector
    20 |       nodeSelector: {}
       |       ^
  fix: add nodeSelector kubernetes.io/os: windows

Pod live/from-cluster  error    admission   windows-forbidden-field  spec.hostPID
  hostPID is forbidden

4 findings (2 error, 1 warning, 1 info; admission 2, scheduling 1, ignored 1), 1 input error in 3 files (1 without Kubernetes objects, skipped; -v lists them), 4 documents
"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(result, rules, color=False) -> str:
    out = io.StringIO()
    text.render(result, rules, out, color=color)
    return out.getvalue()


def test_golden(result, rules):
    assert render(result, rules) == GOLDEN


def test_no_escape_codes_without_color(result, rules):
    assert "\x1b" not in render(result, rules)


def test_color_is_only_decoration(result, rules):
    colored = render(result, rules, color=True)
    assert "\x1b[1;31merror" in colored  # severity in red
    assert ANSI.sub("", colored) == GOLDEN


def test_caret_under_the_column_of_the_source_line(result, rules):
    lines = render(result, rules).splitlines()
    src = next(i for i, line in enumerate(lines) if line.endswith("privileged: true"))
    source, caret = lines[src], lines[src + 1]
    assert source.index("privileged") == caret.index("^")


def test_caret_with_tabs_wide_characters_and_escaped_bytes(rules):
    f = Finding(rule="r", stage=Stage.RUNTIME, severity=Severity.ERROR, path=("a",), message="m",
                file="t.yaml", line=8, column=6, source_line="\t日本\x1b: z")
    out = render(Result(findings=[f]), rules).splitlines()
    assert out[2] == "    8 | \t日本\\x1b: z"
    # tab kept as a tab, 日本 take two cells each, \x1b is printed as four characters
    assert out[3] == "      | \t" + " " * (2 + 2 + 4 + 1) + "^"


def test_hostile_input_cannot_emit_terminal_escapes(hostile_result, rules):
    for color in (False, True):
        out = render(hostile_result, rules, color=color)
        # every ESC in the output starts one of our own SGR sequences, never the input's \x1b[31m
        assert "\x1b[31m" not in out
        assert "\x00" not in out and "\x07" not in out
        assert ANSI.sub("", out).count("\x1b") == 0
        assert "\\x1b[31m" in out  # shown, escaped
    plain = render(hostile_result, rules)
    assert f"dir/{clean(HOSTILE)}.yaml:3:5  error" in plain
    assert f"{clean(HOSTILE)}.yaml:1: error: cannot parse {clean(HOSTILE)}\\x00\\x07" in plain


def test_clean_escapes_controls_c1_and_bidi_but_keeps_text():
    assert clean("plain – ü 日本") == "plain – ü 日本"
    assert clean("a\nb\tc") == "a\\x0ab\\x09c"
    assert clean("a\tb", keep_tab=True) == "a\tb"
    assert clean("\x9b31m") == "\\x9b31m"  # C1 CSI
    assert clean("x\u202ey") == "x\\u202ey"  # right-to-left override
    assert clean("\udc80") == "\\udc80"  # lone surrogate from an undecodable file name


def test_input_errors_without_line_and_findings_without_position(rules):
    result = Result(
        findings=[Finding(rule="r", stage=Stage.PRACTICE, severity=Severity.INFO, path=(), message="m",
                          file="x.yaml", source_line="ignored without a line")],
        errors=[InputError(file="missing.yaml", message="no such file")],
        files=1,
    )
    out = render(result, rules)
    assert out.splitlines()[0] == "missing.yaml: error: no such file"
    assert "x.yaml  info     practice    r\n  m\n" in out
    assert "ignored without a line" not in out


def test_summary_line_counts_and_plurals():
    one = Result(findings=[Finding(rule="r", stage=Stage.KUBELET, severity=Severity.WARNING, path=(), message="m")],
                 files=1, documents=1)
    assert summary_line(one) == "1 finding (1 warning; kubelet 1) in 1 file, 1 document"
    assert summary_line(Result(files=2, documents=5)) == "no findings in 2 files, 5 documents"
    assert summary_line(Result(errors=[InputError("a", "b")] * 2)) == "no findings, 2 input errors in 0 files, 0 documents"


def test_empty_result_is_just_the_summary(rules):
    assert render(Result(files=1, documents=1), rules) == "no findings in 1 file, 1 document\n"


def test_rules_argument_is_not_needed_for_unknown_rules():
    f = Finding(rule="not-in-table", stage=Stage.RUNTIME, severity=Severity.ERROR, path=("a",), message="m", file="f")
    assert "not-in-table" in render(Result(findings=[f]), {"x": make_rule("x")})
