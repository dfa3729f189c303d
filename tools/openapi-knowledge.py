#!/usr/bin/env python3
"""Compact the OpenAPI v3 schema that a real kube-apiserver serves into winkube's knowledge file
src/winkube/knowledge/openapi/<minor>.json (what the structural checks read).

    tools/openapi-knowledge.py                 # start the harness's real kube-apiserver, read /openapi/v3
    tools/openapi-knowledge.py --dir DIR       # or read saved /openapi/v3/<gv> documents from DIR
    tools/openapi-knowledge.py --releases      # every release but the harness's (make schemas), from the
    tools/openapi-knowledge.py --module TAG    # k8s.io/kubernetes Go module of its tag (tools/kube_source.py:
                                               # what a default server serves, and the enums)

Only what decoding and strict field validation need is kept: per schema the Go struct name (the
last segment of the definition name, which the server's decode errors print), the properties that
come from an embedded Go struct (Probe's tcpSocket is ProbeHandler's: decode errors name it, and
OpenAPI flattens it; read from the k8s.io/api Go module of the same release), each property's
JSON type (int32/int64 kept apart, maps, lists, references), the required properties, and the enum
values the API documents ("Possible enum values" in the descriptions); per served group/version
the kinds it serves. Descriptions are dropped.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "src" / "winkube" / "knowledge" / "openapi"

# Types whose Go implementation decodes itself (json.Unmarshaler): the checks treat them by name.
SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intstr",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "time",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "any",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "any",
}
ENUM_LINE = re.compile(r'^ - `"([^"`]*)"`', re.M)


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(s: dict) -> str:
    """A property schema as a short type string: string, int32, int64, bool, number, byte,
    quantity, intstr, time, any, [T] (list), {T} (map), #Name (a schema)."""
    if "$ref" in s:
        name = ref_name(s["$ref"])
        return SPECIAL.get(name, "#" + name)
    if "allOf" in s and len(s["allOf"]) == 1:
        return type_of(s["allOf"][0])
    t = s.get("type")
    if t == "array":
        return "[" + type_of(s.get("items") or {}) + "]"
    if t == "object" and "additionalProperties" in s:
        ap = s["additionalProperties"]
        return "{" + (type_of(ap) if isinstance(ap, dict) else "any") + "}"
    if t == "string":
        return "byte" if s.get("format") == "byte" else "string"
    if t == "integer":
        return "int32" if s.get("format") == "int32" else "int64"
    if t == "boolean":
        return "bool"
    if t == "number":
        return "number"
    return "any"  # an object without properties (x-kubernetes-preserve-unknown-fields) or untyped


def enum_of(s: dict) -> list[str] | None:
    if s.get("enum"):
        return [str(v) for v in s["enum"]]
    desc = s.get("description") or ""
    if "Possible enum values:" not in desc:
        return None
    return ENUM_LINE.findall(desc.split("Possible enum values:", 1)[1]) or None


_STRUCT = re.compile(r"^type (\w+) struct \{$")
_EMBED = re.compile(r'^\t(?:\w+\.)?([A-Z]\w*)\s+`json:"(?:,inline)?"')
_FIELD = re.compile(r'^\t[A-Z]\w*\s+[^`]+`json:"([^",]+)')


