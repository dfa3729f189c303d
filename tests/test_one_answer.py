"""One answer per object: lint, plan, audit (on a kubectl dump) and the webhook render the engine's
answer, so on the same objects and the same cluster they report the same (object, rule, path,
stage) set and the same landing pools. Inputs: every manifest of ../shared/corpus, the grown corpus
(tests/data/corpus-grown), examples/, and
generated workloads of every kind (tests/harness/podgen.py's pod specs with scheduling sprinkled
on). Each front door runs through its own entry point (the CLI with -o json; the webhook's
AdmissionReview parser and decision function), in process.
"""
from __future__ import annotations

import contextlib
import io
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from harness import podgen
from harness.controlplane import shared_dir

from winkube import cli
from winkube.engine import expand
from winkube.k8s.workloads import CLUSTER_WORKLOAD_KINDS, WORKLOAD_KINDS
from winkube.load.documents import read_text
from winkube.load.inputs import iter_sources
from winkube.model.profile import default_profile, with_cluster_objects
from winkube.rules import all_rules
from winkube.webhook.policy import Policy
from winkube.webhook.review import parse, validate
from winkube.webhook.state import Knowledge

ROOT = Path(__file__).resolve().parents[1]
PER_KIND = 60  # x 9 kinds = 540 generated workloads
NS = "diff"


def _node(name: str, os_: str, build: str | None, pool: str, taints=()) -> dict:
    labels = {"kubernetes.io/os": os_, "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "agentpool": pool}
    if build:
        labels["node.kubernetes.io/windows-build"] = build
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
            "spec": {"taints": [dict(t) for t in taints]},
            "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                       "nodeInfo": {"operatingSystem": os_, "architecture": "amd64", "kubeletVersion": "v1.37.2",
                                    "containerRuntimeVersion": "containerd://2.1.4",
                                    "kernelVersion": f"{build}.2113" if build else "6.8.0"}}}


WIN_TAINT = {"key": "os", "value": "windows", "effect": "NoSchedule"}
CLUSTER = [
    _node("lin-1", "linux", None, "linux"), _node("lin-2", "linux", None, "linux"),
    _node("w22-1", "windows", "10.0.20348", "win2022", [WIN_TAINT]), _node("w22-2", "windows", "10.0.20348", "win2022", [WIN_TAINT]),
    _node("w25-1", "windows", "10.0.26100", "win2025", [WIN_TAINT]),
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "win2022"}, "handler": "runhcs-wcow-process",
     "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"},
                    "tolerations": [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]}},
]
IMAGES = ["mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/windows/nanoserver:ltsc2025",
          "mcr.microsoft.com/windows/servercore:ltsc2019", "nginx:1.27", "registry.k8s.io/pause:3.10", "busybox"]


def _sprinkle(rng: random.Random, spec: dict) -> None:
    """Scheduling the admission generator leaves out: OS selectors, tolerations, RuntimeClasses,
    nodeName, images of either OS."""
    for c in spec.get("containers") or []:
        if isinstance(c, dict) and rng.random() < 0.7:
            c["image"] = rng.choice(IMAGES)
    r = rng.random()
    if r < 0.3:
        spec["nodeSelector"] = {"kubernetes.io/os": rng.choice(["windows", "linux"])}
    elif r < 0.4:
        spec["nodeSelector"] = {"node.kubernetes.io/windows-build": rng.choice(["10.0.20348", "10.0.26100", "10.0.17763"])}
    if rng.random() < 0.35:
        spec["tolerations"] = [rng.choice([dict(WIN_TAINT, operator="Equal"), {"operator": "Exists"},
                                           {"key": "os", "operator": "Exists", "effect": "NoSchedule"}])]
    if rng.random() < 0.15:
        spec["runtimeClassName"] = rng.choice(["win2022", "missing-class"])
    if rng.random() < 0.08:
        spec["nodeName"] = rng.choice(["w22-1", "lin-1", "no-such-node"])
    if rng.random() < 0.1:
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": [rng.choice(["windows", "linux"])]}]}]}}}


