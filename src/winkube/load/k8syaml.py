"""YAML read the way Kubernetes reads it, from libyaml's event stream.

kubectl and the API server turn YAML into JSON through sigs.k8s.io/yaml, i.e. go-yaml v2's YAML 1.1
scalar rules: `yes`/`on`/`y` are true, `0644` is 420, timestamps stay strings, no sexagesimal ints.
No Python parser reads scalars that way as shipped, and PyYAML's composer recurses in C (a deeply
nested document crashes the process), so objects are built here, iteratively, from libyaml's events:
one pass, bounded depth, bounded alias expansion, duplicate keys seen.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import yaml
from yaml import events as ev

from ..errors import InvalidInput

try:  # libyaml is the fast path; the pure-Python parser gives the same events.
    from yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml.parser import Parser as _ParserBase
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_Reader, _Scanner, _ParserBase):  # type: ignore[no-redef]
        def __init__(self, stream):
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _ParserBase.__init__(self)

MAX_DEPTH = 512  # Kubernetes objects nest a few dozen levels; go-yaml itself stops at 10,000.
MAX_ALIAS_EXPANSION = 100_000  # nodes re-used through aliases per document (billion-laughs guard)

_BOOL = {
    "y": True, "Y": True, "yes": True, "Yes": True, "YES": True, "on": True, "On": True, "ON": True,
    "true": True, "True": True, "TRUE": True,
    "n": False, "N": False, "no": False, "No": False, "NO": False, "off": False, "Off": False,
    "OFF": False, "false": False, "False": False, "FALSE": False,
}
_NULL = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOAT = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf,
    "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}
_GO_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_NUMERIC_START = frozenset("0123456789+-.")
_TAG = "tag:yaml.org,2002:"


class YAMLInputError(InvalidInput):
    """A document that cannot be read; carries the 1-based line where it went wrong."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _go_int(text: str) -> int:
    # strconv.ParseInt(s, 0, 64): a leading 0 means octal, 0o/0x/0b their bases.
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-")
    low = body[:2].lower()
    if low in ("0x", "0o", "0b"):
        return sign * int(body[2:], {"0x": 16, "0o": 8, "0b": 2}[low])
    if len(body) > 1 and body[0] == "0":
        return sign * int(body, 8)
    return sign * int(body)


def resolve_plain(text: str):
    """The value go-yaml v2 gives an untagged plain scalar when decoding into interface{}."""
    if text in _NULL:
        return None
    b = _BOOL.get(text)
    if b is not None:
        return b
    if text[0] not in _NUMERIC_START:
        return text
    special = _SPECIAL_FLOAT.get(text)
    if special is not None:
        return special
    plain = text.replace("_", "")
    if _GO_INT.match(plain):
        try:
            value = _go_int(plain)
        except ValueError:
            value = None
        if value is not None and -(2**63) <= value < 2**64:
            return value
    if _GO_FLOAT.match(plain):
        return float(plain)
    return text


def _tagged(tag: str, text: str, line: int):
    if not tag.startswith(_TAG):
        return text  # custom tags: Kubernetes keeps the scalar as it reads
    kind = tag[len(_TAG):]
    if kind == "str":
        return text
    if kind == "null":
        return None
    value = resolve_plain(text) if text else None
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind in ("binary", "timestamp"):
        return text
    raise YAMLInputError(f"cannot decode {text!r} as !!{kind}", line)


def _key(value) -> str:
    # sigs.k8s.io/yaml turns every mapping key into a JSON string key.
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        raise TypeError("a mapping or sequence cannot be a key")
    return str(value)


@dataclass(slots=True)
class Positions:
    """Where a document's keys and items start: filled only when a document is re-read to report."""

    # id(container) -> {key: (line, column)} for mappings, [(line, column), ...] for sequences
    table: dict[int, object] = field(default_factory=dict)
    root: tuple[int, int] = (1, 1)


@dataclass(slots=True)
class RawDocument:
    obj: object
    start_line: int  # 1-based line of the document's first node
    end_line: int
    duplicate_keys: list[tuple[str, int, int]]  # (key, line, column) of later duplicates


def iter_documents(text: str, positions: Positions | None = None):
    """Yield RawDocument for each YAML document in text, or raise YAMLInputError at the first
    document that cannot be read (the caller decides whether the rest of the stream is usable)."""
    parser = _Parser(text)
    try:
        yield from _build(parser, positions)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise YAMLInputError(f"{e.problem or e.context or 'invalid YAML'}".strip(), line) from None
    except yaml.YAMLError as e:
        raise YAMLInputError(str(e).splitlines()[0] if str(e) else "invalid YAML") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()