def go_embedded(version: str) -> dict[str, dict[str, str]]:
    """{"core.v1.Probe": {"exec": "ProbeHandler", ...}}: the JSON fields each k8s.io/api struct takes
    from an embedded struct, read from the Go module k8s.io/api of the release (types.go files)."""
    import subprocess

    mod = "k8s.io/api@v0." + version.lstrip("v").split(".", 1)[1]
    info = json.loads(subprocess.run(["go", "mod", "download", "-json", mod], capture_output=True, text=True,
                                     check=True, cwd="/").stdout)
    root = Path(info["Dir"])
    out: dict[str, dict[str, str]] = {}
    for types_go in root.glob("*/*/types.go"):
        pkg = ".".join(types_go.parent.relative_to(root).parts)  # core/v1 -> core.v1
        fields: dict[str, list] = {}
        current = None
        for line in types_go.read_text().splitlines():
            m = _STRUCT.match(line)
            if m:
                current = fields.setdefault(m.group(1), [])
                continue
            if current is None:
                continue
            if line == "}":
                current = None
            elif (e := _EMBED.match(line)) and e.group(1) not in ("TypeMeta", "ObjectMeta", "ListMeta"):
                current.append(("embed", e.group(1)))
            elif f := _FIELD.match(line):
                current.append(("field", f.group(1)))

        def flat(name, seen=()):
            res = {}
            for what, x in fields.get(name, ()):
                if what == "embed" and x not in seen:
                    for prop, chain in flat(x, seen + (x,)).items():
                        res[prop] = x + ("." + chain if chain else "")
                elif what == "field":
                    res[x] = ""
            return res

        for name, flds in fields.items():
            if any(w == "embed" for w, _ in flds):
                out[f"{pkg}.{name}"] = {p: c for p, c in flat(name).items() if c}
    return out


def compact(docs: dict[str, dict], version: str, source: str, embedded: dict[str, dict[str, str]]) -> dict:
    types: dict[str, dict] = {}
    kinds: dict[str, dict[str, str]] = {}
    for gv, doc in sorted(docs.items()):
        schemas = doc.get("components", {}).get("schemas", {})
        served = set()
        for path, item in (doc.get("paths") or {}).items():
            for op in item.values():
                if isinstance(op, dict) and op.get("x-kubernetes-action") == "post":
                    gvk = op.get("x-kubernetes-group-version-kind") or {}
                    served.add(gvk.get("kind"))
        for name, s in schemas.items():
            for gvk in s.get("x-kubernetes-group-version-kind") or []:
                api = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
                if api == gv and gvk["kind"] in served:
                    kinds.setdefault(api, {})[gvk["kind"]] = name
            if name in SPECIAL or name in types:
                continue
            props = s.get("properties")
            if s.get("type") not in (None, "object") or props is None:
                continue
            entry: dict = {"go": name.rsplit(".", 1)[-1], "props": {p: type_of(ps) for p, ps in props.items()}}
            inline = embedded.get(name.removeprefix("io.k8s.api."))
            if inline:
                entry["inline"] = {p: c for p, c in inline.items() if p in props}
            if s.get("required"):
                entry["required"] = list(s["required"])
            enums = {p: e for p, ps in props.items() if (e := enum_of(ps))}
            if enums:
                entry["enums"] = enums
            types[name] = entry
    return {"kubeVersion": version, "source": source, "kinds": kinds, "types": dict(sorted(types.items()))}


def from_dir(directory: Path) -> dict[str, dict]:
    """The documents of /openapi/v3 saved as files: group-versions ("apps/v1", "v1") and groups ("apps")."""
    docs = {}
    for p in sorted(directory.glob("*.json")):
        m = re.fullmatch(r"apis__(.+)__(v[^_]+)_openapi\.json|api__(v1)_openapi\.json|apis__([^_]+)_openapi\.json", p.name)
        if m:
            gv = f"{m.group(1)}/{m.group(2)}" if m.group(1) else m.group(3) or m.group(4)
            docs[gv] = json.loads(p.read_text())
    return docs


def _path_resource(path: str) -> str:
    """/apis/autoscaling/v2beta2/namespaces/{namespace}/horizontalpodautoscalers/{name} -> horizontalpodautoscalers"""
    rest = re.sub(r"^/apis?/(?:[^/]+/)?v[^/]+/", "", path)
    rest = re.sub(r"^(?:watch/)?(?:namespaces/\{namespace\}/)?", "", rest)
    return rest.split("/", 1)[0]


