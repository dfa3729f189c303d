"""Human output for terminals and CI logs.

    deploy.yaml:12:11  error    admission   windows-forbidden-field  spec.template.spec.containers[0].securityContext.privileged
      privileged containers are not supported on Windows
         12 |           privileged: true
            |           ^
      fix: remove securityContext.privileged

Findings are grouped by file (a blank line between files), input errors first in their file as
`file:line: error: message`, and one summary line closes the output.

Colour is plain ANSI escape codes written by hand, and only when the caller asks (the CLI does so
on a terminal with NO_COLOR unset). Not `rich`: importing `rich.console` costs ~50 ms
(/work/shared/reference/dependencies.md), and a linter run from a pre-commit hook must start fast.

Everything that comes from the input (messages quoting values, paths, file names, source lines) is
passed through `clean()`, so a manifest cannot make winkube write terminal escape sequences.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import groupby
from operator import itemgetter
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)

from ..ansi import paint
from ..model.finding import Finding, InputError, Result, Severity, Stage
from . import counts_by_severity, counts_by_stage, finding_key, sorted_errors

if TYPE_CHECKING:
    from typing import TextIO
    from ..rules.base import Rule

# ---- escaping ------------------------------------------------------------------------------------

# Bidirectional controls ("Trojan source") and line/paragraph separators: invisible or
# reordering on a terminal, so shown escaped like control characters.
_SUSPICIOUS = {0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


_SUSPICIOUS_RE = re.compile("[" + "".join(chr(c) for c in sorted(_SUSPICIOUS)) + "]")


def _escape_char(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x100:
        return f"\\x{cp:02x}"
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def _needs_escape(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp < 0xA0:  # C0, DEL, C1 (0x9b is a one-byte CSI on some terminals)
        return True
    if cp in _SUSPICIOUS:
        return True
    return 0xD800 <= cp < 0xE000  # lone surrogates (undecodable file names): unencodable


def clean(s: str, *, keep_tab: bool = False) -> str:
    """`s` with control characters replaced by visible escapes (`\\x1b`), safe to print."""
    if s.isprintable() and (s.isascii() or not _SUSPICIOUS_RE.search(s)):
        return s  # fast path, in C: nothing to escape
    return "".join(
        _escape_char(c) if _needs_escape(c) and not (keep_tab and c == "\t") else c for c in s
    )


def _width(s: str) -> int:
    """Terminal cells taken by `s` (wide East Asian characters take two, combining marks none)."""
    if s.isascii():
        return len(s)
    w = 0
    for c in s:
        if unicodedata.combining(c):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


# ---- colour --------------------------------------------------------------------------------------

class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return paint(style, text, self.color)


# ---- rendering -----------------------------------------------------------------------------------

_SEV_WIDTH = max(len(s.value) for s in Severity)
_STAGE_WIDTH = 10  # len("scheduling"), the longest stage


def _location(f: Finding) -> str:
    if f.file is None:
        return str(f.object) if f.object else "-"
    loc = f.file
    if f.line is not None:
        loc += f":{f.line}"
        if f.column is not None:
            loc += f":{f.column}"
    return loc


# a finding's severity and stage columns, by value (a Severity or Stage is its own str value): no
# Enum call per finding
_SEV_TEXT = {s: s.value for s in Severity}
_STAGE_COLUMN = {s: str(s).ljust(_STAGE_WIDTH) for s in Stage}
_PATH_IN_KEY = 5  # report.finding_key: (no file, file, line, column, rule, path_str, object, message)


def _render_finding(f: Finding, out: TextIO, paint: _Painter, path: str | None = None) -> None:
    """path: f.path_str when the caller rendered it already (to sort)."""
    sev = _SEV_TEXT.get(f.severity) or Severity(f.severity).value
    stage = _STAGE_COLUMN.get(f.stage) or str(f.stage).ljust(_STAGE_WIDTH)
    loc, rule = _location(f), f.rule
    if path is None:
        path = f.path_str
    loc = loc if loc.isascii() and loc.isprintable() else clean(loc)
    rule = rule if rule.isascii() and rule.isprintable() else clean(rule)
    path = path if path.isascii() and path.isprintable() else clean(path)
    color = paint.color
    if color:
        head = "  ".join([paint("bold", loc), paint(sev, sev.ljust(_SEV_WIDTH)), stage, paint("bold", rule), path])
    else:
        head = f"{loc}  {sev.ljust(_SEV_WIDTH)}  {stage}  {rule}  {path}"  # what paint() leaves without colour
    message = f.message
    lines = [head.rstrip(), "\n  ", message if message.isascii() and message.isprintable() else clean(message), "\n"]
    source = f.source_line
    if source is not None and f.line is not None:
        src = source.rstrip("\r\n")
        src = src if src.isascii() and src.isprintable() else clean(src, keep_tab=True)
        number = str(f.line)
        lines += ["    ", paint("dim", number + " |") if color else number + " |", " ", src, "\n"]
        column = f.column
        if column is not None and column >= 1:
            # Pad with the same whitespace the line has before the column (keeping tabs), so the
            # caret lands under the column whatever the tab width; escapes count as printed.
            before = source[: column - 1]
            if before.isascii() and before.isprintable():  # each character one cell, no tab: no step per character
                pad = " " * len(before)
            else:
                before = clean(before, keep_tab=True)
                if before.isascii() and "\t" not in before:
                    pad = " " * len(before)
                else:
                    pad = "".join("\t" if c == "\t" else " " * _width(c) for c in before)
            gutter = " " * (4 + len(number) + 1)
            lines += [gutter, paint("dim", "|") if color else "|", " ", pad, paint("caret", "^") if color else "^", "\n"]
    if f.fix:
        fix = f.fix
        lines += ["  ", paint("fix", "fix:") if color else "fix:", " ", fix if fix.isascii() and fix.isprintable() else clean(fix), "\n"]
    out.write("".join(lines))


def _render_error(e: InputError, out: TextIO, paint: _Painter) -> None:
    loc = e.file if e.line is None else f"{e.file}:{e.line}"
    out.write(f"{paint('bold', clean(loc))}: {paint('error', 'error')}: {clean(e.message)}\n")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(result: Result) -> str:
    """`3 findings (2 error, 1 warning; admission 2, runtime 1), 1 input error in 4 files, 7 documents`."""
    parts: list[str] = []
    n = len(result.findings)
    if n:
        sev = ", ".join(f"{c} {s}" for s, c in counts_by_severity(result.findings).items() if c)
        stage = ", ".join(f"{s} {c}" for s, c in counts_by_stage(result.findings).items() if c)
        parts.append(f"{_plural(n, 'finding')} ({sev}; {stage})")
    else:
        parts.append("no findings")
    if result.errors:
        parts.append(_plural(len(result.errors), "input error"))
    skipped = f" ({len(result.skipped)} without Kubernetes objects, skipped; -v lists them)" if result.skipped else ""
    return f"{', '.join(parts)} in {_plural(result.files, 'file')}{skipped}, {_plural(result.documents, 'document')}"


def render(result: Result, rules: dict[str, Rule], out: TextIO, *, color: bool = False) -> None:
    paint = _Painter(color)
    errors_by_file: dict[str, list[InputError]] = {}
    for e in sorted_errors(result.errors):
        errors_by_file.setdefault(e.file, []).append(e)
    # sorted as sorted_findings sorts, keeping each finding's key: its rendered path is written below
    keyed = sorted([(finding_key(f), f) for f in result.findings], key=itemgetter(0))
    findings_by_file: dict[str | None, list[tuple]] = {
        file: list(group) for file, group in groupby(keyed, key=lambda kf: kf[1].file)
    }
    files: list[str | None] = sorted(set(errors_by_file) | {f for f in findings_by_file if f is not None})
    if None in findings_by_file:
        files.append(None)

    first = True
    for file in files:
        if not first:
            out.write("\n")
        first = False
        for e in errors_by_file.get(file, ()) if file is not None else ():
            _render_error(e, out, paint)
        for key, f in findings_by_file.get(file, ()):
            _render_finding(f, out, paint, key[_PATH_IN_KEY])

    if not first:
        out.write("\n")
    line = summary_line(result)
    if result.errors or any((_SEV_TEXT.get(f.severity) or Severity(f.severity).value) == "error" for f in result.findings):
        style = "error"
    elif result.findings:
        style = "warning"
    else:
        style = "bold"
    out.write(paint(style, line) + "\n")
