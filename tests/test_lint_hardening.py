"""Issue 10, lint input: each attack that broke `winkube lint`, at a size that runs in seconds (the
full-size runs, with their memory multiples, are tests/attack/test_lint_*.py). Every one runs the
real command in a child process, with a good file after the hostile one: its finding must still be
printed, and no traceback ever."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from lintrss import base_rss, run_lint

GOOD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec:\n  os: {name: windows}\n"
        "  containers:\n  - name: c\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n"
        "    securityContext: {privileged: true}\n")


@pytest.fixture
def good(tmp_path):
    p = tmp_path / "zz-good.yaml"
    p.write_text(GOOD)
    return str(p)


def assert_clean(run, good_path):
    """No traceback, and the good file's finding is there: output for every other file is kept."""
    assert b"Traceback" not in run.stderr and b"Traceback" not in run.stdout, run.stderr[-3000:]
    assert f"{good_path}:9".encode() in run.stdout and b"privileged" in run.stdout, run.stdout[-2000:]


def test_a_thousand_invalid_documents_do_not_recurse(tmp_path, good):
    # main recursed once per invalid document (resume after `---`) into a RecursionError
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [A\n---\n" * 3000 + GOOD)
    r = run_lint([str(bad), good], timeout=120)
    assert_clean(r, good)
    assert r.code == 2
    assert f"{bad}:{3000 * 2 + 9}".encode() in r.stdout  # the document after them all is still read
    assert b"more input errors in this file not shown (the first 1000 are)" in r.stdout


def test_json_integer_past_4300_digits(tmp_path, good):
    big = tmp_path / "big.json"
    big.write_text('{"apiVersion": "v1", "kind": "ConfigMap", "data": {}, "n": ' + "9" * 5000 + "}")
    r = run_lint([str(big), good], timeout=120)
    assert_clean(r, good)
    assert r.code == 1  # the big integer is read (as Kubernetes does: a float64), nothing else is wrong


def test_json_duplicate_keys_are_reported_like_yaml_ones(tmp_path, good):
    dup = tmp_path / "dup.json"
    dup.write_text('{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "kind": "ConfigMap"\n}\n')
    r = run_lint([str(dup), good])
    assert_clean(r, good)
    assert f"{dup}:4: error: duplicate key 'kind': Kubernetes keeps only the last value".encode() in r.stdout


def test_utf16_with_an_odd_byte_and_utf32_are_named(tmp_path, good):
    odd = tmp_path / "odd.yaml"
    odd.write_bytes("kind: Pod\n".encode("utf-16") + b"\x00")
    u32 = tmp_path / "u32.yaml"
    u32.write_bytes("kind: Pod\n".encode("utf-32"))
    fine = tmp_path / "u16.yaml"
    fine.write_bytes(GOOD.encode("utf-16"))
    r = run_lint([str(odd), str(u32), str(fine), good])
    assert_clean(r, good)
    assert f"{odd}: error: not valid UTF-16: an odd number of bytes".encode() in r.stdout
    assert f"{u32}: error: UTF-32 text: Kubernetes reads YAML and JSON as UTF-8 or UTF-16".encode() in r.stdout
    assert f"{fine}:9".encode() in r.stdout  # UTF-16 with a BOM is read, as go-yaml reads it


def test_fifo_without_a_writer_and_dev_zero_do_not_hang(tmp_path, good):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    r = run_lint([str(fifo), "/dev/zero", good], timeout=60)  # main blocked forever in open()/read()
    assert_clean(r, good)
    assert b"/dev/zero: error: not a regular file (a device or special file): not read" in r.stdout


def test_fifo_with_a_writer_is_read(tmp_path, good):
    # `winkube lint <(helm template …)`: a pipe named on the command line is read, with the same cap
    fifo = tmp_path / "rendered.yaml"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "w") as f:
            f.write(GOOD)

    t = threading.Thread(target=write, daemon=True)
    t.start()
    r = run_lint([str(fifo), good], timeout=60)
    t.join(5)
    assert_clean(r, good)
    assert f"{fifo}:9".encode() in r.stdout


def test_stdin_is_read_in_chunks(tmp_path, good):
    # the cap itself (1 GiB) is proven at full size in tests/attack; here: stdin still reads whole
    r = subprocess.run([sys.executable, "-m", "winkube.cli", "lint", "-", good], input=GOOD.encode(),
                       capture_output=True, timeout=120)
    assert r.returncode == 1 and b"-:9" in r.stdout and b"Traceback" not in r.stderr


