"""One object through the API server's first steps: is (apiVersion, kind) served by the release,
and how does the body decode (structure/decode.py)."""
from __future__ import annotations

from functools import lru_cache

from ..knowledge import load
from ..record import Record
from . import fast
from .decode import DecodeResult, decode
from .schema import Schema, available, schema_for
from .validate import Cause, _workload, _zero_paths, plan, validate, workload


class Removal(Record):  # records, not @dataclass: on the start-up path (record.py)
    __slots__ = ("api_version", "kind", "removed", "use", "source")

    def __init__(self, api_version: str, kind: str, removed: tuple[int, int], use: str, source: str):
        self.api_version, self.kind, self.removed, self.use, self.source = api_version, kind, removed, use, source


class Structure(Record):
    __slots__ = ("schema", "exact_schema", "served", "removal", "decoded", "causes", "clean")
    schema: Schema | None  # the schema used: the release's own (every supported release ships one),
    exact_schema: bool  # or, for a release without one, the nearest newer one (then False)
    served: bool | None  # None: not a built-in group (a custom resource), nothing to say
    removal: Removal | None  # why it is not served, and what to use instead
    decoded: DecodeResult | None  # None: not decoded (not served, or no schema for it)
    # the validation causes (422) of a cleanly decoded object (structure/validate.py); the server
    # validates only what it could decode, so None whenever decoding found something
    causes: list[Cause] | tuple | None  # () in the shared answer of a clean object: read only
    clean: bool  # True: nothing to report (the shared answer of a clean or undecoded object)

    def __init__(self, schema: Schema | None, exact_schema: bool, served: bool | None, removal: Removal | None,
                 decoded: DecodeResult | None, causes: list[Cause] | tuple | None = None, clean: bool = False):
        self.schema, self.exact_schema, self.served, self.removal = schema, exact_schema, served, removal
        self.decoded, self.causes, self.clean = decoded, causes, clean


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
    """What the API server's first steps make of `obj`. The answer for a clean object (and for one
    that is not decoded) is shared by every such object of its route: read it, never change it."""
    try:  # a route seen before (most objects): its key read by subscript, no type tests (_ROUTES has str keys)
        clean, root, shared, wl = _ROUTES[obj["apiVersion"], obj["kind"], kube_version]
    except (KeyError, TypeError):  # TypeError: an unhashable apiVersion or kind
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            schema, exact = nearest_schema(kube_version)
            return Structure(schema, exact, None, None, None, None, True)
        clean, root, shared, wl = route(api_version, kind, kube_version)
    if root is None:
        return shared
    answer = clean(obj)  # structure/fast.py's walk of this route
    if answer == fast.CLEAN:
        return shared
    if answer == fast.NOT_SURE:
        return replay(obj, root, shared)
    causes: list[Cause] = []
    _workload(obj, wl, causes)  # the selector against the template's labels, the restartPolicy
    if not causes:
        return shared
    return Structure(shared.schema, shared.exact_schema, True, None, CLEAN, causes)


def replay(obj: dict, root, shared: Structure) -> Structure:
    """The exact replay, with the server's paths and words (what check() answers whenever
    structure/fast.py is not sure; tests/test_structure_fast.py holds the two to the same answers)."""
    decoded = decode(obj, root)
    causes = validate(obj, shared.schema, root) if decoded.ok else None
    return Structure(shared.schema, shared.exact_schema, True, None, decoded, causes)


def route(api_version: str, kind: str, kube_version: tuple[int, int]) -> tuple:
    """check()'s route for such an object (see _route)."""
    key = (api_version, kind, kube_version)
    got = _ROUTES.get(key)
    if got is None:
        if len(_ROUTES) >= 4096:
            _ROUTES.clear()
        got = _ROUTES[key] = _route(api_version, kind, tuple(kube_version))
    return got


CLEAN = DecodeResult()  # what decoding a clean object finds (shared: read only)

# (apiVersion, kind, release) -> what check() does with such an object, worked out once: objects of
# one kind are most of a run, and the lookups below cost more than the decode of a small object
_ROUTES: dict[tuple, tuple] = {}


def _route(api_version: str, kind: str, kube_version: tuple[int, int]) -> tuple:
    """(structure/fast.py's walk for the route, the root to decode into or None, the shared answer:
    for no root the whole answer, else a clean object's, the workload row or None). The walk also
    answers for the structs validation checks even when absent (the zero paths: the exact way when
    one is not a map) and the apps kinds' selector and restartPolicy (else _workload is asked)."""
    schema, exact, served, removal, root = _served(api_version, kind, kube_version)
    if root is None:
        return None, None, Structure(schema, exact, served, removal, None, None, served is not False), None
    zero = _zero_paths(kind) if plan(schema, root) is not None else ()
    zero = tuple(p for p in zero if not any(q[:len(p)] == p and q != p for q in zero))  # a path's prefixes are on it
    wl = workload(kind)
    return fast.route(root, zero, wl), root, Structure(schema, exact, True, None, CLEAN, (), True), wl


def _served(api_version: str, kind: str, kube_version: tuple[int, int]) -> tuple:
    """(schema, exact, served, removal, root to decode into or None)."""
    schema, exact = nearest_schema(kube_version)
    if schema is None:
        return schema, exact, None, None, None
    removal = _removals().get((api_version, kind))
    if removal is not None and removal.removed <= kube_version:
        return schema, exact, False, removal, None
    root = schema.kind(api_version, kind)
    if root is None:
        if exact and _group(api_version) in _builtin_groups(schema) and "List" != kind[-4:]:
            return schema, exact, False, removal, None
        return schema, exact, None, None, None
    return schema, exact, True, None, root
