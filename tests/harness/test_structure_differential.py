"""Differential proof of winkube's structural checks (served apiVersion, decoding into the Go types,
strict unknown fields, deprecated-node-label warnings, required fields and enum values) against the
real kube-apiserver.

Every generated case (tests/harness/structgen.py: a valid base of each workload kind with 1-3
structural mutations; WINKUBE_STRUCT_EXAMPLES cases, default 18,000 = 2,000 per kind, half of them
of the decoding mix and half of the validation mix (required fields, enum values); `make fuzz`
runs 90,000) is created with dryRun=All and fieldValidation=Strict (what kubectl apply does by
default). The server's answer and winkube.api.structural_verdict must agree exactly:
  404                                    <-> not-served
  400 "json: cannot unmarshal K into Go struct field S.F ..."  <-> type, same F and K
  400 "strict decoding error: unknown field ..."               <-> unknown, same set of fields
  400 anything else (a quantity, an IntOrString)               <-> undecodable
  201/200 + Warning headers              <-> decoded, same warning texts (node-label warnings)
  422 (Go validation)                    <-> decoded, and the same set of CLAIMED causes (field, type)

The claimed causes (structure/validate.py, knowledge/field_validation.yaml) are every cause matching
CLAIMED below: Required and NotSupported at the required/enum fields of the pod spec, its
containers (regular and init), ports, env and tolerations; a workload's Required selector /
template / schedule and its NotSupported restartPolicy, strategy and concurrencyPolicy; the Invalid
"`selector` does not match template `labels`" and "empty selector is invalid". Any other 422 cause
(a Duplicate container name, an Invalid label value ...) is out of scope: counted and printed, not
compared; the generator is built to produce few of them (the run fails when more than an eighth of
the 422 cases have one, or when a claimed class is hardly reached).
"""
from __future__ import annotations

import collections
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from . import structgen
import hashlib
from pathlib import Path

from .verdict import REASONS
from .winkube_side import short, to_json, winkube_api

SEED = int(os.environ.get("WINKUBE_FUZZ_SEED", "20261127"))
EXAMPLES = int(os.environ.get("WINKUBE_STRUCT_EXAMPLES", "18000"))
WORKERS = int(os.environ.get("WINKUBE_FUZZ_WORKERS", "4"))
NS = "winkube-struct"

_TYPE = re.compile(r"json: cannot unmarshal (.+?) into Go struct field [A-Za-z0-9_]+\.(\S+) of type \S+")
_UNKNOWN = re.compile(r'unknown field "((?:[^"\\]|\\.)*)"')
_WARNING = re.compile(r'^\d{3} \S+ "((?:[^"\\]|\\.)*)"')
# the node-label warnings are the ones winkube replays; any other warning is counted, not compared
_NODE_LABEL_WARNING = re.compile(r"(deprecated since v1\.\d+|use \"node-role\.kubernetes\.io/control-plane\" instead"
                                 r"|is invalid, |a null labelSelector results in matching no pod)")


_POD = r"(spec\.template\.spec|spec\.jobTemplate\.spec\.template\.spec|template\.spec|spec)"
_CTR = _POD + r"\.(containers|initContainers)\[\d+\]"
CLAIMED = [(re.compile(p + "$"), t, m) for p, t, m in [
    (_POD + r"\.containers", "Required", ""),
    (_CTR + r"\.(name|image)", "Required", ""),
    (_CTR + r"\.ports\[\d+\]\.containerPort", "Required", ""),
    (_CTR + r"\.env\[\d+\]\.name", "Required", ""),
    (_POD + r"\.(preemptionPolicy|restartPolicy)", "Required", ""),
    (_POD + r"\.(restartPolicy|dnsPolicy|preemptionPolicy)", "NotSupported", ""),
    (_CTR + r"\.(imagePullPolicy|terminationMessagePolicy)", "NotSupported", ""),
    (_CTR + r"\.ports\[\d+\]\.protocol", "NotSupported", ""),
    (_POD + r"\.tolerations\[\d+\]\.(operator|effect)", "NotSupported", ""),
    (r"spec\.(selector|template|schedule)", "Required", ""),
    (r"spec\.(concurrencyPolicy|strategy|updateStrategy)", "NotSupported", ""),
    (r"(spec\.template|spec\.jobTemplate\.spec\.template|template)\.metadata\.labels", "Invalid", "`selector` does not match template `labels`"),
    (r"spec\.selector", "Invalid", "empty selector is invalid for "),
]]


_INDEX = re.compile(r"\[\d+\]")


