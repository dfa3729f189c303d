"""Differential proof of winkube's structural checks (served apiVersion, decoding into the Go types,
strict unknown fields, deprecated-node-label warnings) against the real kube-apiserver.

Every generated case (tests/harness/structgen.py: a valid base of each workload kind with 1-3
structural mutations; WINKUBE_STRUCT_EXAMPLES cases, default 1,800 = 200 per kind; `make fuzz`
runs 18,000) is created with dryRun=All and fieldValidation=Strict (what kubectl apply does by
default). The server's answer and winkube.api.structural_verdict must agree exactly:
  404                                    <-> not-served
  400 "json: cannot unmarshal K into Go struct field S.F ..."  <-> type, same F and K
  400 "strict decoding error: unknown field ..."               <-> unknown, same set of fields
  400 anything else (a quantity, an IntOrString)               <-> undecodable
  201/200 + Warning headers              <-> decoded, same warning texts (node-label warnings)
  422 (Go validation, which these checks do not claim)         <-> decoded
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

from .winkube_side import short, to_json, winkube_api

SEED = int(os.environ.get("WINKUBE_FUZZ_SEED", "20261127"))
EXAMPLES = int(os.environ.get("WINKUBE_STRUCT_EXAMPLES", "9000"))
WORKERS = int(os.environ.get("WINKUBE_FUZZ_WORKERS", "4"))
NS = "winkube-struct"

_TYPE = re.compile(r"json: cannot unmarshal (.+?) into Go struct field [A-Za-z0-9_]+\.(\S+) of type \S+")
_UNKNOWN = re.compile(r'unknown field "((?:[^"\\]|\\.)*)"')
_WARNING = re.compile(r'^\d{3} \S+ "((?:[^"\\]|\\.)*)"')
# the node-label warnings are the ones winkube replays; any other warning is counted, not compared
_NODE_LABEL_WARNING = re.compile(r"(deprecated since v1\.\d+|use \"node-role\.kubernetes\.io/control-plane\" instead"
                                 r"|is invalid, |a null labelSelector results in matching no pod)")


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
        return {"answer": "decoded", "validation": True}
    if code in (200, 201):
        warnings = []
        for header in response.headers.get_list("warning"):
            m = _WARNING.match(header)
            text = json.loads(f'"{m.group(1)}"') if m else header
            warnings.append(text)
        return {"answer": "decoded", "warnings": sorted(w for w in warnings if _NODE_LABEL_WARNING.search(w)),
                "other_warnings": [w for w in warnings if not _NODE_LABEL_WARNING.search(w)]}
    return {"answer": f"HTTP {code}", "message": response.text[:500]}


def agree(server: dict, mine: dict) -> bool:
    if server["answer"] != mine["answer"]:
        return False
    if server["answer"] == "type":
        return (server["field"], server["got"]) == (mine["field"], mine["got"])
    if server["answer"] == "unknown":
        return server["fields"] == mine["fields"]
    if server["answer"] == "decoded" and not server.get("validation"):
        return server["warnings"] == mine["warnings"]
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
    per_kind = collections.Counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as ex:
        for index, case, server in ex.map(lambda i: _ask(kube, i), range(EXAMPLES)):
            obj = case["object"]
            per_kind[case["kind"]] += 1
            assert not server["answer"].startswith("HTTP"), f"case {index}: no verdict: {server}\n{short(obj, 1500)}"
            outcome[server["answer"] + (" (422)" if server.get("validation") else "")
                    + (" +warnings" if server.get("warnings") else "")] += 1
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
    if disagreements:
        pytest.fail(f"{len(disagreements)} of {EXAMPLES} cases differ from kube-apiserver {kube_version}:\n\n"
                    + "\n\n".join(disagreements[:12]), pytrace=False)
    if EXAMPLES >= 900:
        assert set(per_kind) == set(structgen.podgen.WORKLOAD_KINDS)
        for answer in ("not-served", "type", "unknown", "undecodable", "decoded +warnings", "decoded"):
            assert outcome[answer] >= 5, f"the generator hardly reaches the {answer!r} answer: {dict(outcome)}"


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
