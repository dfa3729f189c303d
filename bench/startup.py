"""make bench (start-up): what a pre-commit hook run costs — `winkube --version` and `winkube lint`
on 100 documents as separate processes — next to kube-linter on the same 100 documents when it
can be built here (tools/go-install-cached.sh, from its Go module golang.stackrox.io/kube-linter).

Wall time on a shared machine includes waiting for a core, so the CPU time (user + sys of the
child) is printed beside it; both are the best of RUNS. The source tree is byte-compiled first
(an installed wheel is; PYTHONDONTWRITEBYTECODE would otherwise make every run compile it).
Goal (issue 11): <= 0.1 s wall for 100 documents.
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen import documents  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("WINKUBE_BENCH_RUNS", "15"))
BIN = Path(sys.executable).parent


def timed(argv: list[str], cwd: str) -> tuple[float, float, float]:
    """(best wall, median wall, best CPU) over RUNS runs of argv."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), statistics.median(walls), min(cpus)


def kube_linter() -> tuple[str | None, str]:
    found = os.environ.get("WINKUBE_KUBE_LINTER")
    if found:
        return found, "from WINKUBE_KUBE_LINTER"
    r = subprocess.run([str(ROOT / "tools" / "go-install-cached.sh"), "kube-linter",
                        "golang.stackrox.io/kube-linter/cmd/kube-linter", os.environ.get("WINKUBE_KUBE_LINTER_VERSION", "latest")],
                       capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        reason = (r.stderr.strip().splitlines() or ["build failed"])[-1]
        return None, f"not measured: it cannot be built here ({reason})"
    return r.stdout.strip().splitlines()[-1], "built from its Go module"


def main() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "winkube")], check=True,
                   stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "docs.yaml").write_text("---\n".join(documents(100)))
        rows = [("winkube --version", [str(BIN / "winkube"), "--version"]),
                ("winkube lint, 100 documents", [str(BIN / "winkube"), "lint", "--no-config", "docs.yaml"])]
        linter, how = kube_linter()
        if linter:
            rows.append(("kube-linter lint, 100 documents", [linter, "lint", "docs.yaml"]))
        print(f"start-up: best of {RUNS} runs (median wall in brackets); load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
        for name, argv in rows:
            best, median, cpu = timed(argv, tmp)
            print(f"  {name:<34} {best:6.3f} s wall  [{median:6.3f}]  {cpu:6.3f} s CPU")
        if not linter:
            print(f"  kube-linter: {how}")
        print("goal: winkube lint on 100 documents <= 0.1 s wall")


if __name__ == "__main__":
    main()
