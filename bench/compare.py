"""A/B lint throughput: this tree against another checkout, interleaved on the same documents.

    .venv/bin/python bench/compare.py /path/to/other/worktree [--docs 10000] [--rounds 7]

The other checkout needs its own `make install`. Each tree runs in its own long-lived worker
process (its own venv, its own winkube); the driver writes the documents once (this tree's
bench/gen.py) and asks the workers in turn, alternating who goes first, so machine load from
other users falls on both alike. Times are the worker's CPU time (time.process_time): on a shared
machine, wall time mostly measures the other users. Per tree: parse only (its reader, the floor), lint (as bench/run.py
times it) and lint / parse-only; then this tree's lint against the other's on the same input.
"""
from __future__ import annotations

import argparse
import gc
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = 50


def worker(folder: str) -> None:
    """Runs inside either tree's venv: answers 'reader' / 'lint' lines with seconds taken."""
    from winkube.engine import Engine, Options
    from winkube.load.documents import read_text
    from winkube.load.inputs import iter_sources
    from winkube.report import render

    sources = list(iter_sources([folder], []))

    def reader():
        for s in sources:
            for _ in read_text(s.name, s.text, []):
                pass

    def lint():
        result = Engine(Options()).lint_sources(sources, [])
        render("text", result, Engine(Options()).rules, io.StringIO())
        return len(result.findings)

    found = lint()  # warm-up (imports, caches), as bench/run.py's first repeat is
    reader()
    print(json.dumps({"findings": found}), flush=True)
    for line in sys.stdin:
        fn = {"reader": reader, "lint": lint}[line.strip()]
        gc.collect()
        t = time.process_time()
        fn()
        print(json.dumps(time.process_time() - t), flush=True)


class Tree:
    def __init__(self, label: str, root: Path, folder: str):
        self.label, self.root = label, root
        python = root / ".venv" / "bin" / "python"
        self.proc = subprocess.Popen([str(python), __file__, "--worker", folder], cwd=root, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.findings = json.loads(self.proc.stdout.readline())["findings"]
        self.times: dict[str, list[float]] = {"reader": [], "lint": []}

    def run(self, what: str) -> None:
        self.proc.stdin.write(what + "\n")
        self.proc.stdin.flush()
        self.times[what].append(json.loads(self.proc.stdout.readline()))

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("other", help="the other checkout (with its own .venv from make install)")
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    here = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(here / "bench"))
    from gen import documents

    docs = documents(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        per = len(docs) // FILES
        for k in range(FILES):
            Path(tmp, f"f{k:02}.yaml").write_text("---\n".join(docs[k * per:(k + 1) * per]))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        other, this = Tree("other", Path(args.other).resolve(), tmp), Tree("this", here, tmp)
        try:
            for r in range(args.rounds):
                order = (other, this) if r % 2 == 0 else (this, other)
                for what in ("reader", "lint"):
                    for tree in order:
                        tree.run(what)
        finally:
            other.close()
            this.close()
    n = args.docs
    print(f"{n} documents, {size / 1e6:.1f} MB in {FILES} files; {args.rounds} interleaved rounds, "
          f"best (median in brackets)")
    best = {}
    for tree in (other, this):
        b = {k: min(v) for k, v in tree.times.items()}
        med = {k: statistics.median(v) for k, v in tree.times.items()}
        best[tree.label] = b
        print(f"  {tree.label:5} {str(tree.root):<28} parse only {n / b['reader']:7.0f} [{n / med['reader']:6.0f}] docs/s"
              f"   lint {n / b['lint']:7.0f} [{n / med['lint']:6.0f}] docs/s"
              f"   lint/parse-only {b['lint'] / b['reader']:.2f}   {tree.findings} findings")
    # each round times both trees back to back: the median of the per-round ratios is the least noisy figure
    pairs = {k: statistics.median(o / t for o, t in zip(other.times[k], this.times[k])) for k in ("reader", "lint")}
    print(f"this/other throughput, best: lint {best['other']['lint'] / best['this']['lint']:.2f}x, "
          f"parse only {best['other']['reader'] / best['this']['reader']:.2f}x; median of the rounds' ratios: "
          f"lint {pairs['lint']:.2f}x, parse only {pairs['reader']:.2f}x")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
