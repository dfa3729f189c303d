"""YAML read the way Kubernetes reads it, from libyaml's event stream: the walker that defines the
reading (load/k8snodes.py is the fast path for small spans, pinned to this one by the tests).

kubectl and the API server turn YAML into JSON through sigs.k8s.io/yaml, i.e. go-yaml v2's YAML 1.1
scalar rules: `yes`/`on`/`y` are true, `0644` is 420, timestamps stay strings, no sexagesimal ints,
and go-yaml v2's merge keys (`<<` sets keys in order: a merge overrides keys before it, later keys
override the merge, earlier merge sources win over later ones). No Python parser reads YAML that way
as shipped, and PyYAML's composer recurses in C and keeps a node object with two marks per scalar
(~80x the text), so objects are built here, iteratively, from libyaml's events: one pass, objects
only, bounded depth, bounded alias expansion, duplicate keys seen. Positions are a second, rarer pass
(`positions=True`) over one document, only when a finding in it is reported.
"""
from __future__ import annotations

import math
import re
from array import array

import yaml
from yaml import events as ev
from yaml.parser import Parser as _PyParserBase
from yaml.reader import Reader as _PyReader
from yaml.scanner import Scanner as _PyScanner

from ..errors import InvalidInput
from ..record import Record


class PythonParser(_PyReader, _PyScanner, _PyParserBase):
    """PyYAML's pure-Python parser: the same events as libyaml's, ~10x slower. Used only where
    libyaml is missing, and by the test that pins the two event sources to the same answers."""

    def __init__(self, stream):
        _PyReader.__init__(self, stream)
        _PyScanner.__init__(self)
        _PyParserBase.__init__(self)


try:
    from yaml.cyaml import CParser as EventParser  # libyaml (PyYAML's wheels ship it)
except ImportError:  # a PyYAML built without libyaml: same answers, slower (tests assert the fast one here)
    EventParser = PythonParser  # type: ignore[misc]

MAX_DEPTH = 512  # Kubernetes objects nest a few dozen levels; go-yaml itself stops at 10,000.
MAX_ALIAS_EXPANSION = 100_000  # nodes re-used through aliases per document (billion-laughs guard)

_BOOL = {
    "y": True, "Y": True, "yes": True, "Yes": True, "YES": True, "on": True, "On": True, "ON": True,
    "true": True, "True": True, "TRUE": True,
    "n": False, "N": False, "no": False, "No": False, "NO": False, "off": False, "Off": False,
    "OFF": False, "false": False, "False": False, "FALSE": False,
}
_NULL = {"", "~", "null", "Null", "NULL"}
_NULL_WORDS = dict.fromkeys(_NULL)
_SPECIAL_FLOAT = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf,
    "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}
_GO_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_NUMERIC_START = frozenset("0123456789+-.")
_TAG = "tag:yaml.org,2002:"
_WORDS = {**_NULL_WORDS, **_BOOL}  # "" is in it: the empty plain scalar (resolve_plain reads text[0])


