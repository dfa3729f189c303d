"""One object through the API server's first steps: is (apiVersion, kind) served by the release,
and how does the body decode (structure/decode.py)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..knowledge import load
from .decode import DecodeResult, decode
from .schema import Schema, available, schema_for
from .validate import Cause, validate


@dataclass(slots=True)
class Removal:
    api_version: str
    kind: str
    removed: tuple[int, int]
    use: str
    source: str


@dataclass(slots=True)
class Structure:
    schema: Schema | None  # the schema used: the release's own (every supported release ships one),
    exact_schema: bool  # or, for a release without one, the nearest newer one (then False)
    served: bool | None  # None: not a built-in group (a custom resource), nothing to say
    removal: Removal | None  # why it is not served, and what to use instead
    decoded: DecodeResult | None  # None: not decoded (not served, or no schema for it)
    # the validation causes (422) of a cleanly decoded object (structure/validate.py); the server
    # validates only what it could decode, so None whenever decoding found something
    causes: list[Cause] | None = None


@lru_cache(maxsize=1)
def _removals() -> dict[tuple[str, str], Removal]:
    out = {}
    for row in load("api_removals")["removed"]:
        major, minor = (int(x) for x in row["removed"].split("."))
        for kind in row["kinds"]:
            out[(row["apiVersion"], kind)] = Removal(row["apiVersion"], kind, (major, minor), row["use"], row["source"])
    return out


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


@lru_cache(maxsize=8)
def _builtin_groups(schema: Schema) -> frozenset[str]:
    """The groups Kubernetes itself serves in some release: a kind of one that this release's schema
    lacks is not served by it (resource.k8s.io in 1.33: beta only, off by default), not a custom
    resource. Groups only come and go with the newest schema and the removals table."""
    newest = schema_for(available()[-1])
    return frozenset({_group(gv) for s in (schema, newest) for gv in s.kinds} | {_group(gv) for gv, _ in _removals()})


@lru_cache(maxsize=16)
def nearest_schema(kube_version: tuple[int, int]) -> tuple[Schema | None, bool]:
    exact = schema_for(kube_version)
    if exact is not None:
        return exact, True
    newer = [v for v in available() if v >= kube_version]
    return (schema_for(newer[0]), False) if newer else (None, False)


def check(obj: dict, kube_version: tuple[int, int]) -> Structure:
    schema, exact = nearest_schema(kube_version)
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if schema is None or not isinstance(api_version, str) or not isinstance(kind, str):
        return Structure(schema, exact, None, None, None)
    removal = _removals().get((api_version, kind))
    if removal is not None and removal.removed <= kube_version:
        return Structure(schema, exact, False, removal, None)
    root = schema.kind(api_version, kind)
    if root is None:
        if exact and _group(api_version) in _builtin_groups(schema) and "List" != kind[-4:]:
            return Structure(schema, exact, False, removal, None)
        return Structure(schema, exact, None, None, None)
    decoded = decode(obj, root)
    causes = validate(obj, schema, root) if decoded.ok else None
    return Structure(schema, exact, True, None, decoded, causes)
