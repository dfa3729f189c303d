"""Paths → named texts: files, directories (walked as load/discover.py says), `-` for stdin.
Unreadable inputs become InputErrors; the run goes on with the rest."""
from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator

from ..boundedio import read_stream_at_most
from ..model.finding import InputError
from ..record import Record

MAX_FILE_BYTES = 1 << 30  # 1 GiB per input (file, pipe, stdin): past that a "manifest" is not one


class Source(Record):
    __slots__ = ("name", "text", "json", "rendered_by", "rendered_from")

    def __init__(self, name: str, text: str, json: bool, rendered_by: str | None = None, rendered_from: str | None = None):
        self.name, self.text, self.json = name, text, json
        # "kustomize": `text` is kustomize's output for the objects that came from file `name`;
        # positions are moved back into that file after linting (load/render.relocate)
        self.rendered_by = rendered_by
        self.rendered_from = rendered_from  # the kustomization directory that was built


_UTF32 = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _decode(name: str, data: bytes, errors: list[InputError]) -> str | None:
    """UTF-8 (a BOM allowed) or UTF-16 with a BOM: what go-yaml, and so kubectl, reads."""
    if data.startswith(_UTF32):  # before UTF-16: FF FE 00 00 starts like a UTF-16LE BOM
        errors.append(InputError(name, "UTF-32 text: Kubernetes reads YAML and JSON as UTF-8 or UTF-16", None))
        return None
    utf16 = data.startswith(_UTF16)
    if not utf16 and b"\x00" in data[:8192]:
        errors.append(InputError(name, "binary file, not YAML or JSON", None))
        return None
    if utf16 and len(data) % 2:
        errors.append(InputError(name, f"not valid UTF-16: an odd number of bytes ({len(data)}), the last character is cut", None))
        return None
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as e:
        unit = data[: e.start].decode("utf-16", "replace") if utf16 else None
        line = unit.count("\n") + 1 if unit is not None else data[: e.start].count(b"\n") + 1
        errors.append(InputError(name, f"not valid {'UTF-16' if utf16 else 'UTF-8'} (byte {e.start})", line))
        return None


def _read_capped(f, name: str, errors: list[InputError]) -> bytes | None:
    """At most MAX_FILE_BYTES from an open binary stream, whatever it claims: a pipe, a FIFO or a
    file that grows while read cannot make winkube hold more."""
    data = read_stream_at_most(f, MAX_FILE_BYTES)
    if data is None:
        errors.append(InputError(name, f"input too large (more than {MAX_FILE_BYTES >> 20} MiB): skipped", None))
    return data


def _open(path: str, fifo: bool):
    if not fifo:
        return open(path, "rb")
    # A FIFO nobody writes to would block open() forever: open without waiting for a writer, then
    # read normally (no writer now reads as end of input; a writer that is there is read to its end).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _read_file(path: str, errors: list[InputError], *, explicit: bool = True) -> Source | None:
    """explicit: named on the command line, so a pipe or FIFO (`<(helm template …)`) is read too,
    with the same cap; a device (/dev/zero) never is, nor anything but a regular file met in a
    directory."""
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            if st.st_size > MAX_FILE_BYTES:
                errors.append(InputError(path, f"file too large ({st.st_size >> 20} MiB; the limit is {MAX_FILE_BYTES >> 20} MiB)", None))
                return None
        elif not (explicit and (stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode))):
            errors.append(InputError(path, "not a regular file (a device or special file): not read", None))
            return None
        with _open(path, stat.S_ISFIFO(st.st_mode)) as f:
            data = _read_capped(f, path, errors)
    except OSError as e:
        errors.append(InputError(path, f"cannot read: {e.strerror or e}", None))
        return None
    if data is None:
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

    def expand(found: Found, explicit: bool) -> Iterator[Source]:
        """explicit: named on the command line (a pipe or FIFO is read too), not met in a walk."""
        if found.kind == "file":
            src = _read_file(found.path, errors, explicit=explicit)
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
                data = _read_capped(stream, "-", errors)
            except OSError as e:
                errors.append(InputError("-", f"cannot read stdin: {e}", None))
                continue
            if data is None:
                continue
            name = stdin_name or "-"
            if not data.strip():  # a failed `helm template … | winkube lint -` must not pass
                errors.append(InputError(name, "nothing was read from stdin", None))
                continue
            text = _decode(name, data, errors)
            if text is not None:
                yield Source(name, text, text.lstrip()[:1] == "{" and _looks_json(text))
            continue
        if os.path.isdir(path):
            found = False
            for item in walk(path, errors, skip, gitignore):
                found = True
                yield from expand(item, explicit=False)
            if not found:
                errors.append(InputError(path, "no .yaml, .yml or .json files in this directory", None))
            continue
        if not os.path.exists(path):
            errors.append(InputError(path, "no such file or directory", None))
            continue
        if skip is not None and skip(path):
            continue
        yield from expand(owner_of(path) or Found("file", path), explicit=True)


def _looks_json(text: str) -> bool:
    import json
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True
