"""Less memory reserved for the system and kubelet than the Windows docs advise."""
from __future__ import annotations

from fractions import Fraction

from ...model.finding import Severity, Stage
from ...model.podview import as_dict
from ...k8s.quantity import parse_quantity
from ..base import Hit, rule
from ._common import data, suffix, windows_reason, windows_kubelet_example


def _fmt(q: Fraction) -> str:
    mi = q / 2**20
    return f"{float(mi):g}Mi" if mi < 1024 else f"{float(mi / 1024):g}Gi"


@rule(
    id="kubelet-reserved-memory-windows",
    stage=Stage.PRACTICE,
    severity=Severity.INFO,
    scope="kubeletconfig",
    summary="kubeReserved + systemReserved memory is below the 2GiB the Windows docs advise",
    explanation="""On Windows nothing enforces kube-reserved or system-reserved (there are no cgroups):
    they only reduce the node's allocatable, which is what keeps the scheduler from over-committing
    the node. Windows has no OOM killer and pages to disk instead, so an over-committed node slows
    down rather than evicting. The Windows resource-management docs advise reserving at least 2GiB of
    memory and setting limits on every container. The file is judged as Windows kubelet
    configuration as described for kubelet-cgroups-fatal-windows.""",
    fix="Reserve at least 2Gi of memory (systemReserved.memory and/or kubeReserved.memory) on Windows nodes.",
    source=("kubernetes/website:content/en/docs/concepts/configuration/windows-resource-management.md; "
            "kubernetes/kubernetes:pkg/kubelet/cm/container_manager_windows.go (GetNodeAllocatableReservation); knowledge/kubelet_windows.yaml"),
    fails=windows_kubelet_example(),
    passes=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}'),
)
def check(ctx):
    reason = windows_reason(ctx)
    if reason is None:
        return
    want = parse_quantity(data()["reserved"]["recommended_memory"])
    obj = ctx.obj
    total = Fraction(0)
    path = None
    for field in ("systemReserved", "kubeReserved"):
        value = as_dict(obj.get(field)).get("memory")
        if value is None:
            continue
        q = parse_quantity(value)
        if q is None:
            return  # not a quantity: the kubelet rejects the file; not ours to judge
        total += q
        path = path or (field, "memory")
    if total >= want:
        return
    have = f"reserves {_fmt(total)} of memory" if path else "reserves no memory"
    yield Hit(path or (), f"kubeReserved + systemReserved {have}; the Windows docs advise at least "
                          f"{data()['reserved']['recommended_memory']}{suffix(reason)}")
