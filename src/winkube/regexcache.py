"""Compiled regular expressions kept in the user's cache, so a pre-commit run does not compile the
same ~70 patterns on every start: that was ~110M instructions of a ~470M `winkube lint` of 100
documents, 57M of it one pattern PyYAML's reader compiles at import (its non-printable class spans
all of Unicode), the rest PyYAML's resolver, argparse and winkube's own (image tags, names).

Python cannot store a compiled pattern, but what `re` compiles one to is plain data: the SRE code
(a list of ints) and the group names, which `re` hands to `_sre.compile`. An entry holds that data
for one (pattern, flags). `seed()`, first thing in a run, rebuilds the Pattern objects and puts them
in `re`'s own cache under the key `re.compile` looks up, so every later `re.compile` of the pattern
(PyYAML's at import included) is a dictionary hit; `save()`, at the end of a lint process
(cli.entry, never main() inside a caller's process), adds the patterns that run compiled. Safe by
construction:
- an entry is written only after the pattern rebuilt from it compared equal (pattern text, flags,
  code) to the one `re` itself compiled, with the same groups, in this interpreter;
- the file is keyed by the interpreter's exact version and SRE magic, so only the build that wrote
  it reads it, and `_sre.compile` validates any code it is given (a damaged file cannot crash it);
- marshal, as in knowledge/cache.py: reading the file can only yield data, never run code;
- only `lint` saves, and only what its own run compiled outside the reading of its input (the
  same patterns every run): no .gitignore line, exclude glob or rendered chart, nothing pasted into
  `explain`;
- on another Python than CPython 3.11-3.13, or a cache that cannot be read or written, patterns
  are compiled as before. The answer never depends on the cache: only the time does.
"""
from __future__ import annotations

import marshal
import os
import re
import sys

try:
    import _sre
except ImportError:  # pragma: no cover - not CPython
    _sre = None

__all__ = ["save", "seed"]

_FORMAT = 1  # bump when the layout of an entry changes
_MAX_ENTRIES = 300  # more than this and the file starts over with one run's patterns (re itself keeps 512)

_before: set | None = None  # the keys of re's cache when seed() ran: what save() does not store again
_entries: list = []  # the entries read from the file
# the keys compiled while the input was read (.gitignore lines, a .winkube.yaml's exclude globs, what
# a chart renders): the repository's text, not winkube's, so never stored
_input: set = set()
_reading: set | None = None  # the keys of re's cache when reading the input began


def _usable() -> bool:
    return (sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] <= (3, 13)
            and _sre is not None and isinstance(getattr(re, "_cache", None), dict))


def _key() -> tuple:
    return (_FORMAT, sys.version, _sre.MAGIC, _sre.CODESIZE)


def _path() -> str:
    from .knowledge.cache import cache_root

    return os.path.join(cache_root(), f"regex-{sys.implementation.cache_tag}.marshal")


def seed() -> None:
    """Put the patterns of earlier runs into re's cache (once per process; quietly nothing on failure)."""
    global _before, _entries
    if _before is not None or not _usable():
        return
    cache = re._cache
    try:
        with open(_path(), "rb") as fh:
            key, entries = marshal.loads(fh.read())
        if key == _key():
            for flags, pattern, final_flags, code, groups, groupindex, indexgroup in entries:
                k = (type(pattern), pattern, flags)
                if k not in cache:
                    cache[k] = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
            _entries = entries
    except (OSError, ValueError, EOFError, TypeError, RuntimeError):
        _entries = []  # no file yet, another interpreter's, or a damaged one: compile as usual
    _before = set(cache)


def reading_input(begins: bool) -> None:
    """Called as the input's reading begins (True) and ends (False): what compiles in between is
    the input's own (gitignore patterns, exclude globs) and save() leaves it out."""
    global _reading
    if _before is None or not _usable():
        return
    if begins:
        _reading = set(re._cache)
    elif _reading is not None:
        _input.update(k for k in re._cache if k not in _reading)
        _reading = None


def save() -> None:
    """Add the patterns this run compiled to the file (nothing to do on the usual, warm run)."""
    global _before, _entries
    if _before is None or not _usable():
        return
    reading_input(False)  # (a run that stopped while reading: what it compiled there is the input's too)
    new = [k for k in re._cache if k not in _before and k not in _input]
    _before = set(re._cache)
    if not new:
        return
    entries = _entries if len(_entries) + len(new) <= _MAX_ENTRIES else []
    added = [e for e in (_entry(k[1], k[2], re._cache[k]) for k in new[:_MAX_ENTRIES]) if e is not None]
    if not added:
        return
    _entries = entries + added
    from .knowledge.cache import write_atomically

    try:
        write_atomically(_path(), marshal.dumps((_key(), _entries)))
    except (OSError, ValueError):
        pass  # a read-only cache: patterns are compiled each time, as before


def _entry(pattern, flags: int, compiled) -> tuple | None:
    """What re._compiler.compile hands to _sre.compile for this pattern, if rebuilding it from
    that gives a pattern equal to the one re compiled; else None (not stored)."""
    try:
        from re import _compiler, _parser

        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # opcodes are int subclasses marshal refuses
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        args = (pattern, flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        rebuilt = _sre.compile(*args)
        if not (rebuilt == compiled and rebuilt.groups == compiled.groups and rebuilt.groupindex == compiled.groupindex):
            return None
        return (flags,) + args
    except Exception:  # noqa: BLE001 - an internal we did not expect: the pattern is just not stored
        return None
