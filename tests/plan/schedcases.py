"""The cluster and the generated pods of the kube-scheduler differential (test_scheduler_differential.py).

A realistic mixed cluster: Windows Server 2019, 2022 (two nodes plus a cordoned one) and 2025
(a small one with few pod slots, a GPU one with a NoExecute taint) tainted os=windows:NoSchedule
as the upstream guide recommends, Linux amd64 and a PreferNoSchedule arm64 spot pool; RuntimeClasses
with scheduling and overhead. Pods come from a seeded generator: one random.Random per case
(f"{seed}:{index}"), so any case can be rebuilt from its seed and index.
"""
from __future__ import annotations

import copy
import random

PREFIX = "plan-"
WIN_TAINT = {"key": "os", "value": "windows", "effect": "NoSchedule"}

# name, os, arch, build, pool labels, taints, capacity, cordoned
NODES = [
    ("plan-lin-1", "linux", "amd64", None, {"agentpool": "linux", "example.com/gen": "6"}, [], {"cpu": "4", "memory": "16Gi"}, False),
    ("plan-lin-2", "linux", "amd64", None, {"agentpool": "linux", "example.com/gen": "6"}, [], {"cpu": "4", "memory": "16Gi"}, False),
    # a label value Go's strconv.ParseInt refuses (Gt/Lt never match it) but Python's int() reads as 10
    ("plan-arm-1", "linux", "arm64", None, {"agentpool": "linuxarm", "example.com/gen": "1_0"},
     [{"key": "example.com/spot", "value": "true", "effect": "PreferNoSchedule"}], {"cpu": "2", "memory": "8Gi"}, False),
    ("plan-w19-1", "windows", "amd64", 17763, {"agentpool": "win2019", "example.com/gen": "3"}, [WIN_TAINT],
     {"cpu": "2", "memory": "8Gi"}, False),
    ("plan-w22-1", "windows", "amd64", 20348, {"agentpool": "win2022", "example.com/gen": "5"}, [WIN_TAINT],
     {"cpu": "4", "memory": "16Gi"}, False),
    ("plan-w22-2", "windows", "amd64", 20348, {"agentpool": "win2022", "example.com/gen": "5"}, [WIN_TAINT],
     {"cpu": "4", "memory": "16Gi"}, False),
    ("plan-w22-3", "windows", "amd64", 20348, {"agentpool": "win2022", "example.com/gen": "5"}, [WIN_TAINT],
     {"cpu": "4", "memory": "16Gi"}, True),
    # a kubelet with --max-pods=2: fills up with pods long before cpu or memory run out
    ("plan-w25-1", "windows", "amd64", 26100, {"agentpool": "win2025", "example.com/gen": "7"}, [WIN_TAINT],
     {"cpu": "16", "memory": "64Gi", "pods": "2"}, False),
    ("plan-w25gpu-1", "windows", "amd64", 26100, {"agentpool": "win2025gpu", "example.com/gen": "7"},
     [WIN_TAINT, {"key": "dedicated", "value": "gpu", "effect": "NoExecute"}],
     {"cpu": "8", "memory": "32Gi", "example.com/gpu": "2"}, False),
]
NODE_NAMES = [n[0] for n in NODES]
KERNEL = {17763: "10.0.17763.6414", 20348: "10.0.20348.2700", 26100: "10.0.26100.2605"}
OS_IMAGE = {17763: "Windows Server 2019 Datacenter", 20348: "Windows Server 2022 Datacenter",
            26100: "Windows Server 2025 Datacenter"}

RUNTIME_CLASSES = [
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "plan-win2022"},
     "handler": "runhcs-wcow-process",
     "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"},
                    "tolerations": [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]},
     "overhead": {"podFixed": {"cpu": "250m", "memory": "128Mi"}}},
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "plan-win2019"},
     "handler": "runhcs-wcow-process",
     "scheduling": {"nodeSelector": {"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.17763"},
                    "tolerations": [{"key": "os", "operator": "Exists"}]}},
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "plan-win2025-gpu"},
     "handler": "runhcs-wcow-process",
     "scheduling": {"nodeSelector": {"agentpool": "win2025gpu"},
                    "tolerations": [{"key": "os", "operator": "Exists", "effect": "NoSchedule"},
                                    {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoExecute"}]},
     "overhead": {"podFixed": {"cpu": "500m"}}},
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "plan-linux"}, "handler": "runc",
     "scheduling": {"nodeSelector": {"kubernetes.io/os": "linux"}}, "overhead": {"podFixed": {"memory": "256Mi"}}},
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "plan-plain"}, "handler": "runc"},
]
RC_NAMES = [rc["metadata"]["name"] for rc in RUNTIME_CLASSES]

LABEL_VALUES = {
    "kubernetes.io/os": ["windows", "linux"],
    "kubernetes.io/arch": ["amd64", "arm64"],
    "node.kubernetes.io/windows-build": ["10.0.17763", "10.0.20348", "10.0.26100", "10.0.99999"],
    "agentpool": ["linux", "linuxarm", "win2019", "win2022", "win2025", "win2025gpu", "nope"],
    "example.com/gen": ["3", "5", "6", "7", "1_0", "10"],
    "example.com/missing": ["x", "y"],
}
NUMERIC_KEYS = ["example.com/gen"] * 6 + ["agentpool", "example.com/missing"]

