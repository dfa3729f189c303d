"""Text → documents with lazy locators; unreadable documents become InputErrors and the rest of
the file is still read.

A YAML stream is cut at its `---` lines first and each document is read on its own (libyaml's
composer for a span of up to 64 KiB, k8snodes; the event walker otherwise): an error in one costs
only that one, no document's text is copied twice, and a finding is located in the node tree of the
document being checked, or later by re-reading just that document's text with positions. Memory:
the text, plus the objects of the document being read (27x its text at worst, measured by
tests/attack/test_lint_input.py), plus the node tree of one span of at most 64 KiB, plus one
position table for a document with findings.
"""
from __future__ import annotations

import re
from itertools import islice
from collections.abc import Iterator

from ..model.document import Document
from ..model.finding import InputError
from ..model.paths import Path
from .k8snodes import MAX_CHARS as MAX_FAST_CHARS
from .k8snodes import mark_plain, may_alias, positions, read_documents, read_span
from .k8syaml import YAMLInputError, iter_documents, unpack

# A document starts at a `---` line (with the directives just before it): libyaml ends the previous
# document there whatever it was inside (a block scalar ends, a quoted one is an error).
_DOC_START = re.compile(r"^(?:%[^\n]*\n)*---(?=[ \t\r\n]|\Z)", re.M)
_AFTER_MARKER = frozenset(("", " ", "\t", "\r", "\n"))
MAX_DOCUMENT_CHARS = 256 << 20  # one document as objects costs up to ~27x its text; big enough for a kubectl dump List
_FIRST_CHAR = re.compile(r"\s*(\S)")
_DUPLICATE = "duplicate key {!r}: Kubernetes keeps only the last value"
MAX_ERRORS_PER_FILE = 1000
# libyaml refuses JSON's surrogate escapes (json.dumps writes an emoji as \ud83d\ude00): for
# positions only, each becomes an escape of the same length
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_NEWLINE = re.compile("\n")


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
        last_line, pos = self._last
        if line == last_line:  # the line just located (known()) or asked for again
            text = self.text
            end = text.find("\n", pos)
            return text[pos:] if end < 0 else text[pos:end].rstrip("\r")
        if line < 1:
            return ""
        text, every, marks = self.text, self._EVERY, self._marks
        k = min((line - 1) // every, len(marks) - 1)
        at, pos = k * every + 1, marks[k]
        last_line, last_pos = self._last
        if at <= last_line <= line:
            at, pos = last_line, last_pos
        while at < line:
            # to the next checkpoint (or the line), newlines skipped in C: no Python step per line
            step = min(line, ((at - 1) // every + 1) * every + 1) - at
            nl = next(islice(_NEWLINE.finditer(text, pos), step - 1, None), None)
            if nl is None:
                return ""
            pos, at = nl.end(), at + step
            if (at - 1) % every == 0 and (at - 1) // every == len(marks):
                marks.append(pos)
        self._last = (at, pos)
        end = text.find("\n", pos)
        return text[pos:] if end < 0 else text[pos:end].rstrip("\r")

    def known(self, line: int, offset: int) -> None:
        """line starts at offset (a locator found it): the next call for it costs no scan."""
        self._last = (line, offset)



def read_text(name: str, text: str, errors: list[InputError], *, json_file: bool = False) -> Iterator[Document]:
    """Every document in text. JSON files take the fast JSON path. Of the input errors added to
    errors while the file is read (the caller's, for the documents it was given, included), the
    first MAX_ERRORS_PER_FILE are kept and the rest counted."""
    lines = Lines(text)
    first = _FIRST_CHAR.match(text)
    if json_file or (first is not None and first.group(1) in "{[" and name.endswith(".json")):
        yield from _read_json(name, text, lines, errors)
        return
    cap = _ErrorCap(name, errors)
    index = 0
    line_offset = 0
    prev = 0
    for start, end in _document_spans(text):
        line_offset += text.count("\n", prev, start)
        prev = start
        if end - start > MAX_DOCUMENT_CHARS:
            errors.append(InputError(name, f"document too large ({(end - start) >> 20} MiB; the limit is "
                                           f"{MAX_DOCUMENT_CHARS >> 20} MiB per document): skipped", line_offset + 1))
            index += 1
            cap.trim()
            continue
        span = text[start:end]
        read = read_span(span) if end - start <= MAX_FAST_CHARS else None
        aliases = may_alias(span)
        try:
            for k, (raw, root) in enumerate(((raw, None) for raw in iter_documents(span)) if read is None else read):
                # the root node stays while the caller looks at this document (its findings are
                # located from it), and is dropped when the next one is asked for
                keep = [root, raw.plain]
                for key, line, _col in raw.duplicate_keys:
                    errors.append(InputError(name, _DUPLICATE.format(key), line + line_offset))
                cap.dropped += raw.duplicate_keys.dropped
                cap.trim()
                yield Document(name, index, raw.obj, _locator(text, start, end, line_offset, k, raw.start_line,
                                                              keep, aliases, lines),
                               lines, raw.start_line + line_offset, raw.aliased)
                keep[0] = None
                cap.trim()  # what the caller found in it
                index += 1
        except YAMLInputError as e:
            errors.append(InputError(name, f"invalid YAML: {e.message}", (e.line or 1) + line_offset))
            index += 1
        except Exception as e:  # errors are values: a reader bug loses this document, not the run
            errors.append(InputError(name, f"internal error reading this document: {type(e).__name__}: {e} (please report)",
                                     line_offset + 1))
            index += 1
        cap.trim()
    cap.close()


class _ErrorCap:
    """A file of a million broken documents gives bounded output and memory: the first
    MAX_ERRORS_PER_FILE errors of a file are kept, then one line says how many more there were."""

    __slots__ = ("name", "errors", "first", "dropped")

    def __init__(self, name: str, errors: list[InputError]):
        self.name, self.errors, self.first, self.dropped = name, errors, len(errors), 0

    def trim(self) -> None:
        extra = len(self.errors) - self.first - MAX_ERRORS_PER_FILE
        if extra > 0:
            del self.errors[self.first + MAX_ERRORS_PER_FILE:]
            self.dropped += extra

    def close(self) -> None:
        self.trim()
        if self.dropped:
            self.errors.append(InputError(self.name, f"{self.dropped} more input errors in this file not shown "
                                                     f"(the first {MAX_ERRORS_PER_FILE} are)", None))


def _document_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each document: where _DOC_START matches, found with str.find (the regex tries
    every position of the text; tests/test_load.py pins the two to the same spans)."""
    start = 0
    at = 0 if text.startswith("---") else text.find("\n---") + 1 or -1
    while at >= 0:
        if text[at + 3:at + 4] in _AFTER_MARKER:  # "" is the end of the text
            begin = at
            while begin > start:  # directive lines just before the marker belong to its document
                line = text.rfind("\n", 0, begin - 1) + 1
                if not text.startswith("%", line):
                    break
                begin = line
            if begin > start:
                yield start, begin
            start = begin
        at = text.find("\n---", at + 3) + 1 or -1
    if start < len(text):
        yield start, len(text)


def _locator(text: str, start: int, end: int, line_offset: int, k: int, first_line: int, keep: list, aliases: bool,
             lines: Lines | None = None):
    """(line, column) of a path in the k-th document of text[start:end]: the first call walks the
    document's node tree again with positions while read_text keeps it (keep[0]), else re-reads
    that document's text with positions (only documents with findings pay for positions). Where
    the node tree gives the position, `lines` is told where that line starts (libyaml's mark index
    counts characters of the span; used only for ASCII text without \\r, where libyaml's and
    Lines' line breaks are the same), so the reporter's source line costs no line count."""
    cache: list = []

    def locate(path: Path) -> tuple[int, int]:
        if not path:  # the document itself: no need to read it again
            return first_line + line_offset, 1
        if not cache and keep[0] is not None:
            root, plain = keep
            if plain:  # no need to walk it all: the path is followed in the node tree
                mark = mark_plain(root, path)
                if mark is None:  # as the table locator: the document's first line, column 1
                    return root.start_mark.line + 1 + line_offset, 1
                line = mark.line + 1 + line_offset
                if lines is not None and text.isascii() and text.find("\r", start, end) < 0:
                    lines.known(line, start + mark.index - mark.column)
                return line, mark.column + 1
            raw = positions(root, aliases)
            if raw is not None:
                cache.append(_table_locator(raw.obj, raw.positions, raw.start_line))
        if not cache:
            try:
                for i, raw in enumerate(read_documents(text[start:end], positions=True)):
                    if i == k:
                        cache.append(_table_locator(raw.obj, raw.positions, raw.start_line))
                        break
            except YAMLInputError:
                pass
            if not cache:  # pragma: no cover - the document was read once already
                cache.append(lambda p: (first_line, 1))
        line, column = cache[0](path)
        return line + line_offset, column

    return locate


def _table_locator(root, table, start_line):
    def locate(path: Path) -> tuple[int, int]:
        cur = root
        pos = (start_line, 1)
        for seg in path:
            entry = table.get(id(cur))
            if isinstance(cur, dict) and isinstance(entry, dict) and not isinstance(seg, int) and seg in cur:
                if seg in entry:
                    pos = unpack(entry[seg])
                cur = cur[seg]
            elif isinstance(cur, list) and entry is not None and isinstance(seg, int) and 0 <= seg < len(cur):
                if seg < len(entry):
                    pos = unpack(entry[seg])
                cur = cur[seg]
            else:
                break
        return pos

    return locate


def _read_json(name, text, lines, errors) -> Iterator[Document]:
    import json  # here, not at the top: most runs read no JSON file (start-up is a pre-commit run's cost)

    duplicates: list[str] = []
    try:
        obj = _json_loads(text, duplicates)
    except RecursionError:
        errors.append(InputError(name, "invalid JSON: nested too deeply", 1))
        return
    except json.JSONDecodeError as e:
        errors.append(InputError(name, f"invalid JSON: {e.msg}", e.lineno))
        return
    cache: dict = {}

    def positions():
        # JSON is read by the C decoder, which keeps no positions: the first finding (or duplicate
        # key) in a file re-reads it once with the position-keeping reader.
        if "raw" not in cache:
            try:
                cache["raw"] = next(iter(read_documents(_SURROGATE.sub(r"\\u0058", text), positions=True)))
            except (YAMLInputError, StopIteration):
                cache["raw"] = None
        return cache["raw"]

    def locate(path: Path) -> tuple[int, int]:
        raw = positions()
        return _table_locator(raw.obj, raw.positions, 1)(path) if raw is not None else (1, 1)

    if duplicates:
        raw = positions()
        found = [(k, line) for k, line, _ in raw.duplicate_keys] if raw is not None else []
        for key, line in found or [(k, None) for k in duplicates]:
            errors.append(InputError(name, _DUPLICATE.format(key), line))
    yield Document(name, 0, obj, locate, lines, 1)


_INT64 = (-(2**63), 2**63 - 1)


def _json_int(text: str):
    # sigs.k8s.io/json keeps an integer as int64 when it fits, else as float64 (never an error),
    # and Python refuses int() of more than 4,300 digits.
    if len(text) < 19:
        return int(text)
    value = int(text) if len(text) <= 20 else None
    if value is not None and _INT64[0] <= value <= _INT64[1]:
        return value
    return float(text)


def _json_loads(text: str, duplicates: list[str]):
    """json.loads in C; the pairs hook sees duplicate keys, which the API server's strict decoding
    reports (`duplicate field`) and a dict would hide."""
    def pairs(items):
        d = dict(items)
        if len(d) != len(items):
            seen = set()
            duplicates.extend(k for k, _ in items if k in seen or seen.add(k))
        return d

    import json

    try:
        return json.loads(text, object_pairs_hook=pairs)
    except ValueError as e:
        if isinstance(e, json.JSONDecodeError):
            raise
        return json.loads(text, object_pairs_hook=pairs, parse_int=_json_int)  # an integer of > 4,300 digits
