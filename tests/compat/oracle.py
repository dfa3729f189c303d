"""containerd/platforms' own matcher as a test oracle: build it (tools/build-platforms-oracle.sh,
cached), run one driver process per release and ask it about batches of cases.

Nothing is mocked: each driver is tools/platforms-oracle/main.go linked against one
containerd/platforms release from the Go module proxy.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "tools" / "build-platforms-oracle.sh"

# Which comparer each release's Default() is on Windows (defaults_windows.go at the tag), and the
# knowledge/containerd.yaml era that restates that release.
RELEASES = {
    "v1.0.0-rc.1": ("only", "stable_abi_2022_strict"),  # Default() = Only(DefaultSpec())
    "v1.0.0-rc.2": ("windows", "stable_abi_2025_newest_first"),  # &windowsMatchComparer{NewMatcher(DefaultSpec())}
    "v1.0.0-rc.3": ("windows", "stable_abi_2025_features"),
    "v1.0.0-rc.4": ("windows", "stable_abi_2025_win32k"),
    "v1.0.0-rc.5": ("windows", "stable_abi_2025_generation"),
}


def build_root() -> Path:
    try:
        r = subprocess.run([str(BUILD)], capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"{BUILD.name} could not run: {exc}", pytrace=False)
    if r.returncode != 0:
        pytest.fail(f"{BUILD.name} failed (exit {r.returncode}); the containerd/platforms oracle is needed:\n"
                    f"{r.stderr[-3000:]}", pytrace=False)
    root = Path(r.stdout.strip().splitlines()[-1])
    missing = [v for v in RELEASES if not (root / v / "platforms-oracle").is_file()]
    if missing:
        pytest.fail(f"{BUILD.name} built no oracle for {missing} under {root}", pytrace=False)
    return root


def ask(binary: Path, requests: list[dict]) -> list[dict]:
    """Send every request (one JSON line each) and read one answer per request."""
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
    r = subprocess.run([str(binary)], input=payload, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail(f"{binary} exited {r.returncode}: {r.stderr[-2000:]}", pytrace=False)
    answers = [json.loads(line) for line in r.stdout.splitlines()]
    if len(answers) != len(requests):
        pytest.fail(f"{binary} answered {len(answers)} of {len(requests)} requests", pytrace=False)
    bad = [a["error"] for a in answers if a.get("error")]
    if bad:
        pytest.fail(f"{binary} could not read {len(bad)} requests, e.g. {bad[0]}", pytrace=False)
    return answers
