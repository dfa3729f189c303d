"""Eviction settings a Windows kubelet does not act on."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.paths import Key
from ...model.podview import as_dict
from ..base import Hit, rule
from ._common import data, suffix, version, windows_reason, windows_kubelet_example


@rule(
    id="kubelet-eviction-ignored-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="kubeletconfig",
    summary="an eviction threshold the Windows kubelet does not evaluate",
    explanation="""Node-pressure eviction came to Windows in Kubernetes 1.31 (kubernetes/kubernetes#122922),
    and only partly: memory.available works (as CommitLimit − CommitTotal), but the inode signals
    (nodefs.inodesFree, imagefs.inodesFree, containerfs.inodesFree) and pid.available are Linux only,
    and the PIDPressure condition is not implemented. Before 1.31 the Windows docs listed
    --eviction-hard / --eviction-soft as not implemented at all: hard thresholds only reduce
    allocatable (reported as info) and soft thresholds do nothing. The file is judged as Windows kubelet configuration as
    described for kubelet-cgroups-fatal-windows.""",
    fix="Drop the Linux-only signals from the Windows kubelet configuration; protect the node with reservations and container limits.",
    source=("kubernetes/website:content/en/docs/concepts/scheduling-eviction/node-pressure-eviction.md (after kubernetes/website#47306); "
            "kubernetes/kubernetes#122922; intro.md (v1.25–v1.30 kubelet option list); knowledge/kubelet_windows.yaml"),
    fails=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}', 'evictionHard: {pid.available: 10%}'),
    passes=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}', 'evictionHard: {memory.available: 500Mi}'),
)
def check(ctx):
    reason = windows_reason(ctx)
    if reason is None:
        return
    ev = data()["eviction"]
    obj = ctx.obj
    since = version(ev["implemented_since"])
    if ctx.kube_version < since:
        for field in ev["fields"]:
            if as_dict(obj.get(field)):
                hard = field == "evictionHard"  # still reserves: reported as info
                effect = "only reduces allocatable" if hard else "has no effect"
                yield Hit((field,), f"{field}: the kubelet does not evict on Windows before Kubernetes "
                                    f"{ev['implemented_since']}; {field} {effect}{suffix(reason)}",
                          severity=Severity.INFO if hard else None)
        return
    linux_only = {row["signal"]: row for row in ev["linux_only_signals"]}
    for field in ev["fields"]:
        for signal in as_dict(obj.get(field)):
            row = linux_only.get(signal)
            if row is None:
                continue
            extra = " (the PIDPressure condition is not implemented on Windows)" if signal == "pid.available" else ""
            yield Hit((field, Key(signal)), f"{field}[{signal}] is a Linux-only eviction signal, "
                                            f"ignored on Windows{extra}{suffix(reason)}")
