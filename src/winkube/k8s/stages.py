"""The stages a workload passes on its way to running, in order: a finding's stage says when it
bites (the API server, the scheduler, the kubelet, the container runtime), and earlier is worse."""
from __future__ import annotations

from enum import Enum
from collections.abc import Iterable


class Stage(str, Enum):
    """When the problem bites: the order users think in."""

    ADMISSION = "admission"  # the API server rejects the object
    SCHEDULING = "scheduling"  # it lands on the wrong nodes, or on none
    KUBELET = "kubelet"  # the node refuses the pod
    RUNTIME = "runtime"  # the container fails to start or misbehaves
    IGNORED = "ignored"  # accepted, silently without effect on Windows
    PRACTICE = "practice"  # works today, fragile or against upstream guidance

    def __str__(self) -> str:
        return self.value


STAGE_ORDER = tuple(Stage)
STAGE_RANK = {s: i for i, s in enumerate(STAGE_ORDER)}  # lower = bites earlier = worse


def stage_rank(stage) -> int:
    """Rank of a Stage or its value ("admission" → 0); unknown stages sort last."""
    try:
        return STAGE_RANK[Stage(stage)]
    except ValueError:
        return len(STAGE_ORDER)


def worst(stages: Iterable[Stage | None]) -> Stage | None:
    """The earliest stage among stages (None entries are ignored; None when there are none)."""
    best = None
    for s in stages:
        if s is not None and (best is None or STAGE_RANK[s] < STAGE_RANK[best]):
            best = s
    return best
