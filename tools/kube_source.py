"""What a release's kube-apiserver serves by default, read from that release's own Go source
(the k8s.io/kubernetes module and its staging modules, fetched from the Go module proxy).

Used by tools/openapi-knowledge.py --module: the repository's api/openapi-spec/v3 is written by a
server started with --runtime-config=api/all=true and --feature-gates=AllAlpha=true,AllBeta=true,
OpenAPIEnums=false (hack/update-openapi-spec.sh), so it lists group-versions a default server does
not serve and carries no enum values. This module supplies both, from the code the server runs:

- served_by_default(): pkg/controlplane/instance.go DefaultAPIResourceConfigSource (the
  stable/beta/alpha group-version lists and the legacy betas enabled by default, replayed with the
  semantics of k8s.io/apiserver pkg/server/storage/resource_config.go: an unlisted version is off),
  the resources whose storage is behind a feature gate that is off by default
  (pkg/registry/*/rest, pkg/features/kube_features.go), and the apiextensions and aggregator
  servers' own DefaultAPIResourceConfigSource.
- openapi_enums(): pkg/generated/openapi/zz_generated.openapi.go, the definitions openapi-gen writes
  from the `// +enum` types of k8s.io/api and the server compiles in (with OpenAPIEnums on, the
  default, they are served as `enum` and "Possible enum values"). Read there rather than re-derived
  from the markers: which fields get an enum is the generator's rule of that release (1.25's skips
  pointer fields: MutatingWebhook.failurePolicy, a *FailurePolicyType, is served without one),
  and it follows embedded and other packages' types (EphemeralContainerCommon, discovery's
  core/v1 Protocol); the markers alone give 33 differences for 1.37 and 28 for 1.25.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path


def module(path: str, version: str) -> dict:
    """`go mod download -json` of one module (the Go module cache keeps it): Dir, Sum, ..."""
    r = subprocess.run(["go", "mod", "download", "-json", f"{path}@{version}"], capture_output=True, text=True, cwd="/")
    info = json.loads(r.stdout or "{}")
    if r.returncode or "Dir" not in info:
        raise SystemExit(f"go mod download {path}@{version}: {info.get('Error') or r.stderr.strip()}")
    return info


def staging_version(tag: str) -> str:
    return "v0." + tag.lstrip("v").split(".", 1)[1]  # v1.37.2 -> v0.37.2


def _imports(go: str) -> dict[str, str]:
    """alias -> import path of a Go file (an unaliased import is known by its last path element)."""
    out = {path.rsplit("/", 1)[-1]: path for path in re.findall(r'^\t"([^"]+)"$', go, re.M)}
    return out | dict(re.findall(r'^\t(\w+) "([^"]+)"$', go, re.M))


def _group_version(import_path: str, api_dir: Path) -> tuple[str, str]:
    """k8s.io/api/rbac/v1 -> ("rbac.authorization.k8s.io", "v1"), the group read from k8s.io/api's
    register.go (also for k8s.io/kubernetes/pkg/apis/<group>/<version>, which older releases list)."""
    rel = "/".join(import_path.split("/")[-2:])
    register = (api_dir / rel / "register.go").read_text()
    group = re.search(r'^const GroupName = "([^"]*)"', register, re.M)
    return (group.group(1) if group else ""), rel.rsplit("/", 1)[1]


def _gv(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


class _ResourceConfig:
    """k8s.io/apiserver pkg/server/storage/resource_config.go, the part DefaultAPIResourceConfigSource uses."""

    def __init__(self):
        self.versions: dict[str, bool] = {}
        self.resources: dict[tuple[str, str], bool] = {}

    def versions_set(self, gvs, on: bool):
        for gv in gvs:
            self.versions[gv] = on
            # a preference about a version takes priority over the previously set resources
            self.resources = {k: v for k, v in self.resources.items() if k[0] != gv}

    def resource_enabled(self, gv: str, resource: str) -> bool:
        if (gv, resource) in self.resources:
            return self.resources[(gv, resource)]
        return self.versions.get(gv, False)


def _func_body(go: str, name: str) -> str:
    m = re.search(rf"^func {name}\(\)[^{{]*\{{\n(.*?)^\}}", go, re.M | re.S)
    if not m:
        raise SystemExit(f"pkg/controlplane/instance.go: no func {name}")
    return m.group(1)


def controlplane_config(kube_dir: Path, api_dir: Path) -> tuple[_ResourceConfig, dict]:
    """Replay pkg/controlplane/instance.go DefaultAPIResourceConfigSource."""
    go = (kube_dir / "pkg" / "controlplane" / "instance.go").read_text()
    imports = _imports(go)
    lists: dict[str, list] = {}
    for name, body in re.findall(r"^\t(\w+) = \[\]schema\.GroupVersion(?:Resource)?\{\n(.*?)^\t\}", go, re.M | re.S):
        entries = []
        for alias, resource in re.findall(r'^\t\t(\w+)\.SchemeGroupVersion(?:\.WithResource\("([^"]+)"\))?,', body, re.M):
            gv = _gv(*_group_version(imports[alias], api_dir))
            entries.append((gv, resource) if resource else gv)
        lists[name] = entries
    cfg = _ResourceConfig()

    def run(func: str):
        body = _func_body(go, func)
        if re.search(r"ret := DefaultGenericAPIResourceConfigSource\(\)", body):
            run("DefaultGenericAPIResourceConfigSource")
        for call, arg in re.findall(r"^\tret\.(\w+)\((\w+)\.\.\.\)", body, re.M):
            if call == "EnableVersions":
                cfg.versions_set(lists[arg], True)
            elif call == "DisableVersions":
                cfg.versions_set(lists[arg], False)
            elif call in ("EnableResources", "DisableResources"):
                for gvr in lists[arg]:
                    cfg.resources[gvr] = call == "EnableResources"
            else:
                raise SystemExit(f"pkg/controlplane/instance.go {func}: unknown call ret.{call}")

    run("DefaultAPIResourceConfigSource")
    return cfg, lists


def gate_default(module_dir: Path, gate: str, minor: tuple[int, int]) -> bool:
    """A feature gate's default in the release (the module's pkg/features/kube_features.go, with one
    spec per gate or, from 1.31 on, versioned specs: the last one at or before the release holds)."""
    go = (module_dir / "pkg" / "features" / "kube_features.go").read_text()
    m = (re.search(rf"^\t{gate}: \{{\n(.*?)^\t\}},?$", go, re.M | re.S)
         or re.search(rf"^\t{gate}: \{{([^\n]*)\}},?$", go, re.M))
    if not m:
        raise SystemExit(f"{module_dir.name} pkg/features/kube_features.go: no spec for feature gate {gate}")
    spec = m.group(1)
    versioned = re.findall(r'Version: version\.MustParse\("(\d+)\.(\d+)"\), Default: (true|false)', spec)
    if versioned:
        on = [d for a, b, d in versioned if (int(a), int(b)) <= minor]
        return bool(on) and on[-1] == "true"
    flat = re.search(r"Default: (true|false)", spec)
    return flat.group(1) == "true"


def gated_resources(kube_dir: Path, api_dir: Path) -> list[tuple[str, str, str]]:
    """(group-version, resource, feature gate): storage created only when the gate is on."""
    out = []
    for f in sorted((kube_dir / "pkg" / "registry").glob("*/rest/*.go")):
        if f.name.endswith("_test.go"):
            continue
        go = f.read_text()
        imports = _imports(go)
        for resource, alias, gate in re.findall(
                r'if resource := "([^"]+)"; apiResourceConfigSource\.ResourceEnabled\((\w+)\.SchemeGroupVersion'
                r'\.WithResource\(resource\)\)[^\n]*\{\n\s*if utilfeature\.DefaultFeatureGate\.Enabled\(features\.(\w+)\)', go):
            out.append((_gv(*_group_version(imports[alias], api_dir)), resource, gate))
    return out


def extension_server_versions(path: str, version: str) -> set[str]:
    """The group-versions the apiextensions or aggregator server enables by default (its own
    pkg/apiserver/apiserver.go DefaultAPIResourceConfigSource)."""
    d = Path(module(path, version)["Dir"])
    go = (d / "pkg" / "apiserver" / "apiserver.go").read_text()
    body = _func_body(go, "DefaultAPIResourceConfigSource")
    imports = _imports(go)
    out = set()
    for alias in re.findall(r"(\w+)\.SchemeGroupVersion", re.search(r"EnableVersions\((.*?)\)", body, re.S).group(1)):
        register = (d / imports[alias].removeprefix(path + "/") / "register.go").read_text()
        out.add(_gv(re.search(r'GroupName = "([^"]*)"', register).group(1), imports[alias].rsplit("/", 1)[1]))
    return out


def served_by_default(tag: str, kube_dir: Path, api_dir: Path) -> dict:
    """{"versions": set of group-versions served whole, "resources": {gv: set of resources} for a
    version served only in part (legacy betas), "disabled": {(gv, resource): gate} gated off,
    "sources": what was read}."""
    minor = tuple(int(x) for x in tag.lstrip("v").split(".")[:2])
    cfg, _ = controlplane_config(kube_dir, api_dir)
    versions = {gv for gv, on in cfg.versions.items() if on}
    partial: dict[str, set[str]] = {}
    for (gv, resource), on in cfg.resources.items():
        if on and gv not in versions:
            partial.setdefault(gv, set()).add(resource)
    disabled = {(gv, r): g for gv, r, g in gated_resources(kube_dir, api_dir)
                if cfg.resource_enabled(gv, r) and not gate_default(kube_dir, g, minor)}
    sv = staging_version(tag)
    # both enable v1 and v1beta1; v1beta1 has had no storage since 1.22, so no spec lists it
    versions |= extension_server_versions("k8s.io/apiextensions-apiserver", sv)
    versions |= extension_server_versions("k8s.io/kube-aggregator", sv)
    return {"versions": versions, "resources": partial, "disabled": disabled}


def enums_served(tag: str) -> bool:
    """The OpenAPIEnums gate (k8s.io/apiserver) is on by default: the server keeps the enums."""
    minor = tuple(int(x) for x in tag.lstrip("v").split(".")[:2])
    return gate_default(Path(module("k8s.io/apiserver", staging_version(tag))["Dir"]), "OpenAPIEnums", minor)


# ---- enums -------------------------------------------------------------------------------------

_FUNC = re.compile(r"^func (schema_\w+)\(ref common\.ReferenceCallback\)", re.M)
_MAP_ENTRY = re.compile(r"^\t\t(\S.*?):\s+(schema_\w+)\(ref\),$", re.M)
_PROP = re.compile(r'^\t{5}"([^"]+)": \{$')
_ENUM = re.compile(r"^\t{7}Enum:\s+\[\]interface\{\}\{(.*)\},$")
_GO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def definition_name(go_name: str) -> str:
    """k8s.io/api/core/v1.Container -> io.k8s.api.core.v1.Container (the served OpenAPI name)."""
    pkg, typ = go_name.rsplit(".", 1)
    first, *rest = pkg.split("/")
    return ".".join([*reversed(first.split(".")), *rest, typ])


def openapi_enums(kube_dir: Path) -> dict[str, dict[str, list[str]]]:
    """{definition: {property: [values]}}: the property-level enums of the release's generated
    OpenAPI definitions (the values in the order the server serves them)."""
    go = (kube_dir / "pkg" / "generated" / "openapi" / "zz_generated.openapi.go").read_text()
    imports = _imports(go)
    names: dict[str, str] = {}
    for key, func in _MAP_ENTRY.findall(go):
        if key.startswith('"'):
            names[func] = definition_name(key.strip('"'))
        else:
            m = re.fullmatch(r"(\w+)\.(\w+)\{\}\.OpenAPIModelName\(\)", key)
            if not m:
                raise SystemExit(f"zz_generated.openapi.go: cannot read the definition key {key!r}")
            names[func] = definition_name(f"{imports[m.group(1)]}.{m.group(2)}")
    out: dict[str, dict[str, list[str]]] = {}
    definition = prop = None
    for line in go.splitlines():
        if line.startswith("func "):
            m = _FUNC.match(line)
            definition, prop = (names.get(m.group(1)) if m else None), None
        elif definition and (p := _PROP.match(line)):
            prop = p.group(1)
        elif definition and prop and (e := _ENUM.match(line)):
            out.setdefault(definition, {})[prop] = [json.loads(f'"{v}"') for v in _GO_STRING.findall(e.group(1))]
    return out
