"""Go tools the tests run for real (helm, kustomize), built from their Go modules by the scripts in
tools/ into the same cache as the control plane. A build that fails fails the test with the
script's output, never a skip."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def built_tool(name: str) -> str:
    script = REPO / "tools" / f"build-{name}.sh"
    r = subprocess.run([str(script)], capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        pytest.fail(f"{script.relative_to(REPO)} failed (exit {r.returncode}); {name} is needed for this test:\n"
                    f"{r.stderr[-3000:]}", pytrace=False)
    return r.stdout.strip().splitlines()[-1]
