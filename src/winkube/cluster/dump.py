"""Offline input for audit and plan: `kubectl get … -o json|yaml` files → objects.

JSON dumps are streamed: a List's items are decoded one at a time (json.JSONDecoder.raw_decode
over the file's text), so a 500 MB `kubectl get pods -A -o json` never exists as one Python object
tree (that alone would take ~3 GB). YAML, and JSON that is not a single object, go through
winkube's reader (kubectl's scalar rules, positioned errors).
"""
from __future__ import annotations

import json
import re
from typing import Iterator

from ..errors import InvalidInput

_WS = re.compile(r"[ \t\n\r]*")


class _Malformed(InvalidInput):
    def __init__(self, pos: int, what: str):
        super().__init__(what)
        self.pos = pos


def _typed(item, list_kind: str | None, list_api: str | None):
    """Items of a typed list saved from the raw API (`PodList` items carry no kind)."""
    if isinstance(item, dict) and not item.get("kind") and list_kind and list_kind.endswith("List") and list_kind != "List":
        item["kind"] = list_kind[:-4]
        if "apiVersion" not in item and list_api:
            item["apiVersion"] = list_api
    return item


def _stream_json(text: str) -> Iterator[dict]:
    """Objects of one JSON text: a List's items one by one, else the single object."""
    dec = json.JSONDecoder()
    raw = dec.raw_decode
    i = _WS.match(text, 0).end()
    if i >= len(text) or text[i] != "{":
        raise _Malformed(i, "not a JSON object")
    i += 1
    top: dict = {}
    pending: list = []  # items seen before the list's kind
    streamed = False
    while True:
        i = _WS.match(text, i).end()
        if i < len(text) and text[i] == "}":
            i += 1
            break
        if i >= len(text) or text[i] != '"':
            raise _Malformed(i, "expected a key")
        key, i = raw(text, i)
        i = _WS.match(text, i).end()
        if i >= len(text) or text[i] != ":":
            raise _Malformed(i, "expected ':'")
        i = _WS.match(text, i + 1).end()
        if key == "items" and i < len(text) and text[i] == "[":
            streamed = True
            i = _WS.match(text, i + 1).end()
            if i < len(text) and text[i] == "]":
                i += 1
            else:
                while True:
                    try:
                        item, i = raw(text, i)
                    except json.JSONDecodeError as e:
                        raise _Malformed(e.pos, e.msg) from None
                    kind = top.get("kind")
                    if isinstance(item, dict) and not item.get("kind") and kind is None:
                        pending.append(item)
                    else:
                        yield _typed(item, kind, top.get("apiVersion"))
                    i = _WS.match(text, i).end()
                    if i < len(text) and text[i] == ",":
                        i = _WS.match(text, i + 1).end()
                        continue
                    if i < len(text) and text[i] == "]":
                        i += 1
                        break
                    raise _Malformed(i, "expected ',' or ']' in items")
        else:
            try:
                value, i = raw(text, i)
            except json.JSONDecodeError as e:
                raise _Malformed(e.pos, e.msg) from None
            top[key] = value
        i = _WS.match(text, i).end()
        if i < len(text) and text[i] == ",":
            i += 1
    if _WS.match(text, i).end() != len(text):
        raise _Malformed(i, "extra data after the object")
    for item in pending:
        yield _typed(item, top.get("kind"), top.get("apiVersion"))
    if not streamed:
        if isinstance(top.get("kind"), str) and top["kind"].endswith("List") and isinstance(top.get("items"), list):
            for item in top["items"]:
                yield _typed(item, top["kind"], top.get("apiVersion"))
        else:
            yield top


def iter_dump(paths: list[str], errors: list[str]) -> Iterator[dict]:
    """Every object (a dict with a kind) in the given files/directories, List items expanded, in
    file order; unreadable input is appended to errors as 'file:line: message'."""
    from ..engine import expand
    from ..load.documents import read_text
    from ..load.inputs import iter_sources
    from ..model.finding import InputError

    problems: list[InputError] = []
    try:
        for src in iter_sources(list(paths), problems):
            text = src.text
            skipped = 0  # items that are not Kubernetes objects: said once per file, with a count

            def not_an_object(obj) -> None:
                nonlocal skipped
                skipped += 1
                if skipped == 1:
                    what = f"a {type(obj).__name__}" if not isinstance(obj, dict) else "an object with no kind"
                    problems.append(InputError(src.name, f"an item is not a Kubernetes object ({what}); skipped"))

            if src.json or text.lstrip()[:1] == "{":
                try:
                    for obj in _stream_json(text):
                        if isinstance(obj, dict) and isinstance(obj.get("kind"), str) and obj["kind"]:
                            yield obj
                        else:
                            not_an_object(obj)
                    if skipped > 1:
                        problems.append(InputError(src.name, f"{skipped} items in all are not Kubernetes objects; skipped"))
                    continue
                except _Malformed as e:
                    if e.pos > 0 and src.json:
                        problems.append(InputError(src.name, f"invalid JSON: {e}", text.count("\n", 0, e.pos) + 1))
                        continue
                    # not JSON after all (YAML flow mapping …): the general reader below
            for doc in read_text(src.name, src.text, problems, json_file=src.json):
                parent = doc.obj if isinstance(doc.obj, dict) else {}
                for sub, _ in expand(doc):
                    obj = _typed(sub.obj, parent.get("kind") if isinstance(parent.get("kind"), str) else None,
                                 parent.get("apiVersion"))
                    if isinstance(obj, dict) and isinstance(obj.get("kind"), str) and obj["kind"]:
                        yield obj
                    elif not isinstance(obj, dict) and doc.obj is not sub.obj:
                        not_an_object(obj)  # a List item that is no object (a kind-less document may be any YAML)
            if skipped > 1:
                problems.append(InputError(src.name, f"{skipped} items in all are not Kubernetes objects; skipped"))
    finally:
        errors.extend(f"{e.file}:{e.line or '?'}: {e.message}" for e in problems)


def load_dump(paths: list[str], errors: list[str] | None = None) -> dict[str, list[dict]]:
    """Every object in the given files/directories (List kinds expanded), grouped by kind.

    Items of a typed list saved from the raw API (``PodList`` items carry no ``kind``) get the
    kind and apiVersion of their list. Unreadable documents are appended to ``errors`` when a
    list is given (the rest is still returned); without one, any of them raises ClusterError
    naming the file and line.
    """
    from .client import ClusterError

    problems: list[str] = []
    out: dict[str, list[dict]] = {}
    for obj in iter_dump(paths, problems):
        out.setdefault(obj["kind"], []).append(obj)
    if problems:
        if errors is None:
            raise ClusterError("cannot read the dump: " + "; ".join(problems[:5]) +
                               (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
        errors.extend(problems)
    return out