def _read(paths: list[str]) -> list[dict]:
    errors: list = []
    out = []
    for src in iter_sources(paths, errors):
        for doc in read_text(src.name, src.text, errors, json_file=src.json):
            for sub, _ in expand(doc):
                if isinstance(sub.obj, dict) and sub.obj.get("kind") in WORKLOAD_KINDS:
                    out.append(sub.obj)
    return out


def workloads() -> list[dict]:
    corpus = shared_dir() / "corpus"
    objs = _read([str(corpus / "real-windows"), str(corpus / "real-linux"), str(ROOT / "tests" / "data" / "corpus-grown"),
                  str(ROOT / "examples")])
    rng = random.Random(9)
    for kind in podgen.WORKLOAD_KINDS:
        for i in range(PER_KIND):
            spec = podgen.pod_spec(rng)
            _sprinkle(rng, spec)
            objs.append(podgen.wrap(kind, f"g-{kind.lower()}-{i}", spec))
    out = []
    for i, obj in enumerate(objs):  # one identity per object, and nothing that makes it someone's load or child
        obj = json.loads(json.dumps(obj))
        meta = obj.setdefault("metadata", {}) if isinstance(obj.get("metadata"), dict) else obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            obj["metadata"] = meta = {}
        meta.update(name=f"o{i}", namespace=NS)
        for k in ("ownerReferences", "uid", "generateName"):
            meta.pop(k, None)
        obj.pop("status", None)
        out.append(obj)
    return out


def _run(*argv: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(list(argv))
    assert code in (0, 1), f"winkube {' '.join(argv)} exited {code}"
    return json.loads(out.getvalue())


def _key(kind, name, f) -> tuple:
    return (kind, name, f["rule"], f["path"], f["stage"])


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    objs = workloads()
    d = tmp_path_factory.mktemp("one-answer")
    dump = d / "dump.json"
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": CLUSTER + objs}))
    kinds = Counter(o["kind"] for o in objs)
    assert set(kinds) == set(WORKLOAD_KINDS) and sum(kinds.values()) >= 500 + len(podgen.WORKLOAD_KINDS)

    lint = _run("lint", "-o", "json", "--no-config", str(dump))
    plan = _run("plan", "-o", "json", "--no-config", str(dump))
    audit = _run("audit", "-f", str(dump), "-o", "json", "--no-config")

    profile = with_cluster_objects(default_profile(), [o for o in CLUSTER if o["kind"] == "Node"],
                                   [o for o in CLUSTER if o["kind"] == "RuntimeClass"])
    # every rule at "warn", admission ones included (the webhook's default leaves those to the API server)
    policy = Policy(actions={rid: "warn" for rid in all_rules()}, exclude_namespaces=frozenset())
    knowledge = Knowledge(policy, profile)
    hook: set = set()
    certain: dict = {}
    for i, obj in enumerate(objs):
        review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                  "request": {"uid": f"u{i}", "kind": {"group": "", "version": "v1", "kind": obj["kind"]},
                              "resource": {"resource": "x"}, "operation": "CREATE", "namespace": NS,
                              "name": obj["metadata"]["name"], "object": obj}}
        decision = validate(parse(json.dumps(review).encode()), knowledge, {})
        hook |= {_key(obj["kind"], obj["metadata"]["name"], {"rule": f.rule, "path": f.path_str, "stage": f.stage.value})
                 for f, _ in decision.findings}
        certain[(obj["kind"], obj["metadata"]["name"])] = decision.certain
    return objs, lint, plan, audit, hook, certain


def _lint_set(lint) -> set:
    return {_key(f["object"]["kind"], f["object"]["name"], f) for f in lint["findings"]
            if f["object"]["kind"] in WORKLOAD_KINDS}


def test_lint_plan_and_the_webhook_give_the_same_findings(answers):
    objs, lint, plan, _, hook, _ = answers
    want = _lint_set(lint)
    assert not lint["errors"] and not plan["errors"]
    assert len({k[:2] for k in want}) > 300  # most objects have something to say: the comparison is not empty
    got_plan = {_key(w["kind"], w["name"], f) for w in plan["workloads"] for f in w["findings"]}
    assert len(plan["workloads"]) == len(objs)
    assert sorted(got_plan ^ want) == []
    assert sorted(hook ^ want) == []


