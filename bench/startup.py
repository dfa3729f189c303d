"""make bench (start-up): what a pre-commit hook run costs — `winkube --version` and `winkube lint`
on 100 documents as separate processes — next to a Go linter on the same 100 documents in the same run.

The peer named by issue 11, kube-linter, cannot be measured here: its module
golang.stackrox.io/kube-linter is not served by the Go module proxy (the proxy lists no version
of it and refuses those tried), so it cannot be built from its module; set WINKUBE_KUBE_LINTER to
a kube-linter binary to add it. The Go peer measured instead is kube-score (github.com/zegl/kube-score,
a static checker of the same kind, served by the proxy), built once by tools/go-install-cached.sh
into the winkube cache; it is a benchmark peer only, never part of `make test`.

Wall time on a shared machine includes waiting for a core, so the CPU time (user + sys of the
child) is printed beside it; both are the best of RUNS. The source tree is byte-compiled first
(an installed wheel is; PYTHONDONTWRITEBYTECODE would otherwise make every run compile it), and
one untimed run fills the knowledge cache (knowledge/cache.py) and the compiled-pattern cache
(regexcache.py), as any earlier run would have. The runs go through the installed console script,
i.e. cli.entry() (collector and exit as a real hook run has them; `make install` after a change to
pyproject.toml's scripts). With valgrind installed (`make valgrind`) the instructions of the same
two winkube commands are counted too (cachegrind, the whole process): a number that the machine's
load does not move (docs/design.md, start-up).
Goal (issue 11): <= 0.1 s wall for 100 documents.
"""
from __future__ import annotations

import os
import re
import resource
import shutil
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


KUBE_SCORE = ("kube-score", "github.com/zegl/kube-score/cmd/kube-score", "v1.20.0")


def kube_score() -> tuple[str | None, str]:
    """kube-score built from its Go module (cached), or None and why not."""
    name, package, version = KUBE_SCORE
    r = subprocess.run([str(ROOT / "tools" / "go-install-cached.sh"), name, package, version],
                       capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        reason = (r.stderr.strip().splitlines() or ["build failed"])[-1]
        return None, f"kube-score not measured: it cannot be built here ({reason})"
    return r.stdout.strip().splitlines()[-1], f"kube-score {version}, built from its Go module"


def main() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "winkube")], check=True,
                   stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "docs.yaml").write_text("---\n".join(documents(100)))
        lint = [str(BIN / "winkube"), "lint", "--no-config", "docs.yaml"]
        subprocess.run(lint, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fills the cache
        rows = [("winkube --version", [str(BIN / "winkube"), "--version"]),
                ("winkube lint, 100 documents", lint)]
        notes = []
        score, how = kube_score()
        if score:
            rows.append(("kube-score score, 100 documents", [score, "score", "docs.yaml"]))
        notes.append(how)
        if os.environ.get("WINKUBE_KUBE_LINTER"):
            rows.append(("kube-linter lint, 100 documents", [os.environ["WINKUBE_KUBE_LINTER"], "lint", "docs.yaml"]))
        else:
            notes.append("kube-linter not measured: golang.stackrox.io/kube-linter is not served by the Go module proxy "
                         "(set WINKUBE_KUBE_LINTER to a binary to add it)")
        print(f"start-up: best of {RUNS} runs (median wall in brackets); load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
        for name, argv in rows:
            best, median, cpu = timed(argv, tmp)
            print(f"  {name:<34} {best:6.3f} s wall  [{median:6.3f}]  {cpu:6.3f} s CPU")
        for note in notes:
            print(f"  {note}")
        if shutil.which("valgrind"):  # `make valgrind`: a count that the other users of the machine do not move
            for name, argv in rows[:2]:
                print(f"  {name:<34} {instructions(argv, tmp) / 1e6:6.1f}M instructions (cachegrind, whole process)")
        print("goal: winkube lint on 100 documents <= 0.1 s wall")


def instructions(argv: list[str], cwd: str) -> float:
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *argv],
                         cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return float(re.search(r"I\s+refs:\s+([\d,]+)", out.stderr).group(1).replace(",", ""))


if __name__ == "__main__":
    main()
