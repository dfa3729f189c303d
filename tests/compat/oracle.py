"""containerd's own image matcher as a test oracle: build it (tools/build-platforms-oracle.sh,
cached), run one driver process per release and ask it about batches of cases.

Nothing is mocked: each driver is tools/platforms-oracle/main.go linked against one containerd
release from the Go module proxy. Releases whose Windows matcher only builds for Windows run as
Windows programs under Debian's Wine (`make wine`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "tools" / "build-platforms-oracle.sh"
CACHE = Path(os.environ.get("WINKUBE_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "winkube")

# release directory under tools/platforms-oracle -> (the comparer that is Default() on Windows,
# the knowledge/containerd.yaml era that restates it). Default() per platforms/defaults_windows.go
# at each tag: containerd 1.6 matchComparer; 1.7 and platforms up to rc.1 Only(DefaultSpec());
# platforms rc.2+ &windowsMatchComparer{NewMatcher(DefaultSpec())}.
RELEASES = {
    "containerd-v1.6.0": ("default", "prefix_1_6"),
    "containerd-v1.6.17": ("default", "prefix_1_6"),
    "containerd-v1.6.18": ("default", "prefix_or_empty_1_6"),
    "containerd-v1.6.22": ("default", "prefix_or_empty_1_6"),
    "containerd-v1.6.23": ("default", "stable_abi_1_6"),
    "containerd-v1.6.36": ("default", "stable_abi_1_6"),
    "containerd-v1.7.0-beta.0": ("only", "prefix_1_7_beta"),
    "containerd-v1.7.0-beta.3": ("only", "prefix_1_7_beta"),
    "containerd-v1.7.0-beta.4": ("only", "prefix_or_empty_1_7"),
    "containerd-v1.7.5": ("only", "prefix_or_empty_1_7"),
    "containerd-v1.7.6": ("only", "stable_abi_2022"),
    "containerd-v1.7.18": ("only", "stable_abi_2022"),
    "v0.1.1": ("only", "stable_abi_2022"),  # containerd 2.0.0-beta.2 .. rc.1
    "v0.2.0": ("only", "stable_abi_2022"),  # containerd 2.0.0-rc.2
    "v0.2.1": ("only", "stable_abi_2022"),
    "v1.0.0-rc.0": ("only", "stable_abi_2022_parseuint"),
    "v1.0.0-rc.1": ("only", "stable_abi_2022_strict"),
    "v1.0.0-rc.2": ("windows", "stable_abi_2025_newest_first"),
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
    missing = [v for v in RELEASES if not any((root / v / f"platforms-oracle{x}").is_file() for x in ("", ".exe"))]
    if missing:
        pytest.fail(f"{BUILD.name} built no oracle for {missing} under {root}", pytrace=False)
    return root


def is_windows(root: Path, release: str) -> bool:
    return (root / release / "platforms-oracle.exe").is_file()


def _command(root: Path, release: str) -> tuple[list[str], dict[str, str]]:
    if not is_windows(root, release):
        return [str(root / release / "platforms-oracle")], dict(os.environ)
    wine = shutil.which("wine64") or "/usr/lib/wine/wine64"
    if not Path(wine).exists():
        pytest.fail("Wine is not installed; `make wine` installs Debian's wine64, which runs the Windows-only "
                    f"matcher of {release}", pytrace=False)
    prefix = CACHE / "wine"
    prefix.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, WINEPREFIX=str(prefix), WINEDEBUG="-all")
    return [wine, str(root / release / "platforms-oracle.exe")], env


def ask(root: Path, release: str, requests: list[dict]) -> list[dict]:
    """Send every request (one JSON line each) to the release's driver and read one answer each."""
    argv, env = _command(root, release)
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
    r = subprocess.run(argv, input=payload.encode(), capture_output=True, timeout=900, env=env)
    if r.returncode != 0:
        pytest.fail(f"{' '.join(argv)} exited {r.returncode}: {r.stderr.decode(errors='replace')[-2000:]}", pytrace=False)
    # Wine hands the program's output over as is; JSON lines are all it writes to stdout
    answers = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
    if len(answers) != len(requests):
        pytest.fail(f"{release} answered {len(answers)} of {len(requests)} requests: "
                    f"{r.stderr.decode(errors='replace')[-2000:]}", pytrace=False)
    bad = [a["error"] for a in answers if a.get("error")]
    if bad:
        pytest.fail(f"{release} could not read {len(bad)} requests, e.g. {bad[0]}", pytrace=False)
    return answers
