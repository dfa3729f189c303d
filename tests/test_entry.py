"""The console script's entry (cli.entry): a lint process runs without the cyclic collector until its
code is loaded and leaves with os._exit instead of tearing the interpreter down (start-up is most of
a pre-commit run). What must not change: the whole report, the exit code, exit handlers, and a
collector that is on while documents are read (memory stays bounded)."""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

from winkube.cli import main

POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: web-{i}}}
spec:
  nodeSelector: {{kubernetes.io/os: windows}}
  containers:
  - name: web
    image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019
    command: ["/bin/sh", "-c", "run {i}"]
    securityContext: {{privileged: true}}
"""


def test_a_lint_process_writes_its_whole_report_and_its_exit_code(tmp_path):
    (tmp_path / "pods.yaml").write_text("---\n".join(POD.format(i=i) for i in range(400)))
    out = subprocess.run([sys.executable, "-m", "winkube.cli", "lint", "-o", "json", "pods.yaml"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    here = io.StringIO()
    with contextlib.chdir(tmp_path), contextlib.redirect_stdout(here):
        code = main(["lint", "-o", "json", "pods.yaml"])
    assert out.returncode == code == 1
    assert out.stdout == here.getvalue() and len(json.loads(out.stdout)["findings"]) >= 800  # ~300 KB, all of it


def test_exit_handlers_run_and_the_collector_is_on_for_the_documents(tmp_path):
    (tmp_path / "pods.yaml").write_text(POD.format(i=0))
    # observes (does not replace) the engine call, then runs the real entry point
    code = f"""\
import atexit, gc, sys
from winkube import engine
from winkube.load import inputs
seen = []
def observing(real):
    def observed(*a, **k):
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return real(*a, **k)
    return observed
inputs.iter_sources = observing(inputs.iter_sources)  # reading the input (helm, kustomize: subprocesses)
engine.Engine.lint_sources = observing(engine.Engine.lint_sources)  # the documents
atexit.register(lambda: open({str(tmp_path / "handler-ran")!r}, "w").write(repr(seen)))
sys.argv = ["winkube", "lint", "pods.yaml"]
from winkube.cli import entry
entry()
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "privileged" in out.stdout
    reading, linting = eval((tmp_path / "handler-ran").read_text())  # noqa: S307 - our own repr of a list of tuples
    assert reading == linting and reading[0] and reading[1] > 10_000  # start-up frozen, the collector on for the input
