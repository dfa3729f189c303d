"""Text → documents with lazy locators; unreadable documents become InputErrors and the rest of
the file is still read (after a YAML error, reading resumes at the next `---`)."""
from __future__ import annotations

import json
import re
import threading
from typing import Iterator

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..model.document import Document
from ..model.finding import InputError
from ..model.paths import Path
from .k8syaml import MAX_ALIAS_EXPANSION, MAX_DEPTH, Positions, YAMLInputError, iter_documents, mapping_key as _key, resolve_plain, tagged_scalar as _tagged

_PLAIN = "!winkube/plain"
_STR = "tag:yaml.org,2002:str"
_MERGE_VALUE = "<<"
_DOC_START = re.compile(r"^---", re.M)
# libyaml's composer recurses in C and is quadratic in flow nesting: text that could nest deeply
# goes to the iterative reader in k8syaml, which stops cleanly at MAX_DEPTH.
_FLOW_CHECK_FROM = 5_000
_FLOW_DEPTH_LIMIT = 2_000
MAX_DOCUMENT_CHARS = 256 << 20  # one YAML document as objects costs ~10x its text; big enough for a kubectl dump List
_STACK_LINE_CHARS = 8_000  # below this, block nesting fits the default 8 MiB stack
_BIG_STACK = 256 * 1024 * 1024
_LONG_LINE_CHARS = 100_000
_BRACKETS = re.compile(r"[\[\]{}]")

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class _Composer(_BaseLoader):
    """libyaml's composer with every implicit plain scalar tagged _PLAIN, so that walk() applies
    go-yaml v2's resolution and explicit tags (!!str 123) survive."""

    # The composer calls these for path-based resolvers, which Kubernetes YAML never uses.
    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return "tag:yaml.org,2002:map" if kind is MappingNode else "tag:yaml.org,2002:seq"


