"""The YAML reader, pinned: libyaml is the event walker's source, go-yaml v2's merge/anchor/tag/duplicate
semantics hold on generated documents, libyaml's events and PyYAML's pure-Python events give the
same objects, positions and errors, and the fast path (libyaml's composer, load/k8snodes.py) gives
the event walker's answer wherever it answers at all (hypothesis, derandomized so CI is repeatable)."""
from __future__ import annotations

import math
import re

import yaml.cyaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winkube.load import k8snodes, k8syaml
from winkube.load.documents import _table_locator, read_text
from winkube.load.k8snodes import _NotPlain, _plain_tree, locate_plain, may_alias, positions, read_span
from winkube.load.k8syaml import Duplicates, PythonParser, YAMLInputError, iter_documents

PROPERTY = settings(derandomize=True, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (YAML text, the value go-yaml v2 gives it into interface{})
SCALARS = [("yes", True), ("off", False), ("y", True), ("0644", 420), ("'0644'", "0644"), ("0x1F", 31),
           ("1e3", 1000.0), ("~", None), ("null", None), ("x", "x"), ("windows", "windows"), ("!!str 12", "12"),
           ("!!int '7'", 7), ("!!float 1", 1.0), ("!!bool yes", True), ("!custom v", "v"), ("12:30", "12:30"),
           ('"a\\tb"', "a\tb"), ("2024-01-01", "2024-01-01"), ("-12", -12), ("1_000", 1000), ("'<<'", "<<")]


def test_libyaml_is_the_event_source():
    # the bug this pins: `from yaml import CParser` always failed, so the reader ran PyYAML's
    # pure-Python parser behind a `pragma: no cover` without anyone noticing
    assert k8syaml.EventParser is yaml.cyaml.CParser


def _answer(raw):
    if raw.positions is None:
        return _plain(raw.obj), raw.start_line, raw.duplicate_keys, raw.aliased
    locate = _table_locator(raw.obj, raw.positions, raw.start_line)
    return (_plain(raw.obj), raw.start_line, raw.duplicate_keys, raw.aliased,
            {p: locate(p) for p in _paths(raw.obj, (), set())})


def read(text: str, parser=None, positions=True):
    """(objects, {path: position} of every key and item, error) of a stream, by the event walker."""
    out, err = [], None
    try:
        for raw in iter_documents(text, positions=positions, parser=parser):
            out.append(_answer(raw))
    except YAMLInputError as e:
        # a syntax error is the parser's (libyaml and PyYAML word it differently, and may place it
        # a line apart at the end of the text): both must find one; errors the walker finds must
        # agree word for word and line for line
        err = ("syntax error", None) if e.syntax else (e.message, e.line)
    return out, err


def _plain(o):
    if isinstance(o, float) and math.isnan(o):
        return "NaN"
    if isinstance(o, dict):
        return {k: _plain(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_plain(v) for v in o]
    return o


def _paths(o, prefix, seen):
    if id(o) in seen:  # shared through an alias: its own positions were listed once
        return
    if isinstance(o, (dict, list)):
        seen = seen | {id(o)}
        for k, v in (o.items() if isinstance(o, dict) else enumerate(o)):
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,), seen)


