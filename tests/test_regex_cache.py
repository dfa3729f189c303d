"""Compiled patterns kept in the user's cache (regexcache.py): a warm `winkube lint` compiles no
regular expression, answers exactly as a cold one, and a damaged, foreign or unwritable cache only
costs the compiling. Real `winkube` processes; timing is bench/startup.py's, never a test's."""
from __future__ import annotations

import contextlib
import io
import marshal
import os
import re
import subprocess
import sys

import _sre

from winkube.cli import main
from winkube.regexcache import _key

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, annotations: {note: marker-zz9-from-the-input}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      containers:
      - name: web
        image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019
        command: ["/bin/sh", "-c", "run"]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
"""

# runs winkube's console entry in a process that counts what re compiles from then on (entry
# seeds first, saves at the end; the count is written by an exit handler, which entry runs)
COUNTING = """\
import atexit, sys
import re._compiler as compiler
count = [0]
real = compiler.compile
def counted(p, flags=0):
    count[0] += 1
    return real(p, flags)
compiler.compile = counted
atexit.register(lambda: sys.stderr.write(f"\\ncompiled={count[0]}\\n"))
sys.argv[0] = "winkube"
from winkube.cli import entry
entry()
"""


def run(tmp_path, cache, *argv) -> tuple[int, str, int]:
    """(exit code, stdout, patterns compiled) of a winkube process with its own cache directory."""
    out = subprocess.run([sys.executable, "-c", COUNTING, *argv], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "WINKUBE_CACHE": str(cache)})
    compiled = int(re.search(r"compiled=(\d+)", out.stderr).group(1))
    return out.returncode, out.stdout, compiled


def stored(cache) -> tuple:
    with open(cache / f"regex-{sys.implementation.cache_tag}.marshal", "rb") as fh:
        return marshal.loads(fh.read())


def test_a_warm_lint_compiles_no_pattern_and_answers_as_a_cold_one(tmp_path):
    (tmp_path / "app.yaml").write_text(MANIFEST)
    cold = run(tmp_path, tmp_path / "cache", "lint", "app.yaml")
    assert cold[0] == 1 and "linux-shell-in-windows-container" in cold[1]
    assert cold[2] > 50  # PyYAML's, argparse's and winkube's own patterns, compiled by re
    warm = run(tmp_path, tmp_path / "cache", "lint", "app.yaml")
    assert warm[:2] == cold[:2]
    assert warm[2] == 0, "a warm lint compiled a pattern the cache should have held"
    assert b"marker-zz9" not in (tmp_path / "cache" / f"regex-{sys.implementation.cache_tag}.marshal").read_bytes()


def test_patterns_made_from_the_repository_are_never_stored(tmp_path):
    # .gitignore lines and a .winkube.yaml's exclude globs are compiled while the input is read:
    # the repository's text, which has no place in the user's cache (and would churn it per repo)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("ignored-zz7-*.yaml\n")
    (tmp_path / ".winkube.yaml").write_text('exclude: ["private-qq8/**"]\n')
    (tmp_path / "app.yaml").write_text(MANIFEST)
    (tmp_path / "ignored-zz7-a.yaml").write_text("not: [valid")
    code, out, compiled = run(tmp_path, tmp_path / "cache", "lint", ".")
    assert code == 1 and "linux-shell-in-windows-container" in out and compiled > 50
    patterns = [e[1] for e in stored(tmp_path / "cache")[1]]
    assert len(patterns) > 50 and not [p for p in map(str, patterns) if "zz7" in p or "qq8" in p]
    # a warm run compiles only the repository's own again (pathspec makes a few per .gitignore line)
    assert 2 <= run(tmp_path, tmp_path / "cache", "lint", ".")[2] <= 8


def test_every_stored_pattern_is_the_one_re_compiles(tmp_path):
    (tmp_path / "app.yaml").write_text(MANIFEST)
    run(tmp_path, tmp_path / "cache", "lint", "app.yaml")
    key, entries = stored(tmp_path / "cache")
    assert key == _key() and len(entries) > 50
    for flags, pattern, *args in entries:
        rebuilt = _sre.compile(pattern, *args)
        fresh = re._compiler.compile(pattern, flags)  # not re.compile: that could answer from re's cache
        assert rebuilt == fresh and rebuilt.groupindex == fresh.groupindex and rebuilt.groups == fresh.groups, pattern


def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(tmp_path):
    (tmp_path / "app.yaml").write_text(MANIFEST)
    expected = run(tmp_path, tmp_path / "reference", "lint", "app.yaml")[:2]
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / f"regex-{sys.implementation.cache_tag}.marshal"
    # the code of another pattern ("y"), filed under one imagetags uses, by another interpreter
    bogus = (0, r"ltsc(\d{4})", 0, [int(c) for c in re._compiler._code(re._parser.parse("y"), 0)], -1, {}, ())
    for damage in (b"\x00not marshal", marshal.dumps(((1, "2.7.18", 0, 4), [bogus])),  # another interpreter's
                   marshal.dumps((_key(), [(0, "x", 0, [1, 2, 3], 0, {}, ())]))):  # code _sre refuses
        path.write_bytes(damage)
        assert run(tmp_path, cache, "lint", "app.yaml")[:2] == expected
        assert stored(cache)[0] == _key()  # written again, whole


def test_only_a_lint_process_writes_it_and_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    (tmp_path / "app.yaml").write_text(MANIFEST)
    run(tmp_path, tmp_path / "cache", "explain", "container marker-qq7 failed: exit code 3221225781")
    assert not (tmp_path / "cache" / f"regex-{sys.implementation.cache_tag}.marshal").exists()
    # main() inside a caller's process (here: pytest's, with its own patterns in re's cache) never writes
    monkeypatch.setenv("WINKUBE_CACHE", str(tmp_path / "in-process"))
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["lint", "app.yaml"]) == 1
    assert not (tmp_path / "in-process" / f"regex-{sys.implementation.cache_tag}.marshal").exists()
    (tmp_path / "file").write_text("not a directory")
    code, out, compiled = run(tmp_path, tmp_path / "file" / "cache", "lint", "app.yaml")
    assert code == 1 and "linux-shell-in-windows-container" in out and compiled > 50
