"""make bench: lint throughput against floors measured in the same run.

Floors: (1) winkube's own reader alone — the fastest parser we know that gives the objects
Kubernetes gives (libyaml's composer plus go-yaml v2 scalar rules); (2) PyYAML's CSafeLoader.load_all,
for reference (slower, and it reads `yes`, `0644`, dates differently from Kubernetes).
Goal (issue 2): lint <= 1.5x parse-only.

How it is timed, and why: every measurement runs in a fresh process, as `winkube lint` does. Timed
in one long-lived process, each number depended on what ran before it (the reader was ~1.3x slower
right after a lint than in a fresh process; lint sped up as its caches warmed), so the ratio swung
1.4-2.3x between runs. Each process loads winkube and its rules, lints 300 other documents
(start-up costs such as the schema load are `bench/startup.py`'s measure, not throughput), then
times one pass over the 10,000 documents in CPU time (time.process_time: on a shared machine wall
time mostly measures the other users). The modes alternate, ROUNDS processes each; the ratio is
of the medians.
"""
from __future__ import annotations

import gc
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen import documents  # noqa: E402

N_DOCS = int(os.environ.get("WINKUBE_BENCH_DOCS", "10000"))
ROUNDS = int(os.environ.get("WINKUBE_BENCH_ROUNDS", "9"))
FILES = 50
MODES = {"csafe": "PyYAML CSafeLoader.load_all (reference)",
         "reader": "winkube reader, parse only (floor)",
         "lint": "winkube lint (parse + targeting + rules + locate + text report)"}


def write_files(folder: str, docs: list[str], files: int) -> None:
    per = max(1, len(docs) // files)
    for k in range(files):
        Path(folder, f"f{k:02}.yaml").write_text("---\n".join(docs[k * per:(k + 1) * per]))


def child(mode: str, folder: str, warm: str) -> None:
    """One measurement in this fresh process: prints CPU seconds and the number of findings."""
    import yaml

    from winkube.engine import Engine, Options
    from winkube.load.documents import read_text
    from winkube.load.inputs import iter_sources
    from winkube.report import render

    def run(sources) -> int:
        if mode == "csafe":
            for s in sources:
                list(yaml.load_all(s.text, Loader=yaml.CSafeLoader))
        elif mode == "reader":
            for s in sources:
                for _ in read_text(s.name, s.text, []):
                    pass
        else:
            result = Engine(Options()).lint_sources(sources, [])
            render("text", result, Engine(Options()).rules, io.StringIO())
            return len(result.findings)
        return 0

    Engine(Options()).rules  # noqa: B018 - the rules load before the timer, as in every mode
    run(list(iter_sources([warm], [])))
    sources = list(iter_sources([folder], []))
    gc.collect()
    t = time.process_time()
    found = run(sources)
    print(time.process_time() - t, found)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, warm = Path(tmp, "docs"), Path(tmp, "warm")
        folder.mkdir()
        warm.mkdir()
        write_files(str(folder), documents(N_DOCS), FILES)
        write_files(str(warm), documents(300, seed=8), 3)
        size = sum(p.stat().st_size for p in folder.iterdir())
        times: dict[str, list[float]] = {m: [] for m in MODES}
        findings = 0
        for r in range(ROUNDS):
            order = list(MODES) if r % 2 == 0 else list(reversed(MODES))
            for mode in order:
                out = subprocess.run([sys.executable, __file__, "--child", mode, str(folder), str(warm)],
                                     capture_output=True, text=True, check=True).stdout.split()
                times[mode].append(float(out[0]))
                findings = max(findings, int(out[1]))
            if sys.stderr.isatty():  # progress on a terminal only
                print(f"  round {r + 1}/{ROUNDS}", file=sys.stderr, end="\r", flush=True)
    med = {m: statistics.median(v) for m, v in times.items()}
    floor = med["reader"]
    print(f"{N_DOCS} documents, {size / 1e6:.1f} MB in {FILES} files; CPU time, one fresh process per "
          f"measurement, median of {ROUNDS} (best in brackets); {findings} findings")
    for mode, name in MODES.items():
        print(f"  {name:<66} {N_DOCS / med[mode]:8.0f} docs/s  [{N_DOCS / min(times[mode]):6.0f}]  "
              f"{med[mode] / floor:5.2f}x floor")
    print(f"lint / parse-only = {med['lint'] / floor:.2f} (goal <= 1.5; best against best "
          f"{min(times['lint']) / min(times['reader']):.2f})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
    else:
        main()
