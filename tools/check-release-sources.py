#!/usr/bin/env python3
"""Check knowledge/api_validation.yaml (and the kubelet rows of kubelet_windows.yaml) against
kubernetes/kubernetes at the tag each release names in `sources`.

For every release: the k8s.io/kubernetes module at that tag is fetched from the Go module proxy
(`go mod download`, the Go module cache keeps it), its hash must be the recorded h1 (and its commit
the recorded one, where the proxy names one); then, read from that tag's files,
  - validateWindows' Forbidden paths must be the forbidden-field rows in force in that release
    (gates aside: a gate only drops the field before validation),
  - each gate the data names must have the data's default in that release,
  - validateOS' Required detail, the Windows rule of validatePodResources, the Pod strategy's
    seccomp annotation sync, the Windows kubelet's errors (cgroups, Linux-only options) and its
    host-network request must start and stop where the data says.
Exit 0 when every release agrees; otherwise each disagreement is printed and the exit code is 1.
Needs Go and the module proxy (cold: about 6 s and 100 MB unpacked per tag, 13 tags); run by `make check-sources`,
never by `make test`.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

from winkube.knowledge import load
from winkube.rules.admission._common import gate_enabled, parse_version

VALIDATION = "pkg/apis/core/validation/validation.go"


def module(tag: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["go", "mod", "init", "winkube.local/check"], cwd=d, check=True, capture_output=True)
        r = subprocess.run(["go", "mod", "download", "-json", f"k8s.io/kubernetes@{tag}"], cwd=d,
                           capture_output=True, text=True, env=dict(os.environ, GOFLAGS="-mod=mod"))
    info = json.loads(r.stdout or "{}")
    if r.returncode or info.get("Error"):
        raise SystemExit(f"go mod download k8s.io/kubernetes@{tag}: {info.get('Error') or r.stderr.strip()}")
    return info


def func(src: str, name: str) -> str:
    m = re.search(r"^func " + re.escape(name) + r"\(.*?^}\n", src, re.S | re.M)
    return m.group(0) if m else ""


def children(chain: str) -> tuple[str, ...]:
    return tuple(x for args in re.findall(r'\.Child\(([^)]*)\)', chain) for x in re.findall(r'"([^"]+)"', args))


def forbidden_paths(src: str) -> set[tuple[str, tuple[str, ...]]]:
    """(level, path) of every Forbidden call in validateWindows."""
    body = func(src, "validateWindows")
    pod, _, ctr = body.partition("VisitContainersWithPath")
    out = {("pod", children(c)) for c in re.findall(r"field\.Forbidden\(fldPath((?:\.Child\([^)]*\))+)", pod)}
    out |= {("container", ("securityContext",) + children(c))
            for c in re.findall(r"field\.Forbidden\(fldPath((?:\.Child\([^)]*\))+)", ctr)}
    return out


def gate_default(features_dir: str, gate: str, version: tuple[int, int]) -> bool | None:
    text = "".join(open(os.path.join(features_dir, f)).read() for f in os.listdir(features_dir)
                   if f.endswith(".go") and not f.endswith("_test.go"))
    one = re.search(r"^\s*" + gate + r":\s*\{Default: (true|false)", text, re.M)
    if one:
        return one.group(1) == "true"
    block = re.search(r"^\s*" + gate + r":\s*\{\n(.*?)\n\s*\},?\n", text, re.M | re.S)
    if not block:
        return None
    rows = [(parse_version(v), d == "true") for v, d in
            re.findall(r'Version: version\.MustParse\("([\d.]+)"\), Default: (true|false)', block.group(1))]
    rows = [d for v, d in rows if v <= version]
    return rows[-1] if rows else None


def check_release(key: str, src_row: dict, data: dict, kubelet: dict) -> list[str]:
    version = parse_version(key)
    info = module(src_row["tag"])
    problems = []
    if info["Sum"] != src_row["h1"]:
        problems.append(f"module hash {info['Sum']} is not the recorded {src_row['h1']}")
    commit = (info.get("Origin") or {}).get("Hash")
    if commit and src_row.get("commit") and commit != src_row["commit"]:
        problems.append(f"commit {commit} is not the recorded {src_row['commit']}")
    root = info["Dir"]
    src = open(os.path.join(root, VALIDATION)).read()

    want = {(r["level"], tuple(r["path"])) for r in data["windows_forbidden"] if parse_version(r["since"]) <= version}
    got = forbidden_paths(src)
    for level, path in sorted(got - want):
        problems.append(f"validateWindows forbids {level} {'.'.join(path)}; no row is in force")
    for level, path in sorted(want - got):
        problems.append(f"a row forbids {level} {'.'.join(path)}; validateWindows does not")

    for gate, rows in data["gates"].items():
        mine = [r for r in rows if parse_version(r["since"]) <= version]
        if not mine:
            continue
        name = mine[-1].get("name", gate)
        theirs = gate_default(os.path.join(root, "pkg", "features"), name, version)
        if theirs is None:
            if mine[-1].get("locked"):
                continue  # a locked gate is removed from the code a few releases later: on for good
            problems.append(f"gate {name}: not in pkg/features")
        elif theirs != gate_enabled(gate, version):
            problems.append(f"gate {name}: default {theirs} there, {gate_enabled(gate, version)} in the data")

    checks = data["checks"]
    detail = [r for r in checks["os_name_required_detail"] if parse_version(r["since"]) <= version][-1]["detail"]
    if f'field.Required(fldPath.Child("name"), "{detail}")' not in func(src, "validateOS"):
        problems.append(f"validateOS: the Required detail is not {detail!r}")
    has_resources_rule = '"may not be set for a windows pod"' in src
    if has_resources_rule != (version >= parse_version(checks["windows_pod_resources"]["since"])):
        problems.append(f"the Windows rule of validatePodResources is {'there' if has_resources_rule else 'absent'}")
    has_stop = "supportedStopSignalsWindows" in src
    if has_stop != (version >= parse_version(checks["stop_signal"]["since"])):
        problems.append(f"validateStopSignal's Windows list is {'there' if has_stop else 'absent'}")
    sync = checks["seccomp_annotation_to_field"]
    strategy = open(os.path.join(root, "pkg/registry/core/pod/strategy.go")).read()
    synced = "applySeccompVersionSkew(pod)" in func(strategy, "(podStrategy) PrepareForCreate")
    if synced != (parse_version(sync["since"]) <= version <= parse_version(sync["until"])):
        problems.append(f"PrepareForCreate {'calls' if synced else 'does not call'} applySeccompVersionSkew")

    kubelet_src = open(os.path.join(root, "pkg/kubelet/apis/config/validation/validation_windows.go")).read()
    for opt in kubelet["cgroups_options"]:
        fatal = re.search(r'fmt\.Errorf\(message, "' + opt["go_name"] + '"', kubelet_src) is not None \
            and '"invalid configuration: %v (%v) %v is not supported on Windows"' in kubelet_src
        if fatal != (version <= parse_version(opt["fatal_until"])):
            problems.append(f"kubelet: {opt['go_name']} is {'fatal' if fatal else 'not fatal'} on Windows")
    hn = kubelet["host_network"]
    sandbox = open(os.path.join(root, "pkg/kubelet/kuberuntime/kuberuntime_sandbox.go")).read()
    asked = f"features.{hn['gate']}" in sandbox \
        and gate_default(os.path.join(root, "pkg", "features"), hn["gate"], version) is True
    if asked != (parse_version(hn["asked_from"]) <= version <= parse_version(hn["asked_until"])):
        problems.append(f"kubelet: a hostNetwork Windows pod {'is' if asked else 'is not'} given the node's network namespace")
    ev = kubelet["eviction"]
    defaults = os.path.join(root, "pkg/kubelet/eviction/defaults_windows.go")
    has_eviction = os.path.isfile(defaults)
    if has_eviction != (version >= parse_version(ev["implemented_since"])):
        problems.append(f"kubelet: memory eviction on Windows is {'there' if has_eviction else 'absent'}")
    elif has_eviction and f'"memory.available":  "{ev["memory_available"]["windows_default_hard"]}"' not in open(defaults).read():
        problems.append("kubelet: the Windows default memory.available threshold differs")
    for opt in kubelet["fatal_options"]:
        fatal = f'"invalid configuration: {opt["field"]} is not supported on Windows"' in kubelet_src
        if fatal != (version >= parse_version(opt["since"])):
            problems.append(f"kubelet: {opt['field']} is {'fatal' if fatal else 'not fatal'} on Windows")
    return problems


def main() -> int:
    data = load("api_validation")
    kubelet = load("kubelet_windows")
    lo, hi = parse_version(data["releases"]["min"]), parse_version(data["releases"]["max"])
    keys = sorted(data["sources"], key=parse_version)
    failed = 0
    if [parse_version(k) for k in keys] != [(lo[0], m) for m in range(lo[1], hi[1] + 1)]:
        print(f"sources: {keys} are not the releases {data['releases']['min']}–{data['releases']['max']}")
        failed += 1
    for key in keys:
        problems = check_release(key, data["sources"][key], data, kubelet)
        tag = data["sources"][key]["tag"]
        print(f"{key} ({tag}): " + ("agrees" if not problems else f"{len(problems)} disagreement(s)"))
        for p in problems:
            print(f"    {p}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
