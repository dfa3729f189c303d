"""Memo keys: one encoding (`freeze`) for every cache that keys on Kubernetes objects, and the
two object signatures winkube caches by — a pod's (what the engine reads of a pod spec) and a
node's (what groups nodes into a pool; what the node rules read)."""
from __future__ import annotations

import marshal

from .images import node_pause_images
from .labels import OS_LABELS, PER_NODE_LABELS
from .workloads import as_dict, as_list

IGNORE_ANNOTATION = "winkube.io/ignore"
# Per-node identity in status.nodeInfo: differs on every node, read by no rule.
_NODE_IDENTITY = frozenset({"machineID", "systemUUID", "bootID"})


def freeze(value) -> bytes | None:
    """A hashable, faithful encoding of plain data (equal bytes => equal values; equal values may
    still encode differently, e.g. dicts in another key order: that only misses a cache hit).
    marshal is ~7x faster than json.dumps here. None when the value cannot be encoded (nested
    beyond marshal's limit, or not plain data): callers then do not cache."""
    try:
        return marshal.dumps(value)
    except (ValueError, TypeError, RecursionError):
        return None


def pod_key(view) -> bytes | None:
    """Everything the engine reads of a workload (a PodView): its kind, the pod spec, the pod's OS
    labels and annotations, and the object's own suppression annotation. Objects with equal keys
    get equal findings and equal targeting (for one profile, options and resolved images)."""
    labels = view.labels
    own = as_dict(as_dict(view.obj.get("metadata")).get("annotations")).get(IGNORE_ANNOTATION) if view.is_template else None
    return freeze((view.kind, view.spec, [labels.get(k) for k in OS_LABELS], view.annotations, own))


def node_pool_signature(node: dict) -> tuple:
    """What makes nodes one pool for scheduling: labels but the hostname, taints, unschedulable,
    runtime, kubelet version and allocatable (model.profile.pools_from_nodes groups by it; the
    webhook rebuilds its profile when it changes)."""
    meta, spec, status = as_dict(node.get("metadata")), as_dict(node.get("spec")), as_dict(node.get("status"))
    labels = {k: v for k, v in as_dict(meta.get("labels")).items() if k not in PER_NODE_LABELS}
    info = as_dict(status.get("nodeInfo"))
    taints = tuple(sorted((str(t.get("key")), str(t.get("value") or ""), str(t.get("effect")))
                          for t in as_list(spec.get("taints")) if isinstance(t, dict)))
    return (tuple(sorted((str(k), str(v)) for k, v in labels.items())), taints, bool(spec.get("unschedulable")),
            info.get("containerRuntimeVersion"), info.get("kubeletVersion"),
            tuple(sorted((str(k), str(v)) for k, v in as_dict(status.get("allocatable")).items())))


def node_signature(node: dict) -> bytes | None:
    """Everything a node rule can read except per-node identity (hostname label, name, machine
    IDs): nodes with equal signatures get equal findings (audit checks one per signature)."""
    meta, spec, status = as_dict(node.get("metadata")), as_dict(node.get("spec")), as_dict(node.get("status"))
    labels = sorted(((k, v) for k, v in as_dict(meta.get("labels")).items() if k not in PER_NODE_LABELS), key=_by_key)
    ours = sorted(((k, v) for k, v in as_dict(meta.get("annotations")).items() if str(k).startswith("winkube.io/")), key=_by_key)
    info = sorted(((k, v) for k, v in as_dict(status.get("nodeInfo")).items() if k not in _NODE_IDENTITY), key=_by_key)
    # of status.images only the pause images (node-pause-image-*): the rest differs from node to node
    return freeze((labels, ours, spec.get("taints"), spec.get("unschedulable"), info,
                   status.get("allocatable"), status.get("capacity"), node_pause_images(node)))


def _by_key(item: tuple) -> str:
    return str(item[0])
