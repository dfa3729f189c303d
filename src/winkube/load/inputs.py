"""Paths → named texts: files, directories (walked as load/discover.py says), `-` for stdin.
Unreadable inputs become InputErrors; the run goes on with the rest."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Callable, Iterator

from ..model.finding import InputError

MAX_FILE_BYTES = 1 << 30  # 1 GiB: past that a "manifest" is not one


@dataclass(slots=True)
class Source:
    name: str
    text: str
    json: bool
    # "kustomize": `text` is kustomize's output for the objects that came from file `name`;
    # positions are moved back into that file after linting (load/render.relocate)
    rendered_by: str | None = None
    rendered_from: str | None = None  # the kustomization directory that was built


def _decode(name: str, data: bytes, errors: list[InputError]) -> str | None:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        errors.append(InputError(name, "binary file, not YAML or JSON", None))
        return None
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        errors.append(InputError(name, f"not valid UTF-8 (byte {e.start})", line))
        return None


def _read_file(path: str, errors: list[InputError]) -> Source | None:
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            errors.append(InputError(path, f"file too large ({size >> 20} MiB; the limit is {MAX_FILE_BYTES >> 20} MiB)", None))
            return None
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        errors.append(InputError(path, f"cannot read: {e.strerror or e}", None))
        return None
    text = _decode(path, data, errors)
    if text is None:
        return None
    return Source(path, text, path.lower().endswith(".json"))


def iter_sources(paths: list[str], errors: list[InputError], skip: Callable[[str], bool] | None = None,
                 stdin=None, gitignore: bool = True, render=None, stdin_name: str | None = None) -> Iterator[Source]:
    """skip(path) -> True leaves a file out (the configuration's exclude patterns). Directories are
    walked as load/discover.py says; Helm charts and kustomizations are rendered (load/render.py,
    `render` = its RenderOptions). A named file inside a chart or kustomization stands for it.
    stdin_name: the name piped input is reported under (`--stdin-filename`), else "-"."""
    from .discover import Found, owner_of, walk

    rendered: set[str] = set()

    def expand(found: Found) -> Iterator[Source]:
        if found.kind == "file":
            src = _read_file(found.path, errors)
            if src is not None:
                yield src
            return
        key = os.path.abspath(found.path)
        if key in rendered:
            return
        rendered.add(key)
        from .render import render_chart, render_kustomization
        if found.kind == "chart":
            yield from render_chart(found.path, errors, render)
        else:
            yield from render_kustomization(found.path, errors)

    for path in paths:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                data = stream.read()
            except OSError as e:
                errors.append(InputError("-", f"cannot read stdin: {e}", None))
                continue
            name = stdin_name or "-"
            if not data.strip():  # a failed `helm template … | winkube lint -` must not pass
                errors.append(InputError(name, "nothing was read from stdin", None))
                continue
            text = _decode(name, data if isinstance(data, bytes) else data.encode(), errors)
            if text is not None:
                yield Source(name, text, text.lstrip()[:1] == "{" and _looks_json(text))
            continue
        if os.path.isdir(path):
            found = False
            for item in walk(path, errors, skip, gitignore):
                found = True
                yield from expand(item)
            if not found:
                errors.append(InputError(path, "no .yaml, .yml or .json files in this directory", None))
            continue
        if not os.path.exists(path):
            errors.append(InputError(path, "no such file or directory", None))
            continue
        if skip is not None and skip(path):
            continue
        yield from expand(owner_of(path) or Found("file", path))


def _looks_json(text: str) -> bool:
    import json
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True