def from_module(tag: str, later: list[str]) -> tuple[dict[str, dict], dict]:
    """The documents a default kube-apiserver of release `tag` serves, from the k8s.io/kubernetes
    module: its api/openapi-spec/v3, cut to what is served by default, with the enums put back
    (tools/kube_source.py). `later`: newer tags, to take a document the release's spec lacks from."""
    sys.path.insert(0, str(ROOT / "tools"))
    import kube_source as ks

    kube = ks.module("k8s.io/kubernetes", tag)
    kube_dir, api_dir = Path(kube["Dir"]), Path(ks.module("k8s.io/api", ks.staging_version(tag))["Dir"])
    spec = from_dir(kube_dir / "api" / "openapi-spec" / "v3")
    served = ks.served_by_default(tag, kube_dir, api_dir)
    sources = {
        "spec": f"k8s.io/kubernetes@{tag} ({kube['Sum']}): api/openapi-spec/v3",
        "servedByDefault": f"k8s.io/kubernetes@{tag} pkg/controlplane/instance.go DefaultAPIResourceConfigSource, "
                           f"pkg/registry/*/rest feature-gated storage, pkg/features/kube_features.go; "
                           f"k8s.io/apiextensions-apiserver and k8s.io/kube-aggregator@{ks.staging_version(tag)} "
                           "pkg/apiserver/apiserver.go DefaultAPIResourceConfigSource",
    }
    # 1.25 and 1.26's spec has no apiregistration.k8s.io (hack/update-openapi-spec.sh did not dump the
    # aggregator's documents yet): take a later release's, when its Go types are byte-identical
    for gv in sorted(g for g in served["versions"] if g.startswith("apiregistration.k8s.io/") and g not in spec):
        types = lambda t: (Path(ks.module("k8s.io/kube-aggregator", ks.staging_version(t))["Dir"])  # noqa: E731
                           / "pkg/apis/apiregistration" / gv.split("/")[1] / "types.go").read_bytes()
        for other in later:
            other_spec = from_dir(Path(ks.module("k8s.io/kubernetes", other)["Dir"]) / "api" / "openapi-spec" / "v3")
            if gv in other_spec:
                if types(other) != types(tag):
                    raise SystemExit(f"{tag}: no {gv} document, and {other}'s Go types differ")
                spec[gv], spec["apiregistration.k8s.io"] = other_spec[gv], other_spec["apiregistration.k8s.io"]
                sources["spec"] += (f"; {gv} from k8s.io/kubernetes@{other} (not in {tag}'s spec; "
                                    f"k8s.io/kube-aggregator pkg/apis/apiregistration types.go identical)")
                break
    docs: dict[str, dict] = {}
    for gv, doc in spec.items():
        if "/" not in gv and gv != "v1":
            continue  # a group's document: below, when one of its versions is served
        if gv in served["versions"]:
            keep = lambda r: (gv, r) not in served["disabled"]  # noqa: E731
        elif gv in served["resources"]:
            keep = served["resources"][gv].__contains__
        else:
            continue
        doc = dict(doc, paths={p: item for p, item in (doc.get("paths") or {}).items() if keep(_path_resource(p))})
        docs[gv] = doc
        group = gv.rsplit("/", 1)[0] if "/" in gv else None
        if group and group in spec:
            docs[group] = spec[group]
    if ks.enums_served(tag):
        enums = ks.openapi_enums(kube_dir)
        for doc in docs.values():
            for name, schema in (doc.get("components") or {}).get("schemas", {}).items():
                for prop, values in enums.get(name, {}).items():
                    if prop in (schema.get("properties") or {}):
                        schema["properties"][prop] = dict(schema["properties"][prop], enum=values)
        sources["enums"] = (f"k8s.io/kubernetes@{tag} pkg/generated/openapi/zz_generated.openapi.go (openapi-gen from "
                            "k8s.io/api's // +enum types; OpenAPIEnums on by default, k8s.io/apiserver pkg/features)")
    else:
        sources["enums"] = "none: the OpenAPIEnums gate is off by default in this release (k8s.io/apiserver pkg/features)"
    return docs, sources


