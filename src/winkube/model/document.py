"""A document: one Kubernetes object read from a file, with a lazy locator.

Positions are resolved only for what is reported (DESIGN.md): the locator re-reads the document's
own text with positions (once per document) when a finding needs its line and column.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .finding import ObjectRef
from .paths import Path


@dataclass(slots=True)
class Document:
    file: str  # as the user named it; "-" for stdin
    index: int  # position of the YAML document in the file (0-based)
    obj: object
    locate: Callable[[Path], tuple[int, int]]  # object path -> (line, column), nearest existing parent
    line_text: Callable[[int], str]  # 1-based line -> its text
    start_line: int = 1
    aliased: bool = False  # YAML aliases share parts of obj: one source location, many paths

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef.of(self.obj)
