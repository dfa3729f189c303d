"""A memory.available hard-eviction threshold below the Windows default."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.paths import Key
from ...model.podview import as_dict
from ...k8s.quantity import parse_quantity
from ..base import Hit, rule
from ._common import data, suffix, version, windows_reason, windows_kubelet_example


@rule(
    id="kubelet-memory-eviction-threshold-windows",
    stage=Stage.PRACTICE,
    severity=Severity.INFO,
    scope="kubeletconfig",
    summary="evictionHard memory.available is below the Windows default of 500Mi",
    explanation="""Since Kubernetes 1.31 the Windows kubelet evicts on memory.available, computed as
    CommitLimit − CommitTotal (commit charge, which includes the mandatory page file, so CommitLimit
    moves with the page-file size). Its default hard threshold on Windows is memory.available<500Mi,
    not Linux's 100Mi; a lower value — typically copied from a Linux configuration — lets the node run
    closer to exhausting its commit limit before anything is evicted. Percentages are not judged.
    The file is judged as Windows kubelet configuration as described for kubelet-cgroups-fatal-windows.""",
    fix="Use memory.available: 500Mi (the Windows default) or more for Windows nodes.",
    source=("kubernetes/website:content/en/docs/concepts/scheduling-eviction/node-pressure-eviction.md (after kubernetes/website#47306); "
            "kubernetes/kubernetes#122922; knowledge/kubelet_windows.yaml"),
    fails=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}', 'evictionHard: {memory.available: 100Mi}'),
    passes=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}', 'evictionHard: {memory.available: 500Mi}'),
)
def check(ctx):
    reason = windows_reason(ctx)
    if reason is None:
        return
    mem = data()["eviction"]["memory_available"]
    if ctx.kube_version < version(mem["since"]):
        return  # no memory eviction on Windows yet: kubelet-eviction-ignored-windows
    value = as_dict(ctx.obj.get("evictionHard")).get("memory.available")
    if value is None or (isinstance(value, str) and value.strip().endswith("%")):
        return
    got, floor = parse_quantity(value), parse_quantity(mem["windows_default_hard"])
    if got is None or got >= floor:
        return
    yield Hit(("evictionHard", Key("memory.available")),
              f"evictionHard[memory.available] {value} is below the Windows default of {mem['windows_default_hard']} "
              f"({mem['linux_default_hard']} is the Linux default){suffix(reason)}")
