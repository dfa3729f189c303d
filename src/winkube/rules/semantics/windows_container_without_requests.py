"""Containers of a Windows-bound pod without CPU / memory requests: Windows has no OOM killer and
pages to disk, so requests are the only thing that keeps a Windows node from being overprovisioned."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.podview import as_dict
from ..base import Hit, rule
from ._common import INTRO, windows_bound

RESOURCES = "kubernetes/website: content/en/docs/concepts/configuration/windows-resource-management.md"
# Ephemeral containers may not set resources (the API server refuses them), so they are not asked to.
LISTS = ("initContainers", "containers")


@rule(
    id="windows-container-without-requests",
    stage=Stage.PRACTICE,
    severity=Severity.INFO,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="a container of a pod bound for Windows nodes requests no CPU or no memory",
    explanation="""On Windows the kubelet takes no OOM eviction actions and Windows has no OOM killer:
    a node that runs out of memory pages to disk and everything on it slows down. Requests are
    subtracted from the node's allocatable, so they are what keeps the scheduler from overprovisioning
    a Windows node; the guide says to set requests.cpu and requests.memory on all containers if you
    want to avoid overprovisioning entirely. (A limit without a request defaults the request to the
    limit, so a limit counts.)""",
    fix="Set resources.requests.cpu and resources.requests.memory (or limits, which default the requests) on every container.",
    source=f"{INTRO} (requests.cpu and requests.memory; kubelet: no OOM eviction actions); {RESOURCES}",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", resources: {requests: {cpu: 100m, memory: 300Mi}}}]
    """,
)
def check(ctx):
    if not windows_bound(ctx):
        return
    for c in ctx.view.containers():  # (all of them, in order, with the one list LISTS leaves out skipped: no filtered copy)
        if c.list_name not in LISTS:
            continue
        res = as_dict(c.container.get("resources"))
        requests, limits = as_dict(res.get("requests")), as_dict(res.get("limits"))
        if ("cpu" in requests or "cpu" in limits) and ("memory" in requests or "memory" in limits):
            continue  # (most containers: no list to build)
        missing = [r for r in ("cpu", "memory") if r not in requests and r not in limits]
        if missing:
            path = c.path + ("resources",) if res else c.path
            yield Hit(path, f"container {c.name} requests no {' and no '.join(missing)}: on Windows nothing "
                            "protects the node from overprovisioning but requests (no OOM killer; it pages to disk)")
