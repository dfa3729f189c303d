"""Field paths in the API server's notation.

A path is a tuple of segments: a `str` is a field (`.name`), an `int` an index (`[0]`) and a `Key`
a map key (`[kubernetes.io/os]`), exactly as k8s.io/apimachinery's field.Path renders them, so a
finding's path compares equal to the `field` of the API server's StatusCause.
"""
from __future__ import annotations


class Key(str):
    """A map key segment, rendered `[key]` like field.Path.Key."""

    __slots__ = ()


Path = tuple


def render(path: Path) -> str:
    out: list[str] = []
    for seg in path:
        if seg.__class__ is str:  # the common segment first (a Key is a str subclass: not this branch)
            out.append("." + seg if out else seg)
        elif isinstance(seg, int):
            out.append(f"[{seg}]")
        elif isinstance(seg, Key):
            out.append(f"[{seg}]")
        elif out:
            out.append("." + seg)
        else:
            out.append(seg)
    return "".join(out)


def get(obj, path: Path, default=None):
    """The value at path inside obj, or default when any step is missing or of the wrong type."""
    cur = obj
    for seg in path:
        if isinstance(seg, int):
            if not isinstance(cur, list) or seg >= len(cur):
                return default
        elif not isinstance(cur, dict) or seg not in cur:
            return default
        cur = cur[seg]
    return cur
