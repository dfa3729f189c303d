"""The release's API schema, compacted from the OpenAPI v3 the real kube-apiserver serves
(src/winkube/knowledge/openapi/v<minor>.json, written by tools/openapi-knowledge.py)."""
from __future__ import annotations

import marshal
import os
from functools import lru_cache

from ..knowledge.cache import cached

_OPENAPI = os.path.join(os.path.dirname(os.path.dirname(__file__)), "knowledge", "openapi")

# A type node: a short string from the knowledge file, compiled once into a tuple
#   ("scalar", name)          string, int32, int64, bool, number, byte, quantity, intstr, time, any
#   ("list", node) / ("map", node)
#   ("struct", StructType)


class StructType:
    __slots__ = ("name", "go", "_raw", "_props", "_schema", "required", "enums", "inline", "_clean")

    def __init__(self, schema: "Schema", name: str, raw: dict):
        self.name, self.go, self._raw, self._schema = name, raw["go"], raw["props"], schema
        self._props: dict | None = None
        self._clean = None  # structure/fast.py's compiled walk for this type, built on first use
        self.required = tuple(raw.get("required", ()))
        self.enums = raw.get("enums", {})
        # prop -> the embedded Go struct(s) it comes from ("ProbeHandler"): decode errors name them
        self.inline: dict[str, tuple[str, ...]] = {k: tuple(v.split(".")) for k, v in raw.get("inline", {}).items()}

    @property
    def props(self) -> dict:
        if self._props is None:
            self._props = {k: self._schema.node(v) for k, v in self._raw.items()}
        return self._props


class Schema:
    def __init__(self, data: dict):
        self.kube_version: str = data["kubeVersion"]
        self.source: str = data["source"]
        self.kinds: dict[str, dict[str, str]] = data["kinds"]
        self._types: dict[str, bytes] = data["types"]  # name -> the type marshalled: decoded on first use (_parse)
        self._nodes: dict[str, tuple] = {}
        self._structs: dict[str, StructType] = {}

    def struct(self, name: str) -> StructType:
        s = self._structs.get(name)
        if s is None:
            s = self._structs[name] = StructType(self, name, marshal.loads(self._types[name]))
        return s

    def node(self, t: str) -> tuple:
        n = self._nodes.get(t)
        if n is not None:
            return n
        if t.startswith("["):
            n = ("list", self.node(t[1:-1]))
        elif t.startswith("{"):
            n = ("map", self.node(t[1:-1]))
        elif t.startswith("#"):
            n = ("struct", self.struct(t[1:])) if t[1:] in self._types else ("scalar", "any")
        else:
            n = ("scalar", t)
        self._nodes[t] = n
        return n

    def kind(self, api_version: str, kind: str) -> StructType | None:
        name = self.kinds.get(api_version, {}).get(kind)
        return self.struct(name) if name else None

    def serves_group_version(self, api_version: str) -> bool:
        return api_version in self.kinds

    def versions_serving(self, kind: str, group: str) -> list[str]:
        """The served apiVersions of `group` that serve `kind` (for "use apps/v1 instead")."""
        out = []
        for gv, kinds in self.kinds.items():
            g = gv.rsplit("/", 1)[0] if "/" in gv else ""
            if g == group and kind in kinds:
                out.append(gv)
        return out


@lru_cache(maxsize=1)
def available() -> tuple[tuple[int, int], ...]:
    """The releases a schema is shipped for (listed once per process)."""
    out = []
    for name in os.listdir(_OPENAPI):  # by path, as knowledge.read_yaml reads (no importlib.resources)
        if name.startswith("v") and name.endswith(".json"):
            major, minor = name[1:-5].split(".")
            out.append((int(major), int(minor)))
    return tuple(sorted(out))


@lru_cache(maxsize=4)
def _load(version: tuple[int, int]) -> Schema:
    return Schema(cached(os.path.join(_OPENAPI, f"v{version[0]}.{version[1]}.json"), _parse))


def _parse(raw: bytes) -> dict:
    """The schema file, each type kept marshalled: a lint of workloads reads ~150 of a release's
    ~600 types, and unmarshalling all of them from the knowledge cache was ~1.6 ms of its start-up."""
    import json

    data = json.loads(raw)
    data["types"] = {name: marshal.dumps(t) for name, t in data["types"].items()}
    return data


def schema_for(kube_version: tuple[int, int]) -> Schema | None:
    """The schema of that release, or None when winkube has none for it (no structural checks then)."""
    if kube_version not in available():
        return None
    return _load(kube_version)
