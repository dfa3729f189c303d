"""The parsed-knowledge cache (knowledge/cache.py): same answer as parsing, never a stale one."""
from __future__ import annotations

import datetime
import os

from winkube.knowledge import read_yaml
from winkube.knowledge.cache import cached


def entries(cache_dir) -> list[str]:
    where = os.path.join(cache_dir, "knowledge")
    return sorted(os.listdir(where)) if os.path.isdir(where) else []


def test_a_cached_parse_equals_a_fresh_one_dates_included(tmp_path, monkeypatch):
    monkeypatch.setenv("WINKUBE_CACHE", str(tmp_path / "cache"))
    shipped = os.path.join(os.path.dirname(__import__("winkube.knowledge").knowledge.__file__), "windows_builds.yaml")
    first = read_yaml(shipped)  # parsed, then written
    assert len(entries(tmp_path / "cache")) == 1
    second = read_yaml(shipped)  # from the cache
    assert second == first  # a date stored as its tagged tuple would differ here
    assert any(isinstance(v, datetime.date) for row in second["builds"] for v in row.values())


def test_an_edited_file_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("WINKUBE_CACHE", str(tmp_path / "cache"))
    from winkube.knowledge import _parse_yaml

    data = tmp_path / "facts.yaml"
    data.write_text("a: 1\nwhen: 2024-10-08\n")
    assert cached(str(data), _parse_yaml) == {"a": 1, "when": datetime.date(2024, 10, 8)}
    data.write_text("a: 2\nwhen: 2024-10-08\n")  # same size: the content's checksum tells them apart
    assert cached(str(data), _parse_yaml) == {"a": 2, "when": datetime.date(2024, 10, 8)}
    assert len(entries(tmp_path / "cache")) == 1  # one entry per path, rewritten


def test_only_shipped_files_are_cached(tmp_path, monkeypatch):
    # overrides ($WINKUBE_KNOWLEDGE_DIR, tests' temporary files) would otherwise add an entry each
    monkeypatch.setenv("WINKUBE_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "facts.yaml"
    data.write_text("a: 1\n")
    assert read_yaml(str(data)) == {"a": 1}
    assert entries(tmp_path / "cache") == []


def test_a_damaged_or_unwritable_cache_only_costs_a_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("WINKUBE_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "facts.yaml"
    data.write_text("rows: [1, 2, 3]\n")
    calls = []

    def parse(raw: bytes):
        calls.append(raw)
        return {"rows": [1, 2, 3]}

    assert cached(str(data), parse) == {"rows": [1, 2, 3]}
    entry = tmp_path / "cache" / "knowledge" / entries(tmp_path / "cache")[0]
    entry.write_bytes(b"\x00not marshal")
    assert cached(str(data), parse) == {"rows": [1, 2, 3]}
    assert len(calls) == 2  # the damaged entry was parsed again (and rewritten)
    assert cached(str(data), parse) == {"rows": [1, 2, 3]} and len(calls) == 2
    # a cache directory that cannot be created (a file is in the way): parsed every time, no error
    monkeypatch.setenv("WINKUBE_CACHE", str(data))
    assert cached(str(data), parse) == {"rows": [1, 2, 3]} and len(calls) == 3


def test_a_schema_from_the_cache_answers_as_the_file_does(tmp_path, monkeypatch):
    # the cache keeps each schema type marshalled, decoded on first use (structure/schema.py)
    import json

    from winkube.structure import schema

    monkeypatch.setenv("WINKUBE_CACHE", str(tmp_path / "cache"))
    major, minor = schema.available()[-1]
    path = os.path.join(schema._OPENAPI, f"v{major}.{minor}.json")
    with open(path, "rb") as fh:
        plain = json.loads(fh.read())
    parsed = schema.Schema(cached(path, schema._parse))  # parsed, then written
    assert len(entries(tmp_path / "cache")) == 1
    for s in (parsed, schema.Schema(cached(path, schema._parse))):  # and read back
        assert s.kinds == plain["kinds"] and len(plain["types"]) > 500
        for name, t in plain["types"].items():
            st = s.struct(name)
            assert (st.go, st._raw, st.required, st.enums) == (t["go"], t["props"], tuple(t.get("required", ())),
                                                               t.get("enums", {}))