def test_audit_on_a_dump_gives_the_same_findings(answers):
    _, lint, _, audit, _, _ = answers
    want = {k for k in _lint_set(lint) if k[0] in CLUSTER_WORKLOAD_KINDS}  # audit reads the kinds a cluster runs
    got = {_key(w["kind"], w["name"], f) for w in audit["workloads"] for f in w["findings"]}
    assert sorted(got ^ want) == []


def test_plan_and_audit_give_the_same_landing_pools(answers):
    _, _, plan, audit, _, _ = answers
    by_ref = {(w["kind"], w["name"]): w for w in audit["workloads"]}
    compared = 0
    for w in plan["workloads"]:
        a = by_ref.get((w["kind"], w["name"]))
        if w["kind"] not in CLUSTER_WORKLOAD_KINDS:
            continue
        assert a is not None, (w["kind"], w["name"])
        lands = sorted(p for p, c in a["pools"].items() if c["lands"])
        starts = sorted(p for p, c in a["pools"].items() if c["starts"])
        assert (w["name"], sorted(w["landingPools"]), sorted(w["startsOn"])) == (w["name"], lands, starts)
        compared += 1
    assert compared > 300


def test_a_rejected_pod_lands_nowhere_in_every_front_door(answers):
    _, lint, plan, audit, _, _ = answers
    rejected = {(k[0], k[1]) for k in _lint_set(lint) if k[4] == "admission"}
    assert len(rejected) > 30
    audit_by = {(w["kind"], w["name"]): w for w in audit["workloads"]}
    for w in plan["workloads"]:
        if (w["kind"], w["name"]) in rejected and any(f["severity"] == "error" and f["stage"] == "admission" for f in w["findings"]):
            assert w["admission"] and w["landingPools"] == [] and w["startsOn"] == [] and not w["lands"]
            a = audit_by.get((w["kind"], w["name"]))
            if a is not None:
                assert not any(c["lands"] for c in a["pools"].values())


def test_audit_never_says_a_pod_pinned_elsewhere_can_also_land(tmp_path):
    # issue 9: a pod pinned by nodeName to a node that is not there: every pool "lands": false, and
    # the image finding said "where the pod can also land"
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pinned", "namespace": NS},
           "spec": {"nodeName": "gone-node", "os": {"name": "windows"},
                    "containers": [{"name": "c", "image": "mcr.microsoft.com/windows/nanoserver:ltsc2025"}]}}
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps({"kind": "List", "items": CLUSTER + [_node("w25-2", "windows", "10.0.26100", "win2025", [WIN_TAINT]), pod]}))
    audit = _run("audit", "-f", str(dump), "-o", "json", "--no-config")
    (w,) = [w for w in audit["workloads"] if w["name"] == "pinned"]
    assert not any(c["lands"] for c in w["pools"].values())
    assert not [f for f in w["findings"] if "can also land" in f["message"] or "can land on" in f["message"]]
    plan = _run("plan", "-o", "json", "--no-config", str(dump))
    (p,) = [p for p in plan["workloads"] if p["name"] == "pinned"]
    assert p["landingPools"] == [] and {_key("Pod", "pinned", f) for f in p["findings"]} == \
        {_key("Pod", "pinned", f) for f in w["findings"]}


def test_the_webhook_calls_a_failure_certain_exactly_where_plan_says_it_starts_nowhere(answers):
    # the webhook's landing answer: "fails on every pool it can land on" (its denyCertain), from
    # the same engine answer plan renders as landingPools / startsOn
    _, _, plan, _, _, certain_by = answers
    checked = 0
    for w in plan["workloads"]:
        if w["admission"] or not w["findings"]:
            continue
        certain = bool(certain_by[(w["kind"], w["name"])])
        assert certain == (bool(w["landingPools"]) and not w["startsOn"]), (w["kind"], w["name"], w["landingPools"], w["startsOn"])
        checked += 1
    assert checked > 100
