"""Run `winkube lint` in a child process and read its peak RSS from the kernel (not an estimate):
the attack tests state their memory bounds in it.

The peak is the child's VmHWM read as it exits: the high-water mark of its own address space, which
exec starts afresh. (wait4's ru_maxrss is not used: it survives exec, so it also counts the pages
of the test process the child was forked from.)"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

_WRAP = """
import os, sys
from winkube.cli import main
try:
    code = main()
finally:
    with open("/proc/self/status") as f:
        hwm = next(line for line in f if line.startswith("VmHWM:"))
    with open(os.environ["LINTRSS_OUT"], "w") as f:
        f.write(hwm.split()[1])  # kB
sys.exit(code)
"""
LINT = ["-c", _WRAP, "lint"]


@dataclass
class Run:
    code: int
    stdout: bytes
    stderr: bytes
    peak_rss: int  # bytes
    seconds: float


def run_lint(args: list[str], **kw) -> Run:
    return run_python([*LINT, *args], **kw)


def run_python(args: list[str], *, stdin=None, timeout: float = 600) -> Run:
    """stdin: an open file (or None for /dev/null). Output goes to temporary files so the child
    can be reaped with os.wait4, which gives its own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as hwm:
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, *args], stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                stdout=out, stderr=err, env={**os.environ, "LINTRSS_OUT": hwm.name})
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        seconds = time.monotonic() - t0
        assert seconds < timeout, f"{args[3:]} took more than {timeout} s (killed)"
        out.seek(0)
        err.seek(0)
        peak = hwm.read()
        assert peak, f"the child died before reporting its memory: {err.read()[-2000:]!r}"
        return Run(proc.returncode, out.read(), err.read(), int(peak) * 1024, seconds)


_BASE: list[int] = []


def base_rss() -> int:
    """Peak RSS of linting an empty document: the interpreter, winkube and its rules, measured once."""
    if not _BASE:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("{}\n")
            f.flush()
            _BASE.append(run_lint([f.name]).peak_rss)
    return _BASE[0]
