"""The per-release schemas (knowledge/openapi/v<release>.json) and how they are made.

1.37 is dumped from the real kube-apiserver v1.37.2 of tests/harness (GET /openapi/v3). Every other
release is compacted by `make schemas` (tools/openapi-knowledge.py --releases) from the
k8s.io/kubernetes module of its tag: the repository's api/openapi-spec/v3 cut to what a default
server serves and with the enums put back (tools/kube_source.py). The proof that this path is the
server's: for 1.37 it reproduces the dump of the real server exactly, every kind and every schema
with its enums. The k8s.io modules of v1.37.2 are in the Go module cache once the control plane is
built (`make control-plane`, part of `make test`), so this needs no other download.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from winkube.k8s import releases
from winkube.knowledge import load

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "src" / "winkube" / "knowledge" / "openapi"


@lru_cache(maxsize=1)
def tool():
    spec = importlib.util.spec_from_file_location("openapi_knowledge", ROOT / "tools" / "openapi-knowledge.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def shipped(minor: str) -> dict:
    return json.loads((OPENAPI / f"v{minor}.json").read_text())


@lru_cache(maxsize=1)
def from_module_137() -> dict:
    assert shutil.which("go"), "Go is needed (the Makefile's control-plane target builds with it)"
    return tool().module_schema(releases.tag((1, 37)), [])


def test_the_module_path_reproduces_what_the_real_server_serves():
    served, derived = shipped("1.37"), from_module_137()
    assert served["source"].startswith("kube-apiserver v1.37.2: GET /openapi/v3"), "1.37 is the harness server's dump"
    # group-versions served by default (13 more are in the repository's spec) and their kinds
    assert derived["kinds"] == served["kinds"]
    only_served, only_derived = set(served["types"]) - set(derived["types"]), set(derived["types"]) - set(served["types"])
    assert not only_served and not only_derived, (sorted(only_served), sorted(only_derived))
    differ = [n for n in served["types"] if served["types"][n] != derived["types"][n]]
    assert differ == [], differ[:10]


def test_the_enums_of_1_37_are_the_servers():
    """The repository's spec has no enums (hack/update-openapi-spec.sh runs with OpenAPIEnums=false);
    put back from zz_generated.openapi.go they equal the ones the server serves, in its order."""
    def enums(data):
        return {(n, p): v for n, t in data["types"].items() for p, v in t.get("enums", {}).items()}

    served, derived = enums(shipped("1.37")), enums(from_module_137())
    assert len(served) == 93 and derived == served
    assert served[("io.k8s.api.core.v1.Toleration", "operator")] == ["Equal", "Exists", "Gt", "Lt"]


def test_every_release_file_names_its_sources():
    rows = load("api_validation")["sources"]
    lo, hi = releases.oldest(), releases.newest()
    files = sorted(p.name for p in OPENAPI.glob("v*.json"))
    assert files == sorted(f"v1.{m}.json" for m in range(lo[1], hi[1] + 1))
    for m in range(lo[1], hi[1]):
        minor = f"1.{m}"
        data = shipped(minor)
        assert data["kubeVersion"] == rows[minor]["tag"]
        src = data["sources"]
        assert src["spec"].startswith(f"k8s.io/kubernetes@{rows[minor]['tag']} ({rows[minor]['h1']}): api/openapi-spec/v3")
        assert "pkg/controlplane/instance.go DefaultAPIResourceConfigSource" in src["servedByDefault"]
        assert "zz_generated.openapi.go" in src["enums"]  # OpenAPIEnums is on by default in every supported release


def test_served_by_default_replays_resource_config_semantics():
    """kube_source's replay of k8s.io/apiserver's ResourceConfig (pkg/server/storage/resource_config.go):
    an unlisted version is off, a resource setting wins over its version, and a later version
    setting clears the resource settings of that version."""
    sys.path.insert(0, str(ROOT / "tools"))
    import kube_source

    cfg = kube_source._ResourceConfig()
    assert not cfg.resource_enabled("autoscaling/v2beta2", "horizontalpodautoscalers")
    cfg.versions_set(["autoscaling/v2beta2"], False)
    cfg.resources[("autoscaling/v2beta2", "horizontalpodautoscalers")] = True
    assert cfg.resource_enabled("autoscaling/v2beta2", "horizontalpodautoscalers")
    assert not cfg.resource_enabled("autoscaling/v2beta2", "other")
    cfg.versions_set(["autoscaling/v2beta2"], False)
    assert not cfg.resource_enabled("autoscaling/v2beta2", "horizontalpodautoscalers")


@pytest.mark.parametrize("path,resource", [
    ("/apis/autoscaling/v2beta2/namespaces/{namespace}/horizontalpodautoscalers", "horizontalpodautoscalers"),
    ("/apis/autoscaling/v2beta2/watch/namespaces/{namespace}/horizontalpodautoscalers/{name}", "horizontalpodautoscalers"),
    ("/apis/flowcontrol.apiserver.k8s.io/v1beta2/flowschemas/{name}/status", "flowschemas"),
    ("/apis/flowcontrol.apiserver.k8s.io/v1beta2/watch/flowschemas", "flowschemas"),
    ("/api/v1/watch/namespaces", "namespaces"),
    ("/api/v1/namespaces/{namespace}/pods/{name}/eviction", "pods"),
    ("/apis/storage.k8s.io/v1beta1/", ""),
])
def test_a_path_names_its_resource(path, resource):
    assert tool()._path_resource(path) == resource


def test_the_release_schemas_agree_with_the_deprecation_guide():
    """Two independent sources: knowledge/api_removals.yaml (the deprecation guide's "removed in"
    rows) and the group-versions each schema serves (read from the release's own code). A removed
    apiVersion is served by no release from its removal on, and by the release before it when that
    one is supported (the legacy betas KEP-3136 kept on by default until their removal)."""
    from winkube.structure.schema import schema_for

    lo, hi = releases.oldest(), releases.newest()
    served_before = set()
    for row in load("api_removals")["removed"]:
        removed = tuple(int(x) for x in row["removed"].split("."))
        for m in range(lo[1], hi[1] + 1):
            kinds = schema_for((1, m)).kinds.get(row["apiVersion"], {})
            for kind in row["kinds"]:
                if (1, m) >= removed:
                    assert kind not in kinds, (row["apiVersion"], kind, f"1.{m}")
                elif (1, m) == (1, removed[1] - 1):
                    assert kind in kinds, (row["apiVersion"], kind, f"1.{m}")
                    served_before.add((row["apiVersion"], kind))
    # the rows this covers: autoscaling/v2beta2 (1.26), flowcontrol v1beta1 (1.26), v1beta2 (1.29),
    # v1beta3 (1.32), storage.k8s.io/v1beta1 CSIStorageCapacity (1.27)
    assert len(served_before) == 8, sorted(served_before)


def test_every_group_a_release_serves_is_known_from_the_newest_schema_or_the_removals():
    # structure/check.py _builtin_groups reads only those two (a group of Kubernetes' own that the
    # release asked lacks is "not served", not a custom resource); a new data file must keep this
    from winkube.structure.check import _group, _removals
    from winkube.structure.schema import available, schema_for

    every = {_group(gv) for v in available() for gv in schema_for(v).kinds}
    known = {_group(gv) for gv in schema_for(available()[-1]).kinds} | {_group(gv) for gv, _ in _removals()}
    assert every <= known, sorted(every - known)
