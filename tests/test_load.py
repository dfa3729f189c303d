"""The YAML/JSON reader: Kubernetes' scalar semantics, positions, and hostile input."""
from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from winkube.load.documents import _DOC_START, Lines, _document_spans, read_text
from winkube.load.k8syaml import resolve_plain


def docs(text, name="t.yaml", json_file=False):
    errors = []
    out = list(read_text(name, text, errors, json_file=json_file))
    return out, errors


@pytest.mark.parametrize("text,value", [
    ("yes", True), ("Yes", True), ("on", True), ("ON", True), ("y", True), ("true", True),
    ("no", False), ("Off", False), ("n", False), ("FALSE", False),
    ("0644", 420), ("0o644", 420), ("0x1F", 31), ("0b101", 5), ("-12", -12), ("1_000", 1000),
    ("09", 9.0), ("1e3", 1000.0), (".5", 0.5),
    ("~", None), ("null", None), ("", None),
    ("2024-01-01", "2024-01-01"),  # go-yaml v2 keeps timestamps as strings for interface{}
    ("12:30", "12:30"),  # no YAML 1.1 sexagesimal ints in go-yaml
    ("windows", "windows"), ("10.0.20348", "10.0.20348"), ("1.37", 1.37),
])
def test_plain_scalars_resolve_as_go_yaml_v2(text, value):
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_quoted_and_tagged_scalars_stay_strings():
    (d,), errors = docs('a: "yes"\nb: \'0644\'\nc: !!str 123\nd: !!int "7"\n')
    assert d.obj == {"a": "yes", "b": "0644", "c": "123", "d": 7}
    assert errors == []


def test_privileged_yes_is_true():
    (d,), _ = docs("spec:\n  containers:\n  - securityContext: {privileged: yes}\n")
    assert d.obj["spec"]["containers"][0]["securityContext"]["privileged"] is True


def test_positions_point_at_the_key_and_nearest_parent():
    text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    securityContext:\n      privileged: true\n"
    (d,), _ = docs(text)
    assert d.locate(("spec", "containers", 0, "securityContext", "privileged")) == (7, 7)
    assert d.locate(("spec", "containers", 0)) == (5, 5)
    # a missing field points at its nearest existing parent
    assert d.locate(("spec", "containers", 0, "securityContext", "runAsUser")) == (6, 5)
    assert d.locate(("spec", "os", "name")) == (3, 1)


def test_multi_document_positions_are_absolute():
    text = "kind: A\n---\nkind: B\nspec:\n  x: 1\n"
    (a, b), _ = docs(text)
    assert b.obj["kind"] == "B" and b.locate(("spec", "x")) == (5, 3)


