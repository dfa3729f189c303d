"""Shared helpers for the RuntimeClass rules."""
from __future__ import annotations

from ...model.podview import as_dict, as_list
from ...model.profile import LABEL_OS, NodePool

SRC_RUNTIMECLASS = ("kubernetes/website:content/en/docs/concepts/windows/user-guide.md (RuntimeClass); "
                    "content/en/docs/concepts/containers/runtime-class.md (Scheduling)")


def is_runtime_class(obj: dict) -> bool:
    return obj.get("kind") == "RuntimeClass"


def scheduling(obj: dict) -> dict:
    return as_dict(obj.get("scheduling"))


def node_selector(obj: dict) -> dict:
    return {str(k): str(v) for k, v in as_dict(scheduling(obj).get("nodeSelector")).items()}


def tolerations(obj: dict) -> list[dict]:
    return [t for t in as_list(scheduling(obj).get("tolerations")) if isinstance(t, dict)]


def pool_mismatch(selector: dict, pool: NodePool) -> str | None:
    """The first selector label the pool lacks, rendered for a message; None when the pool matches."""
    for k, v in selector.items():
        have = pool.labels.get(k)
        if have != v:
            return f"{pool.name}: {k}={have}" if have is not None else f"{pool.name}: no {k}"
    return None


def matching_pools(selector: dict, pools: list[NodePool]) -> list[NodePool]:
    return [p for p in pools if pool_mismatch(selector, p) is None]


def selects_windows(selector: dict) -> bool:
    return selector.get(LABEL_OS) == "windows" or selector.get("beta.kubernetes.io/os") == "windows"
