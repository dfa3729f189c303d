"""Requests past the scheduler's int64 units, against the real kube-scheduler (issue 10, item 6).

kube-scheduler reads requests with Quantity.MilliValue() (cpu) and Value() (the rest), int64. A
quantity in its int64 form that overflows there comes out as 0 (positiveScaleInt64), so a pod
asking for 1e400 cpu is placed as if it asked for nothing, while 1e15 cpu (1e18 milli, still an
int64) fits no node. winkube's NodeResourcesFit step must say the same: it is what decides
whether /validate denies a pod that can only land where it fails.

Not modelled (docs/design.md): an overflowing *sum* that apimachinery carries in its inf.Dec form
(1e20 memory plus a RuntimeClass overhead of 128Mi) wraps to an arbitrary int64 instead."""
from __future__ import annotations

import time

import pytest

from winkube.model.profile import pools_from_nodes
from winkube.targeting import _resources_fit, pod_requests

NS = "winkube-overflow"
NODE = "wk-overflow-1"
LABEL = {"winkube.io/test": "overflow"}
CASES = [  # (resource, quantity) on a node with 4 cpu, 8Gi memory
    ("cpu", "1"), ("cpu", "1e15"), ("cpu", "100000"), ("cpu", "1e16"), ("cpu", "1e400"), ("cpu", "1e999999"),
    ("memory", "9e18"), ("memory", "1e20"), ("memory", "1e400"),
]


def _pod(i: int, resource: str, value: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"q{i}"},
            "spec": {"nodeSelector": LABEL, "terminationGracePeriodSeconds": 0,
                     "tolerations": [{"key": "winkube.io/test", "operator": "Exists"}],
                     "containers": [{"name": "c", "image": "example.com/app:1", "resources": {"requests": {resource: value}}}]}}


def _decided(kube, name: str):
    p = kube.get(f"/api/v1/namespaces/{NS}/pods/{name}").json()
    if p["spec"].get("nodeName"):
        return True
    for c in p.get("status", {}).get("conditions", []):
        if c.get("type") == "PodScheduled" and c.get("reason") == "Unschedulable":
            return False
    return None


def test_requests_past_int64_fit_as_the_real_scheduler_decides(kube, kube_scheduler, register_node, namespace):
    namespace(NS)
    if kube.get(f"/api/v1/nodes/{NODE}").status_code == 404:
        register_node(NODE, labels=LABEL, taints=[{"key": "winkube.io/test", "value": "overflow", "effect": "NoSchedule"}])
    node = kube.get(f"/api/v1/nodes/{NODE}").json()
    pool = pools_from_nodes([node])[0]
    for i, (res, value) in enumerate(CASES):
        r = kube.post(f"/api/v1/namespaces/{NS}/pods", json=_pod(i, res, value))
        assert r.status_code == 201, r.text
    try:
        deadline = time.monotonic() + 60
        real = {}
        while len(real) < len(CASES) and time.monotonic() < deadline:
            for i in range(len(CASES)):
                if i not in real:
                    d = _decided(kube, f"q{i}")
                    if d is not None:
                        real[i] = d
            time.sleep(0.5)
        assert len(real) == len(CASES), f"the scheduler decided only {sorted(real)} within 60 s"
        wrong = []
        for i, (res, value) in enumerate(CASES):
            stored = kube.get(f"/api/v1/namespaces/{NS}/pods/q{i}").json()["spec"]
            ours = _resources_fit(pod_requests(stored), pool) is None  # read as the scheduler reads the stored pod
            if ours != real[i]:
                wrong.append(f"{res}: {value}: kube-scheduler {'binds' if real[i] else 'cannot place'} it, winkube says "
                             f"{'it fits' if ours else 'it does not fit'}")
        assert not wrong, "\n".join(wrong)
        assert not real[1] and real[4]  # the interesting pair: 1e15 cpu fits nowhere, 1e400 cpu is placed
    finally:
        for i in range(len(CASES)):
            kube.delete(f"/api/v1/namespaces/{NS}/pods/q{i}", params={"gracePeriodSeconds": "0"})