@st.composite
def documents(draw):
    """A block mapping document with nested block/flow values, anchors, aliases, merge keys,
    duplicates and tags, with the value go-yaml v2 gives it (computed by a model of its rules)."""
    lines: list[str] = []
    anchors: dict[str, object] = {}
    counter = [0]
    duplicates = [0]

    def scalar():
        return draw(st.sampled_from(SCALARS))

    def flow():
        if draw(st.booleans()):
            items = [scalar() for _ in range(draw(st.integers(0, 3)))]
            return "[" + ", ".join(t for t, _ in items) + "]", [v for _, v in items]
        keys = draw(st.lists(st.sampled_from("abcd"), max_size=3, unique=True))
        items = [(k, scalar()) for k in keys]
        return "{" + ", ".join(f"{k}: {t}" for k, (t, _) in items) + "}", {k: v for k, (_, v) in items}

    def mapping(indent: int, depth: int) -> dict:
        out: dict = {}
        explicit: set = set()
        keys = draw(st.lists(st.sampled_from(["a", "b", "c", "name", "<<", "dup"]), min_size=1, max_size=5))
        pad = " " * indent
        for key in keys:
            if key == "<<":
                maps = [n for n, v in anchors.items() if isinstance(v, dict)]
                choice = draw(st.integers(0, 2))
                if choice == 0 and maps:
                    name = draw(st.sampled_from(maps))
                    lines.append(f"{pad}<<: *{name}")
                    sources = [anchors[name]]
                elif choice == 1 and maps:
                    names = draw(st.lists(st.sampled_from(maps), min_size=1, max_size=3))
                    lines.append(f"{pad}<<: [" + ", ".join(f"*{n}" for n in names) + "]")
                    sources = [anchors[n] for n in names]
                else:
                    text, value = flow()
                    if not isinstance(value, dict):
                        text, value = "{a: 1, b: 2}", {"a": 1, "b": 2}
                    lines.append(f"{pad}<<: {text}")
                    sources = [value]
                for s in reversed(sources):  # go-yaml: earlier sources win, over keys set before
                    out.update(s)
                continue
            duplicates[0] += key in explicit
            explicit.add(key)
            kind = draw(st.integers(0, 4 if depth < 3 else 1))
            if kind == 0:
                text, value = scalar()
                lines.append(f"{pad}{key}: {text}")
            elif kind == 1:
                text, value = flow()
                anchor = ""
                if draw(st.booleans()):
                    counter[0] += 1
                    anchor = f"&n{counter[0]} "
                lines.append(f"{pad}{key}: {anchor}{text}")
                if anchor:
                    anchors[f"n{counter[0]}"] = value
            elif kind == 2 and anchors:
                name = draw(st.sampled_from(sorted(anchors)))
                lines.append(f"{pad}{key}: *{name}")
                value = anchors[name]
            elif kind == 3:
                counter[0] += 1
                name = f"m{counter[0]}"
                anchored = draw(st.booleans())
                lines.append(f"{pad}{key}:" + (f" &{name}" if anchored else ""))
                value = mapping(indent + 2, depth + 1)
                if anchored:
                    anchors[name] = value
            else:
                lines.append(f"{pad}{key}:")
                value = []
                for _ in range(draw(st.integers(1, 3))):
                    text, item = scalar()
                    lines.append(f"{pad}- {text}")
                    value.append(item)
            out[key] = value
        return out

    expected = mapping(0, 0)
    return "\n".join(lines) + "\n", expected, duplicates[0]


@PROPERTY
@given(documents())
def test_go_yaml_semantics_on_generated_documents(case):
    text, expected, duplicates = case
    errors: list = []
    docs = list(read_text("g.yaml", text, errors))
    assert [d.obj for d in docs] == [expected]
    assert len(errors) == duplicates and all("duplicate key" in e.message for e in errors)
    last = {}  # a top-level key is located where it was last set explicitly
    for i, line in enumerate(text.splitlines(), 1):
        if line[:1].isalpha():
            last[line.split(":", 1)[0]] = i
    assert {k: docs[0].locate((k,)) for k in last} == {k: (i, 1) for k, i in last.items()}


@PROPERTY
@given(documents(), st.data())
def test_libyaml_and_python_events_give_the_same_answers(case, data):
    text = case[0]
    # and the same text damaged: same errors, at the same line
    if data.draw(st.booleans()):
        # between tokens: inside a tag, libyaml and PyYAML accept different characters (`!![str`; a tab after `: `)
        at = data.draw(st.sampled_from([0] + [i + 1 for i, c in enumerate(text) if c in " \n"]))
        text = text[:at] + data.draw(st.sampled_from(["[", "]", "{", ": ", "*z", "&", "'", "\n  x", "---\n"])) + text[at:]
    assert read(text) == read(text, PythonParser)


def _fast(text: str, want_positions: bool):
    spans = read_span(text, want_positions)
    return None if spans is None else ([_answer(raw) for raw, _ in spans], None)


@PROPERTY
@given(documents(), st.data())
def test_fast_path_gives_the_event_walkers_answer(case, data):
    text = case[0]
    if data.draw(st.booleans()):  # damaged: the fast path must leave it to the event walker
        at = data.draw(st.sampled_from([0] + [i + 1 for i, c in enumerate(text) if c in " \n"]))
        text = text[:at] + data.draw(st.sampled_from(["[", "]", "{", ": ", "*z", "&", "'", "\n  x", "---\n", "&n1 "])) + text[at:]
    fast = _fast(text, False)
    if fast is None:  # only where the event walker finds an error, or an anchor is redefined
        names = re.findall(r"&(\w+)", text)
        assert read(text, positions=False)[1] is not None or len(names) > len(set(names))
    else:
        assert fast == read(text, positions=False)
    located = _fast(text, True)
    if located is not None:  # it gives up positions where an alias is used (placed at its anchor)
        assert located == read(text)
        assert not any(doc[3] for doc in located[0])
    spans = read_span(text)
    if spans is not None:  # a kept root node relocated gives the positions a re-read gives
        again = [positions(root, may_alias(text)) for _, root in spans]
        assert [None if r is None else _answer(r) for r in again] == [
            None if doc[3] else doc for doc in read(text)[0]]
        for raw, root in spans:  # a plain document's findings are located in its node tree: as the table says
            if raw.plain:
                again = positions(root, False)
                locate = _table_locator(again.obj, again.positions, again.start_line)
                for p in [p + extra for p in _paths(raw.obj, (), set()) for extra in ((), ("zz",), (0,))] + [("zz",)]:
                    assert locate_plain(root, p) == locate(p), p
        for _, root in spans if not may_alias(text) else ():  # the plain-shape walker against the general one
            duplicates = Duplicates()
            try:
                plain = _plain_tree(root, 0, duplicates)
            except _NotPlain:
                continue
            general = positions(root, False)
            assert (_plain(plain), duplicates) == (_plain(general.obj), general.duplicate_keys)