# (pool label for targeted pods, how to get there)
TARGETS = {
    "linux": ({"kubernetes.io/os": "linux"}, []),
    "linuxarm": ({"kubernetes.io/arch": "arm64"}, []),
    "win2019": ({"node.kubernetes.io/windows-build": "10.0.17763"}, [{"key": "os", "operator": "Exists", "effect": "NoSchedule"}]),
    "win2022": ({"kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"},
                [{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}]),
    "win2025": ({"agentpool": "win2025"}, [{"key": "os", "value": "windows"}]),
    "win2025gpu": ({"agentpool": "win2025gpu"}, [{"operator": "Exists"}]),
}

TOLERATIONS = [
    {"operator": "Exists"},  # empty key + Exists: tolerates every taint
    {"operator": "Exists", "effect": "NoSchedule"},
    {"operator": "Exists", "effect": "NoExecute"},
    {"key": "os", "operator": "Exists"},
    {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"},
    {"key": "os", "value": "windows"},  # operator defaults to Equal, empty effect: every effect
    {"key": "os", "operator": "Equal", "value": "linux", "effect": "NoSchedule"},  # value mismatch
    {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoExecute"},  # effect mismatch
    {"key": "os", "operator": "Equal", "value": "Windows", "effect": "NoSchedule"},  # case matters
    {"key": "dedicated", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60},
    {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoExecute"},
    {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},  # effect mismatch
    {"key": "dedicated", "operator": "Equal", "value": "cpu"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
    {"key": "example.com/spot", "operator": "Equal", "value": "true", "effect": "PreferNoSchedule"},
    {"key": "example.com/other", "operator": "Exists"},
]

CPU = ["50m", "250m", "500m", "1", "1500m", "1750m", "2", "3", "3750m", "4", "4001m", "6", "7500m", "8", "9", "16"]
MEMORY = ["64Mi", "512Mi", "1Gi", "4Gi", "7Gi", "8Gi", "15Gi", "16Gi", "17Gi", "31Gi", "32Gi", "33Gi", "64Gi"]
EPHEMERAL = ["1Gi", "50Gi", "100Gi", "101Gi"]


def node_objects() -> list[dict]:
    """Keyword arguments for register_node per node, plus whether to cordon it."""
    out = []
    for name, os_, arch, build, labels, taints, cap, cordoned in NODES:
        lbl = {"beta.kubernetes.io/os": os_, "beta.kubernetes.io/arch": arch,
               "node.kubernetes.io/instance-type": "Standard_D4s_v5", "topology.kubernetes.io/region": "westeurope",
               "example.com/pool": labels["agentpool"], **labels}
        info = {"architecture": arch, "operatingSystem": os_}
        if build:
            lbl["node.kubernetes.io/windows-build"] = f"10.0.{build}"
            info.update(kernelVersion=KERNEL[build], osImage=OS_IMAGE[build], containerRuntimeVersion="containerd://2.0.4")
        out.append({"name": name, "os_name": os_, "arch": arch, "labels": lbl, "taints": copy.deepcopy(taints) or None,
                    "capacity": dict(cap), "node_info": info, "cordon": cordoned})
    return out


def _requirement(r: random.Random) -> dict:
    op = r.choice(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"])
    if op in ("Gt", "Lt"):
        return {"key": r.choice(NUMERIC_KEYS), "operator": op, "values": [str(r.randint(0, 11))]}
    key = r.choice(list(LABEL_VALUES))
    if op in ("Exists", "DoesNotExist"):
        return {"key": key, "operator": op}
    return {"key": key, "operator": op, "values": r.sample(LABEL_VALUES[key], r.randint(1, min(3, len(LABEL_VALUES[key]))))}


def _term(r: random.Random) -> dict:
    term = {}
    if r.random() < 0.92:
        term["matchExpressions"] = [_requirement(r) for _ in range(r.randint(1, 3))]
    if r.random() < 0.12 or not term:
        op = r.choice(["In", "NotIn"])
        term["matchFields"] = [{"key": "metadata.name", "operator": op,
                                "values": [r.choice(NODE_NAMES + ["plan-ghost"])]}]  # field selectors take one value
    return term


def _resources(r: random.Random, big: bool) -> dict:
    req, lim = {}, {}
    if r.random() < 0.8:
        req["cpu"] = r.choice(CPU if big else CPU[:8])
    if r.random() < 0.7:
        req["memory"] = r.choice(MEMORY if big else MEMORY[:6])
    if r.random() < 0.1:
        req["ephemeral-storage"] = r.choice(EPHEMERAL)
    if r.random() < 0.08:
        req["example.com/gpu"] = lim["example.com/gpu"] = r.choice(["1", "2", "3"])
    if req and r.random() < 0.2:  # limits only: API defaulting copies them into requests
        lim.update(req)
        req = {}
    out = {}
    if req:
        out["requests"] = req
    if lim:
        out["limits"] = lim
    return out


def generate_case(seed: int | str, index: int) -> dict:
    """One pod manifest (no namespace)."""
    r = random.Random(f"{seed}:{index}")
    spec: dict = {"terminationGracePeriodSeconds": 0,
                  "containers": [{"name": "app", "image": "registry.example.com/app:1.0",
                                  "resources": _resources(r, big=True)}]}
    labels = {"app": "plan-differential"}
    selector: dict = {}
    tolerations: list = []
    if r.random() < 0.5:  # a pod written for one pool, perhaps slightly wrong
        pool = r.choice(list(TARGETS) + ["win2025"])  # twice as many for the small node: it fills up
        sel, tol = TARGETS[pool]
        if r.random() < 0.25 and pool.startswith("win") and pool != "win2025gpu":
            spec["runtimeClassName"] = {"win2019": "plan-win2019", "win2022": "plan-win2022"}.get(pool, "plan-plain")
        else:
            selector.update(sel)
        tolerations += copy.deepcopy(tol)
        if pool == "win2025gpu" and r.random() < 0.5:
            spec["runtimeClassName"] = "plan-win2025-gpu"
            selector.pop("agentpool", None)
            tolerations = []
        if r.random() < 0.3 and selector:  # the same target written as required node affinity
            exprs = [{"key": k, "operator": "In", "values": [v]} for k, v in selector.items()]
            if r.random() < 0.5:  # "newer hardware than generation N"
                exprs.append({"key": "example.com/gen", "operator": r.choice(["Gt", "Gt", "Lt"]), "values": [str(r.randint(4, 9))]})
            spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": exprs}]}}}
            selector = {}
        if r.random() < 0.2:  # a mistake
            tolerations = [r.choice(TOLERATIONS)]
    else:  # a random mix of everything
        if r.random() < 0.5:
            for key in r.sample(list(LABEL_VALUES), r.randint(1, 2)):
                selector[key] = r.choice(LABEL_VALUES[key])
        if r.random() < 0.7:
            tolerations += [copy.deepcopy(t) for t in r.sample(TOLERATIONS, r.randint(1, 3))]
        if r.random() < 0.25:
            spec["runtimeClassName"] = r.choice(RC_NAMES + ["plan-missing"])
    if r.random() < 0.4 and "affinity" not in spec:
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [_term(r) for _ in range(r.randint(1, 2))]}}}
        if r.random() < 0.3:
            spec["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = [
                {"weight": 10, "preference": {"matchExpressions": [_requirement(r)]}}]
    if r.random() < 0.3:
        # Pinned to one node by a field selector ANDed into every term: the scheduler's answer is then
        # its verdict on that one node, so winkube's verdict on it is checked both ways.
        pin = {"key": "metadata.name", "operator": "In", "values": [r.choice(NODE_NAMES)]}
        req = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {}).setdefault(
            "requiredDuringSchedulingIgnoredDuringExecution", {"nodeSelectorTerms": [{}]})
        for term in req["nodeSelectorTerms"]:
            term.setdefault("matchFields", []).append(dict(pin, values=list(pin["values"])))
    # kubernetes.io/hostname: each node's own label, left out of the pools winkube groups nodes into
    # and judged node by node. Its own stream, so the cases drawn before it stay as they were.
    h = random.Random(f"{seed}:{index}:hostname")
    if h.random() < 0.12:
        host = h.choice(NODE_NAMES + ["plan-ghost"])
        if h.random() < 0.5:
            selector["kubernetes.io/hostname"] = host
        else:
            op = h.choice(["In", "NotIn"])
            req = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {}).setdefault(
                "requiredDuringSchedulingIgnoredDuringExecution", {"nodeSelectorTerms": [{}]})
            for term in req["nodeSelectorTerms"]:
                term.setdefault("matchExpressions", []).append(
                    {"key": "kubernetes.io/hostname", "operator": op, "values": [host, h.choice(NODE_NAMES)]})
    if selector:
        spec["nodeSelector"] = selector
    if tolerations:
        spec["tolerations"] = tolerations
    if r.random() < 0.15:
        spec["initContainers"] = [{"name": "init", "image": "registry.example.com/init:1.0",
                                   "resources": _resources(r, big=True)}]
        if r.random() < 0.4:
            spec["initContainers"][0]["restartPolicy"] = "Always"  # a sidecar: its requests add up
    if r.random() < 0.2:
        spec["containers"].append({"name": "side", "image": "registry.example.com/side:1.0",
                                   "resources": _resources(r, big=False)})
    if r.random() < 0.1:
        spec["os"] = {"name": r.choice(["windows", "linux"])}  # not a scheduler filter
    if r.random() < 0.05:
        labels["kubernetes.io/os"] = r.choice(["windows", "linux"])  # kubelet-only
    if r.random() < 0.05:
        spec["nodeName"] = r.choice(NODE_NAMES + ["plan-ghost"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{index:05d}", "labels": labels}, "spec": spec}
