"""The winkube side of the differential tests, plus regression-file helpers shared by the tests."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def winkube_api():
    """winkube.api (admission_errors, read_objects); a clear failure while it does not exist."""
    try:
        from winkube import api
    except ImportError as exc:  # pragma: no cover - depends on the state of src/
        pytest.fail(f"winkube.api is required by the differential tests and cannot be imported: {exc}", pytrace=False)
    for name in ("admission_errors", "read_objects"):
        if not hasattr(api, name):
            pytest.fail(f"winkube.api has no {name}()", pytrace=False)
    return api


def winkube_answer(api, obj: dict, kube_version: str, allow_privileged: bool = True) -> set[tuple[str, str]]:
    return {tuple(x) for x in api.admission_errors(obj, kube_version=kube_version, allow_privileged=allow_privileged)}


def format_diff(server: set, winkube: set) -> str:
    lines = []
    for f, t in sorted(server - winkube):
        lines.append(f"  only kube-apiserver: {t:<13} {f}")
    for f, t in sorted(winkube - server):
        lines.append(f"  only winkube:        {t:<13} {f}")
    for f, t in sorted(server & winkube):
        lines.append(f"  both:                {t:<13} {f}")
    return "\n".join(lines) or "  (both empty)"


_INVISIBLE = re.compile("[\x7f-\x9f\u2028\u2029\u00a0\u200b-\u200f\ufeff]")


def to_json(obj, indent=2) -> str:
    """JSON that keeps readable non-ASCII text but escapes invisible characters (C1 controls...),
    which only ever occur inside strings, so the escape is exact."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_regression(record: dict) -> Path:
    """Store a disagreement as tests/harness/regressions/<kind>-<hash>.json (idempotent)."""
    REGRESSIONS.mkdir(exist_ok=True)
    obj = record["object"]
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()
    name = f"{obj.get('kind', 'object').lower()}-{hashlib.sha256(blob).hexdigest()[:12]}.json"
    path = REGRESSIONS / name
    path.write_text(to_json(record) + "\n", encoding="utf-8")
    return path


def short(obj: dict, limit: int = 3000) -> str:
    """The object as JSON, with huge strings (64 KiB gMSA specs) abbreviated for the failure message."""

    def shrink(x):
        if isinstance(x, str) and len(x) > 120:
            return f"{x[:40]}…<{len(x)} chars, {len(x.encode())} bytes>"
        if isinstance(x, dict):
            return {k: shrink(v) for k, v in x.items()}
        if isinstance(x, list):
            return [shrink(v) for v in x]
        return x

    text = to_json(shrink(obj), indent=1)
    return text if len(text) <= limit else text[:limit] + "\n…"
