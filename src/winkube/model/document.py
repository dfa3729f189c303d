"""A document: one Kubernetes object read from a file, with a lazy locator.

Positions are resolved only for what is reported (DESIGN.md): the locator re-reads the document's
own text with positions (once per document) when a finding needs its line and column.
"""
from __future__ import annotations

from collections.abc import Callable

from ..record import Record
from .finding import ObjectRef
from .paths import Path


class Document(Record):
    __slots__ = ("file", "index", "obj", "locate", "line_text", "start_line", "aliased")

    def __init__(self, file: str, index: int, obj: object, locate: Callable[[Path], tuple[int, int]],
                 line_text: Callable[[int], str], start_line: int = 1, aliased: bool = False):
        self.file = file  # as the user named it; "-" for stdin
        self.index = index  # position of the YAML document in the file (0-based)
        self.obj = obj
        self.locate = locate  # object path -> (line, column), nearest existing parent
        self.line_text = line_text  # 1-based line -> its text
        self.start_line = start_line
        self.aliased = aliased  # YAML aliases share parts of obj: one source location, many paths

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef.of(self.obj)