class YAMLInputError(InvalidInput):
    """A document that cannot be read; carries the 1-based line where it went wrong. at_once: found
    while parsing (go-yaml's parser stops there); otherwise found while decoding, after the parse, so
    a syntax error later in the same document is reported instead, as go-yaml does."""

    def __init__(self, message: str, line: int | None = None, at_once: bool = False, syntax: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.at_once = at_once
        self.syntax = syntax  # the parser's own wording (libyaml's and PyYAML's differ), not ours


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
    if text.isdigit() and text.isascii() and len(text) < 19 and (text[0] != "0" or len(text) == 1):
        return int(text)  # the common case, without the regex: a decimal int64
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




class Duplicates(list):
    """(key, line, column) of later duplicate keys: the first MAX_DUPLICATES are kept, the rest
    counted (a document of a million duplicate keys stays a bounded report)."""

    MAX_DUPLICATES = 1000
    __slots__ = ("dropped",)

    def __init__(self):
        super().__init__()
        self.dropped = 0

    def append(self, item) -> None:
        if len(self) < self.MAX_DUPLICATES:
            super().append(item)
        else:
            self.dropped += 1


def pack(line: int, column: int) -> int:
    """A position as one int (1-based line and column): a table of them costs 8 bytes an item."""
    return line << 32 | column


def unpack(packed: int) -> tuple[int, int]:
    return packed >> 32, packed & 0xFFFFFFFF


class RawDocument(Record):  # a record, not a @dataclass: on the start-up path (record.py)
    __slots__ = ("obj", "start_line", "end_line", "duplicate_keys", "aliased", "positions", "plain")
    obj: object
    start_line: int  # 1-based line of the document's first node
    end_line: int
    duplicate_keys: Duplicates  # (key, line, column) of later duplicates
    aliased: bool  # an alias was used: parts of obj are shared
    # positions=True only: id(container) -> {key: packed} for mappings, array of packed for sequences
    positions: dict[int, object] | None
    plain: bool  # read by k8snodes' plain-shape walker: its node tree maps 1:1 onto obj

    def __init__(self, obj: object, start_line: int, end_line: int, duplicate_keys: Duplicates, aliased: bool,
                 positions: dict[int, object] | None = None, plain: bool = False):
        self.obj, self.start_line, self.end_line, self.duplicate_keys = obj, start_line, end_line, duplicate_keys
        self.aliased, self.positions, self.plain = aliased, positions, plain


def iter_documents(text: str, positions: bool = False, parser=None):
    """Yield RawDocument for each YAML document in text, or raise YAMLInputError at the first
    document that cannot be read (the caller decides whether the rest of the stream is usable).
    parser: the event source (EventParser unless a test pins another one to the same answers)."""
    events = (parser or EventParser)(text)
    try:
        try:
            yield from _build(events.get_event, positions)
        except YAMLInputError as e:
            if not e.at_once:
                _drain_document(events.get_event)  # a syntax error later in it is what go-yaml reports first
            raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise YAMLInputError(f"{e.problem or e.context or 'invalid YAML'}".strip(), line, syntax=True) from None
    except yaml.YAMLError as e:
        raise YAMLInputError(str(e).splitlines()[0] if str(e) else "invalid YAML", syntax=True) from None
    finally:
        dispose = getattr(events, "dispose", None)
        if dispose:
            dispose()


def _drain_document(get) -> None:
    while get().__class__ not in (ev.DocumentEndEvent, ev.StreamEndEvent):
        pass


class _Token:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


_NOKEY = _Token("no key")  # a mapping frame waiting for its next key
_MERGE = _Token("<<")  # a mapping frame whose pending key is a merge key
_MERGE_TAG = _TAG + "merge"
_WANT_MAP = "a merge key (<<) needs a mapping or a list of mappings"

# A frame is a list (cheaper than an object on this path):
_C, _K, _MAP, _KPOS, _INTO, _POS, _EXPLICIT, _ANCHOR, _FAST = range(9)
# container, pending key, is a mapping, event (or _At) of the pending key, frame a merge value
# merges into, its position table (positions=True), explicit keys (kept only once a merge happened),
# its anchor (open), and whether neither merge case applies (the inline path)


def _build(get, want_positions: bool):
    ScalarEvent, MappingStartEvent, SequenceStartEvent = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    MappingEndEvent, SequenceEndEvent, AliasEvent = ev.MappingEndEvent, ev.SequenceEndEvent, ev.AliasEvent
    DocumentStartEvent, DocumentEndEvent, StreamEndEvent = ev.DocumentStartEvent, ev.DocumentEndEvent, ev.StreamEndEvent
    resolve = resolve_plain
    words = _WORDS
    numeric = _NUMERIC_START

    while True:
        event = get()
        cls = event.__class__
        if cls is StreamEndEvent:
            return
        if cls is not DocumentStartEvent:
            continue
        anchors: dict[str, object] = {}
        open_anchors: set[str] = set()  # anchors of containers still being read: an alias to one is a cycle
        duplicates = Duplicates()
        table: dict[int, object] | None = {} if want_positions else None
        sizes: dict[int, int] = {}
        expanded = 0
        stack: list[list] = []
        top = None  # stack[-1]
        root = None
        doc_start = None
        while True:
            event = get()
            cls = event.__class__
            if cls is ScalarEvent:
                tag = event.tag
                merge_key = False
                if tag is None or tag == "!":
                    if event.implicit[0]:
                        text = event.value
                        value = words.get(text, words)  # resolve_plain, its first steps inline
                        if value is words:
                            if text[0] in numeric:
                                value = resolve(text)
                            else:
                                value = text
                                merge_key = text == "<<"
                    else:
                        value = event.value
                elif tag == _MERGE_TAG:
                    value, merge_key = event.value, True
                else:
                    value = _tagged(tag, event.value, event.start_mark.line + 1)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                if top is not None and top[_FAST] and not merge_key:  # inline: a key, a value, an item
                    if not top[_MAP]:
                        top[_C].append(value)
                        if top[_POS] is not None:
                            mark = event.start_mark
                            top[_POS].append(mark.line + 1 << 32 | mark.column + 1)  # pack(), inline
                        continue
                    key = top[_K]
                    if key is _NOKEY:
                        top[_K] = value if value.__class__ is str else _key(value)
                        top[_KPOS] = event  # its start_mark only for a duplicate or a position
                        continue
                    if key is not _MERGE:
                        top[_K] = _NOKEY
                        container = top[_C]
                        if key in container:
                            kmark = top[_KPOS].start_mark
                            duplicates.append((key, kmark.line + 1, kmark.column + 1))
                        container[key] = value
                        if top[_POS] is not None:
                            kmark = top[_KPOS].start_mark
                            top[_POS][key] = kmark.line + 1 << 32 | kmark.column + 1
                        continue
                mark = event.start_mark
                kind = 0
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    raise YAMLInputError(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
                is_map = cls is MappingStartEvent
                value = {} if is_map else []
                anchor = event.anchor
                frame = [value, _NOKEY, is_map, None, None, None, None, anchor, True]
                if anchor is not None:
                    anchors[anchor] = value
                    open_anchors.add(anchor)
                if table is not None:
                    frame[_POS] = table[id(value)] = {} if is_map else array("Q")
                if top is None:
                    root = value
                    if doc_start is None:
                        doc_start = event.start_mark.line + 1
                elif top[_FAST] and not top[_MAP] and top[_POS] is None:
                    top[_C].append(value)
                elif top[_MAP] and top[_K] is _MERGE:  # the value of `<<`: merged when complete
                    top[_K] = _NOKEY
                    frame[_INTO] = top
                    frame[_FAST] = False
                else:
                    _attach(top, value, 2, event.start_mark, duplicates)
                stack.append(frame)
                top = frame
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                if frame[_ANCHOR] is not None:
                    open_anchors.discard(frame[_ANCHOR])
                if frame[_INTO] is not None:
                    _merge(frame[_INTO], frame[_C])
                continue
            elif cls is AliasEvent:
                mark = event.start_mark
                name = event.anchor
                if name not in anchors:
                    raise YAMLInputError(f"unknown alias *{name}", mark.line + 1, at_once=True)
                if name in open_anchors:  # go-yaml: "anchor 'x' value contains itself"
                    raise YAMLInputError(f"anchor {name!r} value contains itself", mark.line + 1)
                value = anchors[name]
                expanded += _size(value, sizes)
                if expanded > MAX_ALIAS_EXPANSION:
                    raise YAMLInputError("too many aliases expanded (a YAML alias bomb?)", mark.line + 1)
                merge_key = False
                kind = 1
            elif cls is DocumentEndEvent:
                yield RawDocument(root, doc_start or event.start_mark.line + 1, event.end_mark.line + 1, duplicates,
                                  expanded > 0, table)
                break
            else:  # pragma: no cover - libyaml sends nothing else inside a document
                continue
            if doc_start is None:
                doc_start = mark.line + 1
            if top is None:
                root = value
                continue
            frame = top
            if frame[_MAP] and frame[_K] is not _NOKEY and frame[_K] is _MERGE:
                frame[_K] = _NOKEY
                if kind == 1 and isinstance(value, dict):
                    _merge(frame, value)
                    continue
                raise YAMLInputError(_WANT_MAP, mark.line + 1)
            if merge_key and frame[_MAP] and frame[_K] is _NOKEY:
                frame[_K] = _MERGE
                continue
            _attach(frame, value, kind, mark, duplicates)


class _At:
    """A mark where an event would be: keys keep their event (or this) and read start_mark only
    for a duplicate."""

    __slots__ = ("start_mark",)

    def __init__(self, mark):
        self.start_mark = mark


def _attach(frame: list, value, kind: int, mark, duplicates) -> None:
    """value (kind 0 scalar, 1 alias, 2 container) read inside frame: a key, a value or an item."""
    container = frame[_C]
    if not frame[_MAP]:
        if frame[_INTO] is not None and not isinstance(value, dict):  # a `<<: [...]` list of mappings only
            raise YAMLInputError(_WANT_MAP, mark.line + 1)
        container.append(value)
        if frame[_POS] is not None:
            frame[_POS].append(pack(mark.line + 1, mark.column + 1))
        return
    key = frame[_K]
    if key is _NOKEY:  # this value is a key
        if kind == 2 or isinstance(value, (dict, list)):
            raise YAMLInputError("a mapping or sequence cannot be a mapping key", mark.line + 1)
        frame[_K] = value if value.__class__ is str else _key(value)
        frame[_KPOS] = _At(mark)
        return
    frame[_K] = _NOKEY
    explicit = frame[_EXPLICIT]
    if explicit is not None:  # a merge set keys here: only explicit ones count as duplicates
        duplicate = key in explicit
        explicit.add(key)
    else:
        duplicate = key in container
    kmark = frame[_KPOS].start_mark
    if duplicate:
        duplicates.append((key, kmark.line + 1, kmark.column + 1))
    container[key] = value
    if frame[_POS] is not None:
        frame[_POS][key] = pack(kmark.line + 1, kmark.column + 1)


def _merge(frame: list, source) -> None:
    """go-yaml v2's merge: the source's keys are set into the mapping now, over keys set before;
    of a list of sources, earlier ones win (go-yaml applies them last to first)."""
    mapping = frame[_C]
    if frame[_EXPLICIT] is None:
        frame[_EXPLICIT] = set(mapping)
        frame[_FAST] = False
    if isinstance(source, dict):
        mapping.update(source)
        return
    for s in reversed(source):  # items were checked to be mappings as they were read
        mapping.update(s)


def _size(value, memo: dict[int, int]) -> int:
    """Nodes an alias stands for once expanded (go-yaml refuses documents that alias too much);
    memoised, and iterative, so a bomb or a deep anchor costs linear time and no recursion."""
    if not isinstance(value, (dict, list)):
        return 1
    known = memo.get(id(value))
    if known is not None:
        return known
    # post-order walk with an explicit stack
    todo = [(value, False)]
    while todo:
        node, done = todo.pop()
        children = node.values() if isinstance(node, dict) else node
        if done:
            # a mapping's keys count too, as go-yaml decodes them
            memo[id(node)] = (1 + (len(node) if isinstance(node, dict) else 0)
                              + sum(memo.get(id(c), 1) if isinstance(c, (dict, list)) else 1 for c in children))
            continue
        if id(node) in memo:
            continue
        todo.append((node, True))
        todo.extend((c, False) for c in children if isinstance(c, (dict, list)) and id(c) not in memo)
    return memo[id(value)]