def test_read_is_capped_in_process(tmp_path, monkeypatch):
    from winkube.load import inputs
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 1000)  # the real cap is 1 GiB: same code, small numbers
    errors: list = []
    with open("/dev/urandom", "rb") as f:  # an endless stream: read stops at the cap
        assert inputs._read_capped(f, "/dev/urandom", errors) is None
    assert [e.message for e in errors] == ["input too large (more than 0 MiB): skipped"]


def test_alias_amplified_output_is_per_source_location(tmp_path, good):
    pod = ("  - &p\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: x}\n    spec:\n      os: {name: windows}\n"
           "      hostNetwork: true\n      containers:\n      - name: c\n        image: mcr.microsoft.com/windows/servercore:ltsc2019\n"
           "        securityContext: {privileged: true, capabilities: {add: [NET_ADMIN]}}\n")
    doc = "apiVersion: v1\nkind: List\nitems:\n" + pod + "  - *p\n" * 1400
    amp = tmp_path / "amp.yaml"
    amp.write_text(doc + "---\n" + doc)
    r = run_lint([str(amp), good], timeout=300)
    assert_clean(r, good)
    size = amp.stat().st_size
    # main printed every finding once per alias: 7.7 MB for this 23 KB file
    assert len(r.stdout) < 2 * size, len(r.stdout)
    lines = [ln for ln in r.stdout.decode().splitlines() if ln.startswith(str(amp))]
    assert len(lines) == len(set(lines))  # never the same finding twice at one place


def test_closed_stdout_is_no_traceback(tmp_path, good):
    big = tmp_path / "many.yaml"
    big.write_text("---\n".join([GOOD] * 2000))
    code = "import sys; from winkube.cli import main; sys.exit(main())"
    # `winkube lint x | head -1`
    p = subprocess.run(f"{sys.executable} -c '{code}' lint {big} | head -1", shell=True, capture_output=True, timeout=300)
    assert b"Traceback" not in p.stderr and p.stdout.count(b"\n") == 1, p.stderr[-2000:]
    # `winkube lint x >&-`: no stdout at all
    p = subprocess.run(f"{sys.executable} -c '{code}' lint {good} >&-", shell=True, capture_output=True, timeout=120)
    assert b"Traceback" not in p.stderr, p.stderr[-2000:]
    assert p.returncode == 2 and b"standard output is closed" in p.stderr
    # `winkube lint x > /dev/full`: the report cannot be written (a full disk), through the console entry
    p = subprocess.run(f"{sys.executable} -m winkube.cli lint {good} > /dev/full", shell=True, capture_output=True,
                       timeout=120)
    assert b"Traceback" not in p.stderr, p.stderr[-2000:]
    assert p.returncode == 2 and b"cannot write the output: No space left on device" in p.stderr


def test_memory_is_a_bounded_multiple_of_the_input(tmp_path):
    # 4 MB of `- 1` lines: main held ~80x the text (a node with two marks per scalar); now the
    # objects (a list of 1M small ints, 8 bytes each) and the text. Full size: tests/attack.
    f = tmp_path / "ones.yaml"
    f.write_text("- 1\n" * (1 << 20))
    size = f.stat().st_size
    r = run_lint([str(f)], timeout=300)
    assert b"Traceback" not in r.stderr and r.code == 2  # a list is not a Kubernetes object
    assert r.peak_rss - base_rss() < 10 * size, (r.peak_rss - base_rss()) / size


def test_json_keeps_its_fast_path_answers(tmp_path):
    # the duplicate-key hook must not change what is read
    from winkube.load.documents import read_text
    obj = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "n": 2**70}]}}
    errors: list = []
    (d,) = list(read_text("p.json", json.dumps(obj), errors, json_file=True))
    assert errors == [] and d.obj == obj


def test_json_with_surrogate_escapes_is_still_located():
    # json.dumps writes an emoji as \ud83d\ude00, which libyaml's re-read (positions) refuses:
    # every finding fell back to line 1, column 1
    from winkube.load.documents import read_text
    items = [{"kind": "Pod", "metadata": {"name": f"p{i}\U0001F600"}, "spec": {}} for i in range(2)]
    text = json.dumps({"kind": "List", "items": items})
    (d,) = list(read_text("d.json", text, [], json_file=True))
    a, b = d.locate(("items", 0, "spec")), d.locate(("items", 1, "spec"))
    assert a != b and text[a[1] - 1:].startswith('"spec"') and text[b[1] - 1:].startswith('"spec"')
