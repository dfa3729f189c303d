"""Quantities (issue 10, item 6): exact, never an internal error, huge values judged like large ones.
The parser's agreement with the real kube-apiserver is tests/harness/test_quantity_apiserver.py."""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from winkube.model.quantity import HUGE, parse_exact, parse_quantity, quantity


@pytest.mark.parametrize("text, value", [
    ("500m", Fraction(1, 2)), ("1.5Gi", 1610612736), ("8Ei", 2**63 - 1), ("-8Ei", -(2**63 - 1)),
    ("0.0000000001", Fraction(1, 10**9)), (".", 0), ("1.", 1), ("1e+5", 100000),
    ("1e4294967296", 1),  # the exponent is truncated to int32, as Go's int32(parsed)
    ("1e400", HUGE), ("1e999999", HUGE), ("9" * 5000, HUGE),
])
def test_values_are_exact(text, value):
    assert parse_exact(text) == value


@pytest.mark.parametrize("text", ["", "1.5.5", "1K", "1e", "1ee5", "1Ki5", ".e-10", "1e9223372036854775808", "١"])
def test_what_the_api_server_refuses_is_refused(text):
    assert parse_exact(text) is None


def test_numbers_from_json():
    assert quantity(float("inf")) == HUGE  # JSON 1e400 (the server reads its text: a huge quantity)
    assert quantity(0.1) == Fraction(1, 10) and quantity(3) == 3 and quantity(True) is None
    assert parse_quantity("1e999999") == float(HUGE)


def _lint(tmp_path, cpu: str) -> dict:
    f = tmp_path / f"pod-{len(cpu)}-{abs(hash(cpu))}.yaml"
    f.write_text(json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                             "spec": {"containers": [{"name": "c", "image": "mcr.microsoft.com/windows/servercore:ltsc2022",
                                                      "resources": {"requests": {"cpu": cpu}}}]}}))
    r = subprocess.run([sys.executable, "-m", "winkube.cli", "lint", "-o", "json", str(f)], capture_output=True, text=True, timeout=120)
    assert "internal error" not in r.stdout + r.stderr
    return {(x["rule"], x.get("path")) for x in json.loads(r.stdout)["findings"]}, r.returncode


def test_huge_requests_get_the_verdict_of_large_ones(tmp_path):
    large = _lint(tmp_path, "100000")
    assert ("no-schedulable-pool", "spec") in large[0]
    for cpu in ("1e400", "1e999999", "9" * 5000):
        assert _lint(tmp_path, cpu) == large, cpu
