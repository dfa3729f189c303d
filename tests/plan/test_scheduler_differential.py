"""`winkube plan` against the real kube-scheduler: the pool of the node the scheduler binds each
generated pod to must be one winkube says it lands on (the node itself must pass winkube's
filters), and winkube must say "no pool" exactly when the scheduler marks the pod Unschedulable.

Nodes (Windows Server 2019/2022/2025, Linux amd64/arm64; taints, a cordoned node, a node with few
pod slots, an extended resource) and RuntimeClasses with scheduling and overhead are registered on
the harness's real kube-apiserver; winkube's profile is built from the Node and RuntimeClass
objects read back from it, through with_cluster_objects / pools_from_nodes. Pods
(tests/plan/schedcases.py, seeded) are created for real in batches: created one after another so
the scheduler takes them in creation order, so the load each pod meets is known (every earlier pod
of the batch bound by then, plus whatever other tests left bound); winkube plans each pod against
that load (winkube.plan.Planner with node_usage). Pods with spec.nodeName never pass through the
scheduler; they are created after the batch is decided, and compared on the NodeName step only.
Then the batch is force-deleted (no kubelet runs to confirm a graceful deletion).

A disagreement is written to tests/plan/regressions/ (with the nodes, RuntimeClasses and load
needed to replay it offline: test_regressions_replay) and the test fails with a readable diff.

Environment: WINKUBE_SCHED_CASES (default 500), WINKUBE_SCHED_SEED, WINKUBE_SCHED_BATCH (default 25).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import schedcases
from winkube.model.profile import default_profile, with_cluster_objects
from winkube.plan import Planner
from winkube.plan.usage import add_usage, node_usage, pod_usage

SEED = os.environ.get("WINKUBE_SCHED_SEED", "20261127")
CASES = int(os.environ.get("WINKUBE_SCHED_CASES", "500"))
BATCH = int(os.environ.get("WINKUBE_SCHED_BATCH", "25"))
NS = "winkube-plan-sched"
DECIDE_TIMEOUT = 60.0  # seconds for the scheduler to decide one batch
REGRESSIONS = Path(__file__).parent / "regressions"
MAX_REPORTED = 10
# reasons in the scheduler's FailedScheduling message, counted to show what the run exercised
SCHEDULER_PHRASES = ("were unschedulable", "didn't match Pod's node affinity/selector", "untolerated taint",
                     "Too many pods", "Insufficient cpu", "Insufficient memory", "Insufficient ephemeral-storage",
                     "Insufficient example.com/gpu")


# --------------------------------------------------------------------------- the cluster

@pytest.fixture(scope="module")
def sched_cluster(control_plane, kube, kube_scheduler, register_node, namespace):
    existing = {n["metadata"]["name"] for n in kube.get("/api/v1/nodes").json()["items"]}
    for spec in schedcases.node_objects():
        name = spec.pop("name")
        cordon = spec.pop("cordon")
        if name not in existing:
            register_node(name, **spec)
        if cordon:
            r = kube.patch(f"/api/v1/nodes/{name}", json={"spec": {"unschedulable": True}},
                           headers={"Content-Type": "application/merge-patch+json"})
            assert r.status_code == 200, r.text
    for rc in schedcases.RUNTIME_CLASSES:
        r = kube.post("/apis/node.k8s.io/v1/runtimeclasses", json=rc)
        assert r.status_code in (201, 409), r.text
    namespace(NS)
    _delete_all(kube)
    if any(name not in existing for name in schedcases.NODE_NAMES):
        time.sleep(1.0)  # pods other tests left pending may be bound to the new nodes now; let that happen first
    yield kube
    # leave the session's cluster as it was for the tests that follow
    _delete_all(kube)
    for name in schedcases.NODE_NAMES:
        if name not in existing:
            kube.delete(f"/api/v1/nodes/{name}")
    for name in schedcases.RC_NAMES:
        kube.delete(f"/apis/node.k8s.io/v1/runtimeclasses/{name}")


def _items(kube, path: str, kind: str, api_version: str, params: dict | None = None) -> list[dict]:
    r = kube.get(path, params=params)
    r.raise_for_status()
    return [{**o, "kind": kind, "apiVersion": api_version} for o in r.json()["items"]]


def _delete_all(kube) -> None:
    r = kube.delete(f"/api/v1/namespaces/{NS}/pods", params={"gracePeriodSeconds": "0"})
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 30
    while kube.get(f"/api/v1/namespaces/{NS}/pods").json()["items"]:
        assert time.monotonic() < deadline, "pods of the previous batch were not deleted in 30 s"
        time.sleep(0.05)


def _cluster_objects(kube):
    nodes = _items(kube, "/api/v1/nodes", "Node", "v1")
    rcs = _items(kube, "/apis/node.k8s.io/v1/runtimeclasses", "RuntimeClass", "node.k8s.io/v1")
    return nodes, rcs


def _other_load(kube) -> list[dict]:
    """Pods other tests left bound to nodes: the scheduler counts them, so winkube must too."""
    pods = _items(kube, "/api/v1/pods", "Pod", "v1", params={"fieldSelector": "spec.nodeName!="})
    return [p for p in pods if p["metadata"].get("namespace") != NS]


def _load_key(pods: list[dict]) -> set:
    return {(p["metadata"].get("namespace"), p["metadata"]["name"], p["spec"].get("nodeName")) for p in pods}


# --------------------------------------------------------------------------- one batch

def _scheduler_answer(pod: dict) -> tuple[str, str] | None:
    """("bound", node) / ("unschedulable", message) / None while undecided."""
    node = pod.get("spec", {}).get("nodeName")
    if node:
        return "bound", node
    for c in pod.get("status", {}).get("conditions") or []:
        if c.get("type") == "PodScheduled" and c.get("status") == "False" and c.get("reason") == "Unschedulable":
            return "unschedulable", c.get("message", "")
    return None


def _run_batch(kube, indexes: list[int]) -> list[dict]:
    """Create the batch's pods in order, wait for the scheduler, create the nodeName pods, delete all.
    Returns one record per case, in the order the scheduler met them."""
    records, direct = [], []
    for i in indexes:
        manifest = schedcases.generate_case(SEED, i)
        (direct if manifest["spec"].get("nodeName") else records).append({"index": i, "manifest": manifest})
    for rec in records:
        r = kube.post(f"/api/v1/namespaces/{NS}/pods", json=rec["manifest"])
        rec["status"] = r.status_code
        rec["admitted"] = r.json() if r.status_code == 201 else None
        rec["rejection"] = None if r.status_code == 201 else r.json().get("message", r.text)
    waiting = {rec["manifest"]["metadata"]["name"]: rec for rec in records if rec["admitted"]}
    deadline = time.monotonic() + DECIDE_TIMEOUT
    while waiting:
        for pod in kube.get(f"/api/v1/namespaces/{NS}/pods").json()["items"]:
            rec = waiting.get(pod["metadata"]["name"])
            answer = _scheduler_answer(pod) if rec else None
            if answer:
                rec["answer"], rec["admitted"] = answer, {**pod, "kind": "Pod", "apiVersion": "v1"}
                del waiting[pod["metadata"]["name"]]
        if waiting:
            if time.monotonic() > deadline:
                pytest.fail(f"kube-scheduler decided nothing in {DECIDE_TIMEOUT:.0f} s for {sorted(waiting)}", pytrace=False)
            time.sleep(0.05)
    for rec in direct:  # bound at creation: never queued, so created once the batch is decided
        r = kube.post(f"/api/v1/namespaces/{NS}/pods", json=rec["manifest"])
        rec["status"] = r.status_code
        rec["admitted"] = r.json() if r.status_code == 201 else None
        rec["rejection"] = None if r.status_code == 201 else r.json().get("message", r.text)
        if rec["admitted"]:
            rec["answer"] = ("bound", rec["admitted"]["spec"]["nodeName"])
    _delete_all(kube)
    time.sleep(0.1)  # let the scheduler's cache see the deletions before the next batch
    return records + direct


# --------------------------------------------------------------------------- the comparison

def judge(rec: dict, planner: Planner, pool_of: dict[str, str]) -> str | None:
    """None when winkube agrees with the API server and the scheduler; else what differs."""
    plan = planner.plan(rec["manifest"])
    rejected = rec["admitted"] is None
    if rejected or plan.admission:
        if rejected and plan.admission:
            return None
        if rejected:
            return f"the API server rejected the pod ({rec['status']}: {rec['rejection']}); winkube saw no admission problem"
        return f"winkube says the API server rejects it ({'; '.join(plan.admission)}); it was admitted"
    kind, detail = rec["answer"]
    if rec["manifest"]["spec"].get("nodeName"):
        # NodeName: only the pool holding that node; a node that does not exist: none.
        passing = {v.pool.name for v in plan.pools if not any(p == "NodeName" for p, _ in v.failures)}
        want = {pool_of[detail]} if detail in pool_of else set()
        if passing != want:
            return f"spec.nodeName={detail}: winkube's NodeName step passes {sorted(passing)}, expected {sorted(want)}"
        return None
    landing = [p.name for p in plan.landing]
    if kind == "unschedulable":
        if landing:
            nodes = {p: plan.verdict(p).nodes for p in landing}
            return f"the scheduler found no node ({detail}); winkube lands it on {nodes}"
        return None
    pool = pool_of.get(detail)
    if pool not in landing:
        v = plan.verdict(pool) if pool else None
        why = "; ".join(f"{p}: {w}" for p, w in v.failures) if v else "the node is in no pool"
        return f"the scheduler bound it to {detail} (pool {pool}); winkube excludes that pool ({why}); lands on {landing}"
    if detail not in plan.verdict(pool).nodes:
        return f"the scheduler bound it to {detail}; winkube admits pool {pool} but only its nodes {plan.verdict(pool).nodes}"
    return None


def _explain(rec, planner: Planner) -> str:
    plan = planner.plan(rec["manifest"])
    lines = [f"case {SEED}:{rec['index']}: {rec['diff']}",
             "  pod spec: " + json.dumps(rec["manifest"]["spec"], sort_keys=True)]
    for v in plan.pools:
        lines.append(f"  winkube {v.pool.name}: " + ("schedulable on " + ", ".join(v.nodes) if v.schedulable else
                                                    "; ".join(f"{p}: {w}" for p, w in v.failures)))
    return "\n".join(lines)


def _slim(obj: dict) -> dict:
    """An object without what the server adds and no decision reads (managedFields, uid, times)."""
    meta = {k: v for k, v in obj.get("metadata", {}).items()
            if k in ("name", "namespace", "labels", "annotations", "ownerReferences")}
    out = {**obj, "metadata": meta}
    if "status" in out and obj.get("kind") == "Pod":
        out["status"] = {k: v for k, v in obj["status"].items() if k in ("phase",)}
    if "status" in out and obj.get("kind") == "Node":
        out["status"] = {k: v for k, v in obj["status"].items() if k in ("allocatable", "capacity", "nodeInfo")}
    return out


def write_regression(rec: dict, nodes, rcs, load: list[dict]) -> Path:
    REGRESSIONS.mkdir(exist_ok=True)
    path = REGRESSIONS / f"sched-{SEED}-{rec['index']:05d}.json"
    path.write_text(json.dumps({
        "seed": SEED, "index": rec["index"], "why": rec["diff"], "manifest": rec["manifest"],
        "apiServer": {"status": rec["status"], "rejection": rec["rejection"]},
        "scheduler": list(rec.get("answer") or ()),
        "nodes": [_slim(n) for n in nodes], "runtimeClasses": [_slim(r) for r in rcs],
        "boundPods": [_slim(p) for p in load],
    }, indent=1, sort_keys=True))
    return path


def test_scheduler_differential(sched_cluster, kube_version):
    kube = sched_cluster
    nodes, rcs = _cluster_objects(kube)
    profile = with_cluster_objects(default_profile(), nodes, rcs)
    pool_of = {n: p.name for p in profile.pools for n in p.node_names}
    mine = {p for n, p in pool_of.items() if n.startswith(schedcases.PREFIX)}
    assert len(mine) >= 7, f"the cluster's nodes should make at least 7 pools, got {sorted(mine)}"

    t0 = time.monotonic()
    agreed, disagreements, tally = 0, [], {"bound": 0, "unschedulable": 0, "rejected": 0, "nodeName": 0,
                                                 "pinned": 0}
    landed_pools: dict[str, int] = {}
    failing_plugins: dict[str, int] = {}
    said: dict[str, int] = {}
    for start in range(0, CASES, BATCH):
        for _attempt in range(3):  # a pod of another test bound meanwhile changes the load: run it again
            other = _other_load(kube)
            records = _run_batch(kube, list(range(start, min(CASES, start + BATCH))))
            if _load_key(_other_load(kube)) == _load_key(other):
                break
        usage = node_usage(other)
        for rec in records:
            planner = Planner(profile, usage)
            rec["diff"] = judge(rec, planner, pool_of)
            if rec["diff"] is None:
                agreed += 1
            else:
                rec["load"] = other + [r["admitted"] for r in records
                                       if r is not rec and r.get("answer", ("",))[0] == "bound" and r.get("bound_before")]
                rec["planner"] = planner
                disagreements.append(rec)
            # tallies: what the run covered
            if rec["admitted"] is None:
                tally["rejected"] += 1
            elif rec["manifest"]["spec"].get("nodeName"):
                tally["nodeName"] += 1
            else:
                tally[rec["answer"][0]] += 1
                terms = ((rec["manifest"]["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
                    "requiredDuringSchedulingIgnoredDuringExecution", {}).get("nodeSelectorTerms") or []
                if terms and all(t.get("matchFields") for t in terms):  # one node decides: checked both ways
                    tally["pinned"] += 1
                if rec["answer"][0] == "unschedulable":
                    for phrase in SCHEDULER_PHRASES:
                        if phrase in rec["answer"][1].split(" preemption:")[0]:
                            said[phrase] = said.get(phrase, 0) + 1
                if rec["answer"][0] == "bound":
                    landed_pools[pool_of.get(rec["answer"][1], "?")] = landed_pools.get(pool_of.get(rec["answer"][1], "?"), 0) + 1
                for v in planner.plan(rec["manifest"]).pools:
                    if v.failures:
                        failing_plugins[v.failures[0][0]] = failing_plugins.get(v.failures[0][0], 0) + 1
            # the scheduler met the next pod with this one bound
            if rec["admitted"] is not None and rec["answer"][0] == "bound" and not rec["manifest"]["spec"].get("nodeName"):
                rec["bound_before"] = True
                add_usage(usage, rec["answer"][1], pod_usage(rec["admitted"]))
    elapsed = time.monotonic() - t0

    summary = {"kubeVersion": kube_version, "seed": SEED, "cases": CASES, "batch": BATCH, "agreed": agreed,
               "disagreed": len(disagreements), "seconds": round(elapsed, 1), "outcomes": tally,
               "boundPerPool": dict(sorted(landed_pools.items())), "firstFailingFilter": dict(sorted(failing_plugins.items())),
               "schedulerSaid": said}
    print("\nwinkube plan vs kube-scheduler: " + json.dumps(summary))
    log = Path(os.environ.get("WINKUBE_SCHED_RECORD", "")) if os.environ.get("WINKUBE_SCHED_RECORD") else None
    if log:
        log.write_text(json.dumps(summary, indent=1))

    if disagreements:
        written = [write_regression(r, nodes, rcs, r["load"]) for r in disagreements[:50]]
        shown = "\n\n".join(_explain(r, r["planner"]) for r in disagreements[:MAX_REPORTED])
        pytest.fail(f"{len(disagreements)} of {CASES} pods: winkube disagrees with kube-scheduler "
                    f"({agreed} agree; {elapsed:.0f} s; cases written to {written[0].parent})\n\n{shown}", pytrace=False)

    # coverage: the run must have exercised what it claims to prove
    assert tally["bound"] >= CASES // 10 and tally["unschedulable"] >= CASES // 10, tally
    if CASES >= 500:
        assert {"NodeUnschedulable", "NodeAffinity", "TaintToleration", "NodeResourcesFit"} <= set(failing_plugins), failing_plugins
        assert len(landed_pools) >= 5, landed_pools
        assert {"Too many pods", "Insufficient cpu", "Insufficient memory", "untolerated taint", "were unschedulable"} <= set(said), said
        assert tally["pinned"] >= CASES // 10 and tally["rejected"] > 0 and tally["nodeName"] > 0, tally


# --------------------------------------------------------------------------- offline replay

def test_regressions_replay():
    """Every recorded disagreement (tests/plan/regressions/sched-*.json), replayed without a cluster:
    the recorded answer of the API server and kube-scheduler for the recorded nodes, RuntimeClasses
    and bound pods must be winkube's answer now."""
    failures = []
    files = sorted(REGRESSIONS.glob("sched-*.json"))
    for path in files:
        case = json.loads(path.read_text())
        profile = with_cluster_objects(default_profile(), case["nodes"], case["runtimeClasses"])
        pool_of = {n: p.name for p in profile.pools for n in p.node_names}
        rec = {"index": case["index"], "manifest": case["manifest"], "status": case["apiServer"]["status"],
               "rejection": case["apiServer"]["rejection"],
               "admitted": None if case["apiServer"]["rejection"] else case["manifest"],
               "answer": tuple(case["scheduler"]) if case["scheduler"] else None}
        diff = judge(rec, Planner(profile, node_usage(case["boundPods"])), pool_of)
        if diff is not None:
            failures.append(f"{path.name}: {diff}")
    assert not failures, "\n".join(failures)
