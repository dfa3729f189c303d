"""make bench-instructions: what lint costs beyond the reader, counted instead of timed.

Time on a shared machine moves with the other users; the counts of valgrind's cachegrind do not
(the same run gives the same numbers to a few parts in 10,000, with the children's hash seed fixed). Three processes run under
cachegrind on the same 3,000 bench/gen.py documents: start-up only (winkube and its rules loaded),
start-up + the reader, start-up + lint (with the text report); the differences per document are the
reader's and lint's. Printed: instructions, and cachegrind's simulated branch mispredictions and
first-level data cache misses — the engine's Python mispredicts and misses more per instruction
than the reader (mostly libyaml's C), which is why lint / parse-only is larger in CPU time than in
instructions. The collector is off in the children so its timing does not move the counts.
"""
from __future__ import annotations

import gc
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen import documents  # noqa: E402
from run import write_files  # noqa: E402

N_DOCS = int(os.environ.get("WINKUBE_BENCH_DOCS", "3000"))
COUNTS = (("instructions", r"I\s+refs:\s+([\d,]+)"),
          ("branch mispredictions (simulated)", r"Mispredicts:\s+([\d,]+)"),
          ("D1 misses (simulated)", r"D1  misses:\s+([\d,]+)"))


def child(mode: str, folder: str) -> None:
    from winkube.engine import Engine, Options
    from winkube.load.documents import read_text
    from winkube.load.inputs import iter_sources
    from winkube.report import render

    sources = list(iter_sources([folder], []))
    Engine(Options()).rules  # noqa: B018 - loaded in every mode, so the differences leave it out
    gc.disable()
    if mode == "reader":
        for s in sources:
            for _ in read_text(s.name, s.text, []):
                pass
    elif mode == "lint":
        result = Engine(Options()).lint_sources(sources, [])
        render("text", result, Engine(Options()).rules, io.StringIO())


# String hashing is salted per process; the salt moves dict and set probing, hence the counts (by up to
# ~1.5 %, 635k against 644k for the reader in two runs): one fixed seed makes runs, and trees, comparable.
_CHILD_ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_files(folder, documents(N_DOCS), 50)
        got: dict[str, list[int]] = {}
        for mode in ("start-up", "reader", "lint"):
            out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=yes", "--branch-sim=yes",
                                  "--cachegrind-out-file=/dev/null", sys.executable, __file__, "--child", mode, folder],
                                 capture_output=True, text=True, env=_CHILD_ENV)
            if out.returncode != 0:
                sys.exit(f"valgrind failed ({out.returncode}): {out.stderr[-2000:]}")
            got[mode] = [int(re.search(pat, out.stderr).group(1).replace(",", "")) for _, pat in COUNTS]
    print(f"{N_DOCS} documents under cachegrind; per document, beyond start-up:")
    for i, (name, _) in enumerate(COUNTS):
        reader = (got["reader"][i] - got["start-up"][i]) / N_DOCS
        lint = (got["lint"][i] - got["start-up"][i]) / N_DOCS
        print(f"  {name:<36} reader {reader / 1e3:8.2f}k   lint {lint / 1e3:8.2f}k   lint / parse-only {lint / reader:.3f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
