"""Issue 10 items 7, 8 and 10 at full size: `winkube lint` on hostile input, with the memory bound
each run holds, measured as the child's peak RSS over a child that lints `{}` (the interpreter,
winkube and its rules). Bounds (docs/design.md, "Lint input is bounded"): peak RSS - base ≤ 8x the
input for line-shaped data, ≤ 32x for the worst shape found (a one-line flow list of empty
mappings: a 64-byte dict per 3 bytes of text); a read never holds more than 1 GiB.
Run by `make attack`; the short versions are tests/test_lint_hardening.py."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from lintrss import base_rss, run_lint

pytestmark = pytest.mark.attack
MB = 1 << 20
sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))


def report(name: str, run, size: int) -> float:
    multiple = (run.peak_rss - base_rss()) / size
    print(f"\n[lint attack] {name}: {size / MB:.0f} MB input, exit {run.code}, peak RSS {run.peak_rss / MB:.0f} MB "
          f"(base {base_rss() / MB:.0f} MB, {multiple:.1f}x the input over base), {run.seconds:.1f} s, "
          f"{len(run.stdout) / MB:.2f} MB of output")
    assert b"Traceback" not in run.stderr, run.stderr[-3000:]
    return multiple


def test_64_mb_of_short_lines(tmp_path):
    # main: 5.15 GB (80x) for this file; the composer kept a node with two marks per `1`
    f = tmp_path / "ones.yaml"
    f.write_text("- 1\n" * (16 * MB))
    r = run_lint([str(f)], timeout=1800)
    assert report("64 MB of `- 1` lines", r, f.stat().st_size) <= 8
    # a named file with no Kubernetes object in it: exit 2 and one clear line (issue 11 discovery)
    assert r.code == 2 and b"no Kubernetes objects in" in r.stderr and b"1 document" in r.stdout


def test_worst_shape_one_line_of_empty_mappings(tmp_path):
    f = tmp_path / "flow.yaml"
    f.write_text("[" + "{}," * (16 * MB // 3) + "{}]\n")
    r = run_lint([str(f)], timeout=1800)
    assert report("16 MB one-line flow list of {}", r, f.stat().st_size) <= 32
    assert r.code == 2


def test_64_mb_of_real_manifests(tmp_path):
    from gen import documents  # bench/gen.py: the workloads make bench lints
    text = "---\n".join(documents(2000))
    f = tmp_path / "many.yaml"
    f.write_text("---\n".join([text] * (64 * MB // len(text) + 1)))
    r = run_lint([str(f)], timeout=3600)
    assert report("64 MB of generated workloads", r, f.stat().st_size) <= 8
    assert r.code == 1


def test_a_million_invalid_documents(tmp_path):
    # main: RecursionError after ~1,000 of them, and no output at all
    f = tmp_path / "bad.yaml"
    f.write_text("kind: [A\n---\n" * (1 << 20))
    r = run_lint([str(f)], timeout=3600)
    size = f.stat().st_size
    assert report("a million invalid documents", r, size) <= 8
    assert r.code == 2 and len(r.stdout) < 200_000  # 1,000 errors and a count of the rest
    assert b"1047576 more input errors in this file not shown" in r.stdout


def test_alias_amplification_prints_per_source_location(tmp_path):
    # main: a 585 KB file of aliases printed 414 MB and took 1.8 GB
    pod = ("  - &p\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: x}\n    spec:\n      os: {name: windows}\n"
           "      hostNetwork: true\n      securityContext: {runAsUser: 0, seLinuxOptions: {level: s0}}\n"
           "      containers:\n      - name: c\n        image: mcr.microsoft.com/windows/servercore:ltsc2019\n"
           "        securityContext: {privileged: true, runAsUser: 0, capabilities: {add: [NET_ADMIN]}}\n")
    doc = "apiVersion: v1\nkind: List\nitems:\n" + pod + "  - *p\n" * 1400
    f = tmp_path / "alias.yaml"
    f.write_text("---\n".join([doc] * 60))
    size = f.stat().st_size
    r = run_lint([str(f)], timeout=600)
    assert report("alias-amplified findings", r, size) <= 8
    assert len(r.stdout) < size  # main: ~500x the input
    assert r.seconds < 120


def test_endless_pipe_is_read_to_the_cap(tmp_path):
    # `winkube lint <(yes)`-like: a FIFO whose writer never stops; the read stops at 1 GiB
    fifo = tmp_path / "endless.yaml"
    os.mkfifo(fifo)
    stop = threading.Event()

    def write():
        block = b"- 1\n" * (MB // 4)
        try:
            with open(fifo, "wb") as f:
                while not stop.is_set():
                    f.write(block)
        except (BrokenPipeError, OSError):
            pass

    t = threading.Thread(target=write, daemon=True)
    t.start()
    r = run_lint([str(fifo)], timeout=1800)
    stop.set()
    t.join(10)
    assert b"input too large (more than 1024 MiB): skipped" in r.stdout
    assert report("endless FIFO (cap 1 GiB)", r, 1 << 30) <= 1.5  # the capped bytes, nothing more
