"""Quantities (issue 10, item 6): exact, never an internal error, huge values judged as the real
scheduler places them.
The parser's agreement with the real kube-apiserver is tests/harness/test_quantity_apiserver.py."""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from winkube.k8s.quantity import HUGE, parse_exact, parse_quantity, quantity


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


def _lint(tmp_path, cpu: str):
    f = tmp_path / f"pod-{len(cpu)}-{abs(hash(cpu))}.yaml"
    f.write_text(json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                             "spec": {"containers": [{"name": "c", "image": "mcr.microsoft.com/windows/servercore:ltsc2022",
                                                      "resources": {"requests": {"cpu": cpu}}}]}}))
    r = subprocess.run([sys.executable, "-m", "winkube.cli", "lint", "-o", "json", str(f)], capture_output=True, text=True, timeout=120)
    assert "internal error" not in r.stdout + r.stderr
    return {(x["rule"], x.get("path")) for x in json.loads(r.stdout)["findings"]}, r.returncode


def test_requests_past_the_schedulers_int64_are_judged_as_the_scheduler_places_them(tmp_path):
    """kube-scheduler reads requests as int64 milli-CPU: 1e15 cpu (1e18m) fits no node, 1e16 cpu
    and up overflow to 0 and the pod is placed as if it asked for nothing (the real scheduler
    does so: tests/plan/schedcases.py). Huge texts must give that verdict, not an internal error."""
    large, nothing = _lint(tmp_path, "1e15"), _lint(tmp_path, "1")
    assert ("no-schedulable-pool", "spec") in large[0] and ("no-schedulable-pool", "spec") not in nothing[0]
    for cpu in ("1e16", "1e400", "1e999999", "9" * 5000):
        assert _lint(tmp_path, cpu) == nothing, cpu


def test_the_webhook_denies_a_huge_request_it_denies_for_an_ordinary_one():
    """A Windows-only pod that can land only on Linux is denied; with cpu 1e400 the real scheduler
    still places it there, so it is denied too (it was allowed with no warning)."""
    from webhook.test_review import decide
    from webhook.whkit import pod

    def with_cpu(cpu):
        p = pod()
        p["spec"]["containers"][0]["resources"] = {"requests": {"cpu": cpu}}
        return decide(p)

    assert with_cpu("1").verdict == "deny"
    for cpu in ("1e400", "1e999999", "1e16"):
        d = with_cpu(cpu)
        assert d.verdict == "deny" and [f.rule for f, _ in d.findings] == [f.rule for f, _ in with_cpu("1").findings], cpu
    assert with_cpu("1e15").verdict == "warn"  # fits no node: only warned (an autoscaler may add one)
