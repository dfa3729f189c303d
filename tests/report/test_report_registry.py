from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from winkube.report import FORMATS, REPORTERS, render


def test_every_format_renders(result, rules):
    assert set(REPORTERS) == set(FORMATS) == {"text", "json", "sarif", "junit"}
    for fmt in FORMATS:
        out = io.StringIO()
        render(fmt, result, rules, out)
        assert out.getvalue().endswith("\n")
    out = io.StringIO()
    REPORTERS["json"](result, rules, out, color=True)
    assert json.loads(out.getvalue())["version"] == 1


def test_color_flag_reaches_the_text_reporter(result, rules):
    plain, colored = io.StringIO(), io.StringIO()
    render("text", result, rules, plain)
    render("text", result, rules, colored, color=True)
    assert "\x1b[" not in plain.getvalue() and "\x1b[" in colored.getvalue()


def test_unknown_format_is_a_value_error(result, rules):
    with pytest.raises(ValueError, match="unknown output format 'html'.*text, json, sarif, junit"):
        render("html", result, rules, io.StringIO())


def test_importing_the_package_loads_no_format_module():
    code = ("import sys, winkube.report as r; "
            "print(sorted(m for m in sys.modules if m.startswith('winkube.report.') or m == 'xml.etree.ElementTree'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
