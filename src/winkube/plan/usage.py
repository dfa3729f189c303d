"""What is already requested on each node, and pools split by what is still free.

kube-scheduler's NodeResourcesFit compares a pod's requests with a node's allocatable minus the
requests of the pods already bound to it (non-terminal pods with spec.nodeName), and counts those
pods against allocatable `pods` (pkg/scheduler/framework/plugins/noderesources/fit.go, fitsRequest).
Nodes of one pool share labels and taints but not their load, so a pool whose nodes carry
different loads is judged as one sub-pool per distinct free capacity; the planner merges the
answers back per pool (a pool fits when one of its nodes does).
"""
from __future__ import annotations

from ..model.podview import as_dict
from ..model.profile import NodePool, Profile
from ..k8s.quantity import quantity
from ..targeting import pod_requests, units

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})


def bound_node(pod: dict) -> str | None:
    """The node a pod occupies for the scheduler: spec.nodeName, unless the pod has finished."""
    spec, status = as_dict(pod.get("spec")), as_dict(pod.get("status"))
    name = spec.get("nodeName")
    if not isinstance(name, str) or not name or status.get("phase") in TERMINAL_PHASES:
        return None
    return name


def pod_usage(pod: dict) -> dict[str, int]:
    """One bound pod's requests in the scheduler's integer units (spec.overhead included), plus one pod."""
    spec = as_dict(pod.get("spec"))
    out = {"pods": 1}
    for name, q in pod_requests(spec, as_dict(spec.get("overhead"))).items():
        out[name] = out.get(name, 0) + units(name, q)
    return out


def add_usage(usage: dict[str, dict[str, int]], node: str, amounts: dict[str, int]) -> None:
    mine = usage.setdefault(node, {})
    for k, v in amounts.items():
        mine[k] = mine.get(k, 0) + v


def node_usage(pods: list[dict]) -> dict[str, dict[str, int]]:
    """node name -> requested units (cpu in millicores, the rest whole units, `pods` a count)."""
    usage: dict[str, dict[str, int]] = {}
    for pod in pods:
        node = bound_node(pod)
        if node:
            add_usage(usage, node, pod_usage(pod))
    return usage


def _quantity(name: str, units: int) -> str:
    return f"{units}m" if name == "cpu" else str(units)


def free_allocatable(allocatable: dict, used: dict[str, int] | None) -> dict[str, str]:
    """allocatable − used, per resource, as quantities targeting reads (may be negative)."""
    used = used or {}
    free = {}
    for name in sorted(set(allocatable) | set(used)):
        have = quantity(allocatable.get(name, 0)) if name in allocatable else 0
        if have is None:
            continue
        free[str(name)] = _quantity(name, units(name, have) - used.get(name, 0))
    return free


def split_by_load(profile: Profile, usage: dict[str, dict[str, int]] | None) -> tuple[Profile, dict[str, NodePool]]:
    """A profile whose pools carry free capacity instead of allocatable, one sub-pool per distinct
    free capacity, and a map sub-pool name -> the original pool. Pools without node names or
    allocatable (profile files) are left as they are: their load is unknown."""
    owner: dict[str, NodePool] = {}
    if not usage:
        for p in profile.pools:
            owner[p.name] = p
        return profile, owner
    pools: list[NodePool] = []
    for pool in profile.pools:
        if not pool.node_names or not pool.allocatable or not any(n in usage for n in pool.node_names):
            pools.append(pool)
            owner[pool.name] = pool
            continue
        groups: dict[tuple, list[str]] = {}
        for n in pool.node_names:
            free = free_allocatable(pool.allocatable, usage.get(n))
            groups.setdefault(tuple(sorted(free.items())), []).append(n)
        for i, (free, names) in enumerate(groups.items()):
            name = pool.name if len(groups) == 1 else f"{pool.name}#{i + 1}"
            sub = pool.replace(name=name, allocatable=dict(free), node_names=list(names), count=len(names))
            pools.append(sub)
            owner[name] = pool
    return profile.replace(pools=pools), owner
