"""make bench: lint throughput against floors measured in the same run.

Floors: (1) winkube's own reader alone — the fastest parser we know that gives the objects
Kubernetes gives (libyaml's composer plus go-yaml v2 scalar rules); (2) PyYAML's CSafeLoader.load_all,
for reference (slower, and it reads `yes`, `0644`, dates differently from Kubernetes).
Goal (issue 2): lint <= 1.5x parse-only.
"""
from __future__ import annotations

import gc
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from gen import documents  # noqa: E402

from winkube.engine import Engine, Options  # noqa: E402
from winkube.load.documents import read_text  # noqa: E402
from winkube.load.inputs import iter_sources  # noqa: E402
from winkube.report import render  # noqa: E402

N_DOCS = int(os.environ.get("WINKUBE_BENCH_DOCS", "10000"))
FILES = 50
REPEAT = 5


def best(fn) -> float:
    times = []
    for _ in range(REPEAT):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> None:
    docs = documents(N_DOCS)
    with tempfile.TemporaryDirectory() as tmp:
        per = len(docs) // FILES
        for k in range(FILES):
            Path(tmp, f"f{k:02}.yaml").write_text("---\n".join(docs[k * per:(k + 1) * per]))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        sources = list(iter_sources([tmp], []))

        def csafe():
            for s in sources:
                list(yaml.load_all(s.text, Loader=yaml.CSafeLoader))

        def reader():
            for s in sources:
                for _ in read_text(s.name, s.text, []):
                    pass

        findings = {}

        def lint():
            result = Engine(Options()).lint_sources(sources, [])
            out = io.StringIO()
            render("text", result, Engine(Options()).rules, out)
            findings["n"] = len(result.findings)

        rows = [("PyYAML CSafeLoader.load_all (reference)", best(csafe)),
                ("winkube reader, parse only (floor)", best(reader)),
                ("winkube lint (parse + targeting + rules + locate + text report)", best(lint))]
    floor = rows[1][1][0]
    print(f"{N_DOCS} documents, {size / 1e6:.1f} MB in {FILES} files; best of {REPEAT} (median in brackets); {findings['n']} findings")
    for name, (b, med) in rows:
        print(f"  {name:<66} {N_DOCS / b:8.0f} docs/s  [{N_DOCS / med:6.0f}]  {b / floor:5.2f}x floor")
    print(f"lint / parse-only = {rows[2][1][0] / floor:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