def claim_of(fld: str, typ: str, message: str) -> str | None:
    """The CLAIMED pattern a server cause falls under (its name for the coverage count), or None."""
    for pattern, t, text in CLAIMED:
        if t == typ and pattern.match(fld) and text in message:
            return f"{pattern.pattern} {t}"
    return None


STRUCT_REGRESSIONS = Path(__file__).resolve().parent / "regressions-structure"


def write_regression(record: dict) -> Path:
    """A disagreement as regressions-structure/<kind>-<hash>.json (replayed by test_structure_regressions)."""
    STRUCT_REGRESSIONS.mkdir(exist_ok=True)
    blob = json.dumps(record["object"], sort_keys=True).encode()
    path = STRUCT_REGRESSIONS / f"{record['object'].get('kind', 'object').lower()}-{hashlib.sha256(blob).hexdigest()[:12]}.json"
    path.write_text(to_json(record) + "\n", encoding="utf-8")
    return path


def server_verdict(response: httpx.Response) -> dict:
    code = response.status_code
    if code == 404:
        return {"answer": "not-served"}
    if code == 400:
        msg = response.json().get("message", "")
        if "strict decoding error:" in msg:
            return {"answer": "unknown", "fields": sorted({json.loads(f'"{m}"') for m in _UNKNOWN.findall(msg)})}
        m = _TYPE.search(msg)
        if m:
            return {"answer": "type", "field": m.group(2), "got": m.group(1)}
        return {"answer": "undecodable", "message": msg}
    if code == 422:
        causes = [(c.get("field", ""), REASONS.get(c.get("reason", ""), c.get("reason", "")), c.get("message", ""))
                  for c in (response.json().get("details") or {}).get("causes") or []]
        claimed = sorted({(f, t) for f, t, m in causes if claim_of(f, t, m)})
        return {"answer": "decoded", "validation": True, "causes": [list(c) for c in claimed],
                "claims": sorted({claim_of(f, t, m) for f, t, m in causes} - {None}),
                "out_of_scope": sorted({(f, t) for f, t, m in causes if not claim_of(f, t, m)})}
    if code in (200, 201):
        warnings = []
        for header in response.headers.get_list("warning"):
            m = _WARNING.match(header)
            text = json.loads(f'"{m.group(1)}"') if m else header
            warnings.append(text)
        return {"answer": "decoded", "causes": [], "warnings": sorted(w for w in warnings if _NODE_LABEL_WARNING.search(w)),
                "other_warnings": [w for w in warnings if not _NODE_LABEL_WARNING.search(w)]}
    return {"answer": f"HTTP {code}", "message": response.text[:500]}


def agree(server: dict, mine: dict) -> bool:
    if server["answer"] != mine["answer"]:
        return False
    if server["answer"] == "type":
        return (server["field"], server["got"]) == (mine["field"], mine["got"])
    if server["answer"] == "unknown":
        return server["fields"] == mine["fields"]
    if server["answer"] == "decoded":
        # every cause winkube gives is a claimed one, and the claimed ones are the server's
        if server["causes"] != mine.get("causes"):
            return False
        return server.get("validation") or server["warnings"] == mine["warnings"]
    return True


def _ask(kube: httpx.Client, index: int):
    case = structgen.generate_case(SEED, index)
    obj = case["object"]
    r = kube.post(structgen.request_path(obj, NS), params={"dryRun": "All", "fieldValidation": "Strict"},
                  content=json.dumps(obj))
    return index, case, server_verdict(r)