def test_fast_path_answers_ordinary_documents():
    # the test above is not vacuous: generated documents without errors are read by the fast path
    text = "a: &m {x: 1}\nb:\n  <<: [*m, {q: 2}]\n  q: 3\nc: [yes, 0644, '0644', !!str 12]\nc: *m\n"
    (doc,) = k8snodes.read_documents(text)
    assert read_span(text) is not None
    assert doc.obj == {"a": {"x": 1}, "b": {"x": 1, "q": 3}, "c": {"x": 1}} and doc.aliased
    assert doc.duplicate_keys == [("c", 6, 1)]
    plain = "kind: Pod\nspec:\n  a: [yes, 0644, '0644', ~, 1e3, {x: 'y'}]\n  yes: 1\n  true: 2\n  '1': 3\n  1: 4\n"
    (root,) = [root for _, root in read_span(plain)]
    duplicates = Duplicates()
    obj = _plain_tree(root, 0, duplicates)
    assert obj == {"kind": "Pod", "spec": {"a": [True, 420, "0644", None, 1000.0, {"x": "y"}], "true": 2, "1": 4}}
    assert duplicates == [("true", 5, 3), ("1", 7, 3)] == positions(root, False).duplicate_keys
    assert read_span(plain)[0][0].plain and not read_span(text)[0][0].plain
    assert [locate_plain(root, p) for p in [("spec", "true"), ("spec", "1"), ("spec", "a", 5, "x"), ("spec", "b")]] == [
        (5, 3), (7, 3), (3, 35), (2, 1)]


def test_what_the_fast_path_leaves_to_the_event_walker_still_reads():
    deep = "a:\n" + "".join(" " * (2 * i) + f"  k{i}:\n" for i in range(150)) + " " * 302 + "v: 1\n"
    anchors = "a: &x 1\nb: &x 2\nc: *x\n"  # libyaml's composer refuses a redefined anchor; go-yaml takes the last
    for text in (deep, anchors, "k: " + "x" * (k8snodes.MAX_CHARS + 1) + "\n"):
        assert read_span(text) is None or len(text) > k8snodes.MAX_CHARS
        errors: list = []
        (doc,) = list(read_text("t.yaml", text, errors))
        assert errors == [] and doc.obj == read(text, positions=False)[0][0][0]
    assert list(read_text("t.yaml", anchors, []))[0].obj == {"a": 1, "b": 2, "c": 2}
    # an alias needs an anchor: a `*` alone (RBAC's verbs: ['*']) keeps the plain-shape walk, and an
    # alias of no anchor is left to the event walker, whose error it is
    rbac = "rules:\n- verbs: ['*']\n  resources: [\"*\"]\n"
    (raw, _), = read_span(rbac)
    assert raw.plain and raw.obj == {"rules": [{"verbs": ["*"], "resources": ["*"]}]} and not may_alias(rbac)
    errors = []
    assert read_span("a: *x\n") is None and list(read_text("t.yaml", "a: *x\n---\nb: 1\n", errors))[0].obj == {"b": 1}
    assert [e.message for e in errors] == ["invalid YAML: unknown alias *x"]


def test_merge_list_keeps_its_merge():
    # the event reader used to copy the list before its items were read: `<<: [...]` merged nothing
    (d,), errors = list(read_text("m.yaml", "<<: [{a: 1}, {a: 2, b: 3}]\nc: 4\n", [])), []
    assert d.obj == {"a": 1, "b": 3, "c": 4}


def test_merge_follows_go_yaml_order():
    text = "base: &b {a: 1, b: 2}\nx:\n  b: 0\n  <<: *b\n  a: 3\n"
    errors: list = []
    (d,) = list(read_text("m.yaml", text, errors))
    # go-yaml v2 sets merged keys when it meets `<<`: over b before it, under a after it
    assert d.obj["x"] == {"b": 2, "a": 3}
    assert errors == []  # keys a merge set are not duplicates


def test_self_containing_anchor_is_an_error_not_a_cycle():
    errors: list = []
    assert list(read_text("c.yaml", "a: &a [*a]\n---\nkind: B\n", errors))[0].obj == {"kind": "B"}
    assert [(e.message, e.line) for e in errors] == [("invalid YAML: anchor 'a' value contains itself", 1)]