class _Walk:
    __slots__ = ("memo", "sizes", "expanded", "duplicates")

    def __init__(self):
        self.memo: dict[int, object] = {}
        self.sizes: dict[int, int] = {}
        self.expanded = 0
        self.duplicates: list[tuple[str, int, int]] = []

    def value(self, node, depth: int = 0):
        cls = node.__class__
        if cls is ScalarNode:
            tag = node.tag
            if tag == _PLAIN:
                return resolve_plain(node.value)
            if tag == _STR:
                return node.value
            return _tagged(tag, node.value, node.start_mark.line + 1)
        key = id(node)
        seen = self.memo.get(key)
        if seen is not None:  # an alias: go-yaml expands it; we share it and count what it stands for
            self.expanded += self._size(node)
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise YAMLInputError("too many aliases expanded (a YAML alias bomb?)", node.start_mark.line + 1)
            return seen
        if depth >= MAX_DEPTH:
            raise YAMLInputError(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
        if cls is MappingNode:
            out: dict = {}
            self.memo[key] = out
            merges = []
            for k, v in node.value:
                if k.__class__ is ScalarNode and k.tag == _PLAIN and k.value == _MERGE_VALUE:
                    src = self.value(v, depth + 1)
                    for s in (src if isinstance(src, list) else [src]):
                        if not isinstance(s, dict):
                            raise YAMLInputError("a merge key (<<) needs a mapping or a list of mappings", k.start_mark.line + 1)
                        merges.append(s)
                    continue
                kv = self.value(k, depth + 1)
                try:
                    kv = _key(kv)
                except TypeError:
                    raise YAMLInputError("a mapping or sequence cannot be a mapping key", k.start_mark.line + 1) from None
                if kv in out:
                    self.duplicates.append((kv, k.start_mark.line + 1, k.start_mark.column + 1))
                out[kv] = self.value(v, depth + 1)
            for s in merges:
                for mk, mv in s.items():
                    if mk not in out:
                        out[mk] = mv
            return out
        out = []
        self.memo[key] = out
        out.extend(self.value(c, depth + 1) for c in node.value)
        return out

    def _size(self, node) -> int:
        """Nodes this one stands for with every alias below it expanded; computed only when an
        alias is met, so documents without aliases pay nothing."""
        if node.__class__ is ScalarNode:
            return 1
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        self.sizes[id(node)] = 1  # a recursive alias counts once
        children = [n for pair in node.value for n in pair] if node.__class__ is MappingNode else node.value
        total = 1 + sum(self._size(c) for c in children)
        self.sizes[id(node)] = total
        return total


def _node_locator(root) -> callable:
    def locate(path: Path) -> tuple[int, int]:
        node = root
        mark = root.start_mark
        for seg in path:
            if isinstance(node, MappingNode) and not isinstance(seg, int):
                for k, v in node.value:
                    if isinstance(k, ScalarNode) and k.value == seg:
                        mark, node = k.start_mark, v
                        break
                else:
                    break
            elif isinstance(node, SequenceNode) and isinstance(seg, int) and 0 <= seg < len(node.value):
                node = node.value[seg]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    return locate


def _deep_flow(text: str) -> bool:
    if text.count("[") + text.count("{") < _FLOW_CHECK_FROM:
        return False
    depth = peak = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > peak:
                peak = depth
                if peak > _FLOW_DEPTH_LIMIT:
                    return True
        elif depth:
            depth -= 1
    return False


class Lines:
    """1-based line access to a text, only for reported findings. Checkpoints every 64 lines
    are made as lines are asked for, and the last answer is remembered (findings come in document
    order), so a file of millions of lines is never split whole."""

    __slots__ = ("text", "_marks", "_last")
    _EVERY = 64  # a finding out of order rescans at most this many lines

    def __init__(self, text: str):
        self.text = text
        self._marks: list[int] = [0]  # offset of line 1, 65, 129, …
        self._last = (1, 0)  # (line, offset) of the last line asked for

    def __call__(self, line: int) -> str:
        if line < 1:
            return ""
        text, every, marks = self.text, self._EVERY, self._marks
        k = min((line - 1) // every, len(marks) - 1)
        at, pos = k * every + 1, marks[k]
        last_line, last_pos = self._last
        if at <= last_line <= line:
            at, pos = last_line, last_pos
        while at < line:
            nl = text.find("\n", pos)
            if nl < 0:
                return ""
            pos, at = nl + 1, at + 1
            if (at - 1) % every == 0 and (at - 1) // every == len(marks):
                marks.append(pos)
        self._last = (at, pos)
        end = text.find("\n", pos)
        return text[pos:] if end < 0 else text[pos:end].rstrip("\r")


def read_text(name: str, text: str, errors: list[InputError], *, json_file: bool = False) -> Iterator[Document]:
    """Every document in text. JSON files take the fast JSON path."""
    lines = Lines(text)
    if json_file or (text.lstrip()[:1] in ("{", "[") and name.endswith(".json")):
        yield from _read_json(name, text, lines, errors)
        return
    if len(text) > MAX_DOCUMENT_CHARS:
        text = _drop_huge_documents(name, text, errors)
    longest = _longest_line(text) if len(text) >= _STACK_LINE_CHARS else 0
    if _deep_flow(text) or longest >= _LONG_LINE_CHARS:
        yield from _read_safe(name, text, lines, errors, 0, 0)
    elif longest >= _STACK_LINE_CHARS:
        # Block nesting can be as deep as a line is long: compose on a thread with room to recurse.
        yield from _on_big_stack(lambda: list(_read_yaml(name, text, lines, errors, 0, 0)))
    else:
        yield from _read_yaml(name, text, lines, errors, 0, 0)


def _longest_line(text: str) -> int:
    # splitlines and max run in C: linear, where a regex for "N characters without a newline" is not
    return len(max(text.splitlines(), key=len, default=""))


def _drop_huge_documents(name: str, text: str, errors: list[InputError]) -> str:
    """Blank out (keeping line numbers) YAML documents too large to hold as objects: memory
    stays bounded by MAX_DOCUMENT_CHARS, whatever the file's size, and the others are still read."""
    starts = [0] + [m.start() for m in _DOC_START.finditer(text) if m.start() > 0] + [len(text)]
    parts, changed = [], False
    for a, b in zip(starts, starts[1:]):
        if b - a > MAX_DOCUMENT_CHARS:
            line = text.count("\n", 0, a) + 1
            errors.append(InputError(name, f"document too large ({(b - a) >> 20} MiB; the limit is "
                                           f"{MAX_DOCUMENT_CHARS >> 20} MiB per document): skipped", line))
            parts.append("\n" * text.count("\n", a, b))
            changed = True
        else:
            parts.append(text[a:b])
    return "".join(parts) if changed else text


def _on_big_stack(fn):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as e:  # re-raised in the caller's thread
            box["error"] = e

    old = threading.stack_size(_BIG_STACK)
    try:
        t = threading.Thread(target=run, name="winkube-yaml")
        t.start()
    finally:
        threading.stack_size(old)
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _resume_after(text: str, line: int) -> int | None:
    """Character offset of the first `---` line at or after the given 1-based line (the parser
    often notices an error only at the next document's marker), past the start of text."""
    pos = 0
    for _ in range(max(line - 1, 0)):
        nl = text.find("\n", pos)
        if nl < 0:
            return None
        pos = nl + 1
    m = _DOC_START.search(text, max(pos, 1))
    return m.start() if m else None


def _read_yaml(name, text, lines, errors, line_offset: int, index: int) -> Iterator[Document]:
    loader = _Composer(text)
    try:
        while True:
            try:
                if not loader.check_node():
                    return
                node = loader.get_node()
            except yaml.YAMLError as e:
                mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
                line = (mark.line + 1) if mark else 1
                problem = getattr(e, "problem", None) or getattr(e, "context", None) or "invalid YAML"
                errors.append(InputError(name, f"invalid YAML: {problem}", line + line_offset))
                resume = _resume_after(text, line)
                if resume is not None:
                    rest = text[resume:]
                    skipped = text.count("\n", 0, resume)
                    yield from _read_yaml(name, rest, lines, errors, line_offset + skipped, index + 1)
                return
            walker = _Walk()
            try:
                obj = walker.value(node)
            except YAMLInputError as e:
                errors.append(InputError(name, e.message, (e.line or 1) + line_offset))
                index += 1
                continue
            start = node.start_mark.line + 1 + line_offset
            yield _doc(name, index, obj, node, lines, line_offset, start, walker.duplicates, errors)
            index += 1
    finally:
        loader.dispose()


def _doc(name, index, obj, node, lines, line_offset, start, duplicates, errors) -> Document:
    base = _node_locator(node)
    if line_offset:
        def locate(path, base=base):
            line, col = base(path)
            return line + line_offset, col
    else:
        locate = base
    for key, line, col in duplicates:
        errors.append(InputError(name, f"duplicate key {key!r}: Kubernetes keeps only the last value", line + line_offset))
    return Document(name, index, obj, locate, lines, start)


def _read_safe(name, text, lines, errors, line_offset, index) -> Iterator[Document]:
    """The iterative reader: slower, but bounded in depth for hostile input."""
    positions = Positions()
    try:
        for raw in iter_documents(text, positions):
            loc = _table_locator(raw.obj, positions.table, raw.start_line)
            if line_offset:
                loc = (lambda p, f=loc: (f(p)[0] + line_offset, f(p)[1]))
            yield Document(name, index, raw.obj, loc, lines, raw.start_line + line_offset)
            for key, line, col in raw.duplicate_keys:
                errors.append(InputError(name, f"duplicate key {key!r}: Kubernetes keeps only the last value", line + line_offset))
            index += 1
    except YAMLInputError as e:
        errors.append(InputError(name, f"invalid YAML: {e.message}", (e.line or 1) + line_offset))
        resume = _resume_after(text, e.line or 1)
        if resume is not None:
            skipped = text.count("\n", 0, resume)
            yield from _read_safe(name, text[resume:], lines, errors, line_offset + skipped, index + 1)


def _table_locator(root, table, start_line):
    def locate(path: Path) -> tuple[int, int]:
        cur = root
        pos = (start_line, 1)
        for seg in path:
            entry = table.get(id(cur))
            if isinstance(cur, dict) and isinstance(entry, dict) and not isinstance(seg, int) and seg in cur:
                pos = entry.get(seg, pos)
                cur = cur[seg]
            elif isinstance(cur, list) and isinstance(entry, list) and isinstance(seg, int) and 0 <= seg < len(cur):
                pos = entry[seg] if seg < len(entry) else pos
                cur = cur[seg]
            else:
                break
        return pos

    return locate


def _read_json(name, text, lines, errors) -> Iterator[Document]:
    try:
        obj = json.loads(text)
    except RecursionError:
        errors.append(InputError(name, "invalid JSON: nested too deeply", 1))
        return
    except json.JSONDecodeError as e:
        errors.append(InputError(name, f"invalid JSON: {e.msg}", e.lineno))
        return
    cache: dict = {}

    def locate(path: Path) -> tuple[int, int]:
        # JSON is read by the C decoder, which keeps no positions: the first finding in a file
        # re-reads it once with the position-keeping reader.
        if "loc" not in cache:
            positions = Positions()
            try:
                raw = next(iter_documents(text, positions))
                cache["loc"] = _table_locator(raw.obj, positions.table, 1)
            except (YAMLInputError, StopIteration):
                cache["loc"] = lambda p: (1, 1)
        return cache["loc"](path)

    yield Document(name, 0, obj, locate, lines, 1)