def test_structure_differential(kube: httpx.Client, namespace, kube_version: str):
    namespace(NS)
    api = winkube_api()
    t0 = time.monotonic()
    disagreements, outcome, others = [], collections.Counter(), collections.Counter()
    per_kind, per_class = collections.Counter(), collections.Counter()
    out_of_scope, claims = collections.Counter(), collections.Counter()
    cases_out_of_scope = 0
    claimed_per_kind = collections.Counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as ex:
        for index, case, server in ex.map(lambda i: _ask(kube, i), range(EXAMPLES)):
            obj = case["object"]
            per_kind[case["kind"]] += 1
            per_class[(case["kind"], case["class"])] += 1
            assert not server["answer"].startswith("HTTP"), f"case {index}: no verdict: {server}\n{short(obj, 1500)}"
            outcome[server["answer"] + (" (422)" if server.get("validation") else "")
                    + (" +warnings" if server.get("warnings") else "")] += 1
            cases_out_of_scope += bool(server.get("out_of_scope"))
            for f, t in server.get("out_of_scope", ()):
                out_of_scope[_INDEX.sub("[*]", f) + " " + t] += 1
            claims.update(server.get("claims", ()))
            claimed_per_kind[case["kind"]] += bool(server.get("causes"))
            for w in server.get("other_warnings", ()):
                others[re.sub(r"\[\d+\]", "[*]", w)[:100]] += 1
            try:
                mine = api.structural_verdict(obj, kube_version)
            except Exception as exc:  # a crash is a disagreement too
                mine = {"answer": f"winkube raised {type(exc).__name__}: {exc}"}
            if not agree(server, mine):
                where = write_regression({"note": f"structural differential case {index} of seed {SEED}",
                                          "kube_version": kube_version, "object": obj,
                                          "server": server, "winkube": mine}) if len(disagreements) < 50 else None
                disagreements.append(f"case {index} [{case['kind']}; {', '.join(case['mutations'])}] -> {where}\n"
                                     f"  server:  {json.dumps(server)[:600]}\n  winkube: {json.dumps(mine)[:600]}\n"
                                     f"{short(obj, 1200)}")
    print(f"\nstructural differential: {EXAMPLES} cases (seed {SEED}) in {time.monotonic() - t0:.1f}s; "
          f"{len(disagreements)} disagreements")
    for k, n in sorted(outcome.items()):
        print(f"  {k:<32} {n}")
    for w, n in others.most_common(5):
        print(f"  other warning x{n}: {w}")
    print(f"  claimed 422 causes compared: {sum(claims.values())}; out-of-scope 422 causes (not compared): "
          f"{sum(out_of_scope.values())} in {cases_out_of_scope} of {outcome['decoded (422)']} cases answered 422")
    for c, n in out_of_scope.most_common():
        print(f"    out of scope x{n}: {c}")
    print("  cases with claimed 422 causes per kind: " + ", ".join(f"{k} {n}" for k, n in sorted(claimed_per_kind.items())))
    if disagreements:
        pytest.fail(f"{len(disagreements)} of {EXAMPLES} cases differ from kube-apiserver {kube_version}:\n\n"
                    + "\n\n".join(disagreements[:12]), pytrace=False)
    print("  cases per kind and class: " + ", ".join(f"{k}/{c} {n}" for (k, c), n in sorted(per_class.items())))
    if EXAMPLES >= 900:
        assert set(per_kind) == set(structgen.podgen.WORKLOAD_KINDS)
        for answer in ("not-served", "type", "unknown", "undecodable", "decoded +warnings", "decoded", "decoded (422)"):
            assert outcome[answer] >= 5, f"the generator hardly reaches the {answer!r} answer: {dict(outcome)}"
        thin = [k for k in structgen.podgen.WORKLOAD_KINDS if claimed_per_kind[k] < EXAMPLES // 36]
        assert not thin, f"kinds with few validation (422) cases: {thin} {dict(claimed_per_kind)}"
        unreached = [f"{p.pattern} {t}" for p, t, _ in CLAIMED if claims[f"{p.pattern} {t}"] < 3]
        assert not unreached, f"the generator hardly reaches these claimed causes: {unreached}"
        # out-of-scope causes are listed above; the cases that have any must stay a small share of the
        # 422s (they come from the decode mutations: a quantity request above its limit, a null
        # mountPath), or the comparison would say little
        assert cases_out_of_scope <= outcome["decoded (422)"] // 8, dict(out_of_scope)


def test_structure_regressions(kube: httpx.Client, namespace, kube_version: str):
    """Every stored structural case (hand-picked ones from real manifests, and disagreements the
    generator found) against both the server and winkube."""
    namespace(NS)
    api = winkube_api()
    files = sorted(STRUCT_REGRESSIONS.glob("*.json"))
    assert files, f"no cases in {STRUCT_REGRESSIONS}"
    failures = []
    for path in files:
        record = json.loads(path.read_text())
        obj = record["object"]
        r = kube.post(structgen.request_path(obj, NS), params={"dryRun": "All", "fieldValidation": "Strict"},
                      content=json.dumps(obj))
        server = server_verdict(r)
        mine = api.structural_verdict(obj, kube_version)
        if "expect" in record and server["answer"] != record["expect"]:
            failures.append(f"{path.name}: the server answered {server}, recorded {record['expect']}")
        if not agree(server, mine):
            failures.append(f"{path.name}: server {json.dumps(server)[:400]}\n  winkube {json.dumps(mine)[:400]}")
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
