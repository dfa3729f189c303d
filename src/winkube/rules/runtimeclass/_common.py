"""Shared helpers for the RuntimeClass rules."""
from __future__ import annotations

from ...k8s.labels import says_os
from ...k8s.selectors import normalize_selector, selector_mismatch
from ...k8s.workloads import as_dict, as_list
from ...model.profile import NodePool

SRC_RUNTIMECLASS = ("kubernetes/website:content/en/docs/concepts/windows/user-guide.md (RuntimeClass); "
                    "content/en/docs/concepts/containers/runtime-class.md (Scheduling)")


def is_runtime_class(obj: dict) -> bool:
    return obj.get("kind") == "RuntimeClass"


def scheduling(obj: dict) -> dict:
    return as_dict(obj.get("scheduling"))


def node_selector(obj: dict) -> dict:
    return normalize_selector(scheduling(obj).get("nodeSelector"))


def tolerations(obj: dict) -> list[dict]:
    return [t for t in as_list(scheduling(obj).get("tolerations")) if isinstance(t, dict)]


def pool_mismatch(selector: dict, pool: NodePool) -> str | None:
    """The first selector label the pool lacks, rendered for a message; None when the pool matches."""
    miss = selector_mismatch(selector, pool.labels)
    if miss is None:
        return None
    k, _, have = miss
    return f"{pool.name}: {k}={have}" if have is not None else f"{pool.name}: no {k}"


def matching_pools(selector: dict, pools: list[NodePool]) -> list[NodePool]:
    return [p for p in pools if pool_mismatch(selector, p) is None]


def selects_windows(selector: dict) -> bool:
    return says_os(selector, "windows")