def test_json_positions_are_read_lazily():
    text = json.dumps({"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "x"}]}}, indent=2)
    (d,), errors = docs(text, "p.json", json_file=True)
    assert errors == []
    line, col = d.locate(("spec", "containers", 0, "image"))
    assert text.splitlines()[line - 1].strip().startswith('"image"')


def test_merge_keys_and_anchors():
    (d,), _ = docs("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n")
    assert d.obj["x"] == {"a": 1, "b": 3}


def test_duplicate_keys_are_reported_with_line():
    (d,), errors = docs("a: 1\nb: 2\na: 3\n")
    assert d.obj["a"] == 3
    assert len(errors) == 1 and errors[0].line == 3 and "duplicate key 'a'" in errors[0].message


def test_invalid_document_does_not_lose_the_rest():
    text = "kind: A\n---\nkind: [B\n---\nkind: C\n"
    out, errors = docs(text)
    assert [d.obj["kind"] for d in out] == ["A", "C"]
    assert len(errors) == 1 and errors[0].line in (3, 4, 5) and "invalid YAML" in errors[0].message
    assert out[1].locate(("kind",)) == (5, 1)


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    out, errors = docs("\n".join(lines) + "\n")
    assert out == [] and "alias" in errors[0].message


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "- " * 50_000 + "x\n", "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 1200))])
def test_deep_nesting_is_a_clear_error_not_a_crash(text):
    # run in a child so that a crash (the C composer recursing) would fail the test instead of pytest
    code = ("import sys; from winkube.load.documents import read_text; e=[]; "
            "d=list(read_text('x', sys.stdin.read(), e)); print(len(d), e[0].message if e else '')")
    out = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.startswith("0 ") and "nesting" in out.stdout  # ours, or libyaml's own limit


def test_non_utf8_and_binary_inputs(tmp_path):
    from winkube.load.inputs import iter_sources
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02kind: Pod")
    (tmp_path / "latin.yaml").write_bytes(b"kind: Pod\nname: caf\xe9\n")
    (tmp_path / "ok.yaml").write_text("kind: Pod\n")
    errors = []
    srcs = list(iter_sources([str(tmp_path)], errors))
    assert [s.name.rsplit("/", 1)[-1] for s in srcs] == ["ok.yaml"]
    messages = sorted(e.message for e in errors)
    assert messages[0] == "binary file, not YAML or JSON"
    assert messages[1].startswith("not valid UTF-8") and errors[1].line == 2 or any(e.line == 2 for e in errors)


def test_missing_path_and_empty_dir(tmp_path):
    from winkube.load.inputs import iter_sources
    errors = []
    assert list(iter_sources([str(tmp_path / "nope.yaml"), str(tmp_path)], errors)) == []
    assert [e.message for e in errors] == ["no such file or directory", "no .yaml, .yml or .json files in this directory"]


def test_long_lines_of_nesting_on_the_main_thread_do_not_crash():
    # 20,000 levels of "- " in one line: deeper than the default stack allows the C composer
    code = ("import sys; from winkube.load.documents import read_text; e=[]; "
            "d=list(read_text('x', sys.stdin.read(), e)); print(len(d), e[0].message if e else '')")
    out = subprocess.run([sys.executable, "-c", code], input="- " * 20_000 + "x\n", capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.startswith("0 ") and "nesting" in out.stdout


def test_huge_document_is_skipped_with_a_clear_error_and_the_rest_is_read(monkeypatch):
    import winkube.load.documents as d
    monkeypatch.setattr(d, "MAX_DOCUMENT_CHARS", 1000)  # the real limit is 256 MiB; a small one tests the same logic without writing it
    big = "kind: Big\ndata:\n" + "".join(f"  k{i}: v\n" for i in range(200))
    text = "kind: A\n---\n" + big + "---\nkind: C\n"
    errors = []
    out = list(d.read_text("x.yaml", text, errors))
    assert [o.obj["kind"] for o in out] == ["A", "C"]
    assert out[1].locate(("kind",))[0] == text.splitlines().index("kind: C") + 1
    assert len(errors) == 1 and errors[0].line == 2 and "document too large" in errors[0].message


def test_document_spans_are_where_the_marker_regex_matches():
    # _document_spans finds `---` lines with str.find; _DOC_START (the regex it replaced) is the spec
    def spec(text):
        out, start = [], 0
        for m in _DOC_START.finditer(text):
            if m.start() > start:
                out.append((start, m.start()))
            start = m.start()
        return out + [(start, len(text))] if start < len(text) else out

    rng = random.Random(7)
    parts = ["---", "--- a", "----", "---\t", "%YAML 1.1", "%TAG ! x", "a: 1", "", " ---", "x---", "---\r", "...", "-- -"]
    for _ in range(20000):
        lines = [rng.choice(parts) for _ in range(rng.randint(0, 8))]
        text = rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n", "---"])
        assert list(_document_spans(text)) == spec(text), text


def test_lines_gives_each_line_in_any_order():
    rng = random.Random(11)
    for _ in range(300):
        lines = ["x" * rng.randint(0, 5) + ("\r" if rng.random() < 0.2 else "") for _ in range(rng.randint(0, 600))]
        text = "\n".join(lines) + "\n"
        get = Lines(text)
        for q in [rng.randint(-1, len(lines) + 3) for _ in range(40)] + sorted(rng.randint(1, len(lines) + 2) for _ in range(40)):
            assert get(q) == (lines[q - 1].rstrip("\r") if 1 <= q <= len(lines) else ""), q


def test_source_line_of_every_finding_is_that_line_of_the_file():
    """The locator tells Lines where a located line starts (libyaml's mark index): the reported
    source line must be the file's own line, in ASCII, CRLF, lone-CR and non-ASCII files alike."""
    from pathlib import Path

    from winkube.engine import Engine, Options
    from winkube.load.inputs import Source

    texts = [p.read_text() for p in sorted(Path(__file__).parent.parent.joinpath("examples").glob("*.yaml"))]
    texts.append("\n---\n".join(texts))
    texts += [texts[-1].replace("\n", "\r\n"), texts[-1].replace("image:", "# é\n        image:"),
              "# \r\n" + texts[-1], texts[-1].replace("metadata:", "metadata:  # 日本\u2028")]
    seen = 0
    for i, text in enumerate(texts):
        result = Engine(Options()).lint_sources([Source(f"t{i}.yaml", text, False)], [])
        own = text.split("\n")
        for f in result.findings:
            assert f.source_line == own[f.line - 1].rstrip("\r"), (i, f.rule, f.line)
            seen += 1
    assert seen > 50