def _build(parser, positions: Positions | None):
    get = parser.get_event
    ScalarEvent, MappingStartEvent, SequenceStartEvent = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    MappingEndEvent, SequenceEndEvent, AliasEvent = ev.MappingEndEvent, ev.SequenceEndEvent, ev.AliasEvent
    DocumentStartEvent, StreamEndEvent = ev.DocumentStartEvent, ev.StreamEndEvent
    resolve = resolve_plain
    table = positions.table if positions is not None else None

    while True:
        event = get()
        if isinstance(event, StreamEndEvent):
            return
        if not isinstance(event, DocumentStartEvent):
            continue
        anchors: dict[str, object] = {}
        duplicates: list[tuple[str, int, int]] = []
        expanded = 0
        sizes: dict[int, int] = {}
        # Stack frames: [container, pending_key, is_mapping, key_mark, merge_sources]
        stack: list[list] = []
        root = None
        doc_start = None
        while True:
            event = get()
            cls = event.__class__
            if cls is ScalarEvent:
                tag = event.tag
                if tag is None or tag == "!":
                    value = resolve(event.value) if event.implicit[0] else event.value
                else:
                    value = _tagged(tag, event.value, event.start_mark.line + 1)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                is_plain_merge = event.implicit[0] and event.value == "<<" and tag is None
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    raise YAMLInputError(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
                is_map = cls is MappingStartEvent
                container = {} if is_map else []
                if event.anchor is not None:
                    anchors[event.anchor] = container
                if table is not None:
                    table[id(container)] = {} if is_map else []
                if doc_start is None:
                    doc_start = event.start_mark.line + 1
                # attach below like a scalar, then push
                value = container
                is_plain_merge = False
                _attach(stack, value, event, table, duplicates, False)
                if not stack:
                    root = value
                stack.append([container, _NOKEY, is_map, None, None])
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                if frame[4]:
                    _apply_merges(frame[0], frame[4])
                continue
            elif cls is AliasEvent:
                if event.anchor not in anchors:
                    raise YAMLInputError(f"unknown alias *{event.anchor}", event.start_mark.line + 1)
                value = anchors[event.anchor]
                expanded += _size(value, sizes)
                if expanded > MAX_ALIAS_EXPANSION:
                    raise YAMLInputError("too many aliases expanded (a YAML alias bomb?)", event.start_mark.line + 1)
                is_plain_merge = False
            else:  # DocumentEndEvent
                yield RawDocument(root, doc_start or event.start_mark.line + 1, event.end_mark.line + 1, duplicates)
                if positions is not None and doc_start is not None:
                    positions.root = (doc_start, 1)
                break
            if doc_start is None:
                doc_start = event.start_mark.line + 1
            if not stack:
                root = value
                continue
            _attach(stack, value, event, table, duplicates, is_plain_merge)


class _NoKey:
    __slots__ = ()


_NOKEY = _NoKey()


def _attach(stack, value, event, table, duplicates, is_merge_key):
    if not stack:
        return
    frame = stack[-1]
    container = frame[0]
    if not frame[2]:
        if table is not None:
            table[id(container)].append((event.start_mark.line + 1, event.start_mark.column + 1))
        container.append(value)
        return
    key = frame[1]
    if key is _NOKEY:  # this value is a key
        if is_merge_key:
            frame[1] = _MERGE
        else:
            try:
                frame[1] = _key(value)
            except TypeError:
                raise YAMLInputError("a mapping or sequence cannot be a mapping key", event.start_mark.line + 1) from None
        frame[3] = (event.start_mark.line + 1, event.start_mark.column + 1)
        return
    frame[1] = _NOKEY
    if key is _MERGE:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise YAMLInputError("a merge key (<<) needs a mapping or a list of mappings", event.start_mark.line + 1)
        frame[4] = (frame[4] or []) + sources
        return
    if key in container:
        duplicates.append((key, frame[3][0], frame[3][1]))
    container[key] = value
    if table is not None:
        table[id(container)][key] = frame[3]


class _Merge:
    __slots__ = ()


_MERGE = _Merge()


def _apply_merges(mapping: dict, sources: list[dict]) -> None:
    # Explicit keys win over merged ones; earlier merge sources win over later ones (YAML merge spec).
    for source in sources:
        for k, v in source.items():
            if k not in mapping:
                mapping[k] = v


def _size(value, memo: dict[int, int]) -> int:
    """Nodes an alias stands for once expanded (go-yaml refuses documents that alias too much);
    memoised so a bomb costs linear time to measure."""
    if not isinstance(value, (dict, list)):
        return 1
    known = memo.get(id(value))
    if known is not None:
        return known
    children = value.values() if isinstance(value, dict) else value
    total = 1 + sum(_size(c, memo) for c in children)
    memo[id(value)] = total
    return total


# Public names for the composer walk in load/documents.py (same package, same scalar rules).
tagged_scalar = _tagged
mapping_key = _key