def from_harness() -> tuple[dict[str, dict], str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from harness.controlplane import ControlPlane, binaries_dir, kube_version  # noqa: E402

    version = kube_version()
    with ControlPlane.start(binaries_dir(version), version) as cp, cp.client() as client:
        index = client.get("/openapi/v3").json()["paths"]
        docs = {}
        for key, ref in index.items():
            if key in ("api", "apis") or not ("/" in key):
                continue
            gv = key.removeprefix("apis/").removeprefix("api/")
            r = client.get(ref["serverRelativeURL"])
            r.raise_for_status()
            docs[gv] = r.json()
        served_version = client.get("/version").json()["gitVersion"]
    return docs, served_version


def release_tags() -> dict[str, dict]:
    """{"1.25": {"tag": "v1.25.16", "h1": ...}}: the tag read per release (knowledge/api_validation.yaml)."""
    import yaml

    return yaml.safe_load((ROOT / "src" / "winkube" / "knowledge" / "api_validation.yaml").read_text())["sources"]


def write(data: dict) -> None:
    minor = ".".join(data["kubeVersion"].lstrip("v").split(".")[:2])
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"v{minor}.json"
    out.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{out.relative_to(ROOT)}: {len(data['types'])} schemas, "
          f"{sum(len(k) for k in data['kinds'].values())} kinds in {len(data['kinds'])} group-versions, "
          f"{sum(len(t.get('enums', ())) for t in data['types'].values())} enum fields, {out.stat().st_size // 1024} KiB")


def module_schema(tag: str, later: list[str]) -> dict:
    docs, sources = from_module(tag, later)
    source = f"kubernetes/kubernetes {tag}: api/openapi-spec/v3, cut to what a default kube-apiserver serves"
    return dict(compact(docs, tag, source, go_embedded(tag)), sources=sources)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, help="read saved /openapi/v3 documents (api__v1_openapi.json, ...) from here")
    ap.add_argument("--version", help="the Kubernetes version those documents are from (with --dir)")
    ap.add_argument("--module", metavar="TAG", help="compact release TAG (v1.36.3) from the k8s.io/kubernetes Go module")
    ap.add_argument("--releases", nargs="*", metavar="MINOR",
                    help="compact each release (1.25 ...; none named: all) at the tag knowledge/api_validation.yaml reads, "
                         "from the Go module (its h1 checked); the release of the harness is kept as served")
    args = ap.parse_args()
    if args.releases is not None:
        rows = release_tags()
        tags = [rows[m]["tag"] for m in sorted(rows, key=lambda m: tuple(map(int, m.split("."))))]
        sys.path.insert(0, str(ROOT / "tools"))
        import kube_source as ks

        for minor in args.releases or list(rows):
            row = rows[minor]
            if ks.module("k8s.io/kubernetes", row["tag"])["Sum"] != row["h1"]:
                raise SystemExit(f"k8s.io/kubernetes@{row['tag']}: the module's hash is not the recorded {row['h1']}")
            shipped = OUT_DIR / f"v{minor}.json"
            if shipped.exists() and json.loads(shipped.read_text())["source"].startswith("kube-apiserver "):
                print(f"{shipped.relative_to(ROOT)}: kept, dumped from the harness's kube-apiserver "
                      "(tools/openapi-knowledge.py without arguments regenerates it)")
                continue
            write(module_schema(row["tag"], tags[tags.index(row["tag"]) + 1:]))
        return 0
    if args.module:
        write(module_schema(args.module, []))
        return 0
    if args.dir:
        if not args.version:
            ap.error("--dir needs --version")
        docs, version = from_dir(args.dir), args.version
        source = f"kubernetes/kubernetes {version}: api/openapi-spec/v3 (the documents kube-apiserver serves at /openapi/v3)"
    else:
        docs, version = from_harness()
        source = f"kube-apiserver {version}: GET /openapi/v3/<group-version> (tests/harness control plane)"
    write(compact(docs, version, source, go_embedded(version)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
