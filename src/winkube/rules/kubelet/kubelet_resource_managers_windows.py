"""CPU / Memory / Topology Manager policies a Windows kubelet does not apply."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.podview import as_dict
from ..base import Hit, rule
from ._common import data, suffix, version, windows_reason, windows_kubelet_example


@rule(
    id="kubelet-resource-managers-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="kubeletconfig",
    summary="a CPU, Memory or Topology Manager policy that the Windows kubelet does not apply",
    explanation="""On Windows the CPU Manager, Memory Manager and Topology Manager exist only behind the
    WindowsCPUAndMemoryAffinity feature gate (KEP-4888: alpha since 1.32 and still alpha in 1.37, so
    off by default). Without the gate (or before 1.32) cpuManagerPolicy static, a memoryManagerPolicy
    other than None and a topologyManagerPolicy other than none do nothing on Windows. With it, the
    Memory Manager supports only BestEffort and the Topology Manager only none / best-effort on
    Windows. The file is judged as Windows kubelet configuration as described for
    kubelet-cgroups-fatal-windows.""",
    fix="Drop the policy from the Windows kubelet configuration, or enable featureGates.WindowsCPUAndMemoryAffinity (alpha, 1.32+) and use a policy Windows supports.",
    source=("Kubernetes v1.37 feature-gate reference (WindowsCPUAndMemoryAffinity, KEP-4888); kubernetes/website: "
            "content/en/docs/tasks/administer-cluster/cpu-management-policies.md, memory-manager.md, topology-manager.md; "
            "knowledge/kubelet_windows.yaml"),
    fails=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}', 'cpuManagerPolicy: static'),
    passes=windows_kubelet_example('systemReserved: {memory: 1Gi}', 'kubeReserved: {memory: 1Gi}', 'cpuManagerPolicy: none'),
)
def check(ctx):
    reason = windows_reason(ctx)
    if reason is None:
        return
    rm = data()["resource_managers"]
    obj = ctx.obj
    gate = as_dict(obj.get("featureGates")).get(rm["gate"]) is True and ctx.kube_version >= version(rm["gate_since"])
    for f in rm["fields"]:
        field = f["field"]
        value = obj.get(field)
        if not isinstance(value, str) or value == f["default"]:
            continue
        if not gate:
            yield Hit((field,), f"{field}: {value} has no effect on Windows without the {rm['gate']} feature gate"
                                f"{suffix(reason)}")
        elif value not in f["with_gate"]:
            allowed = ", ".join(f["with_gate"])
            yield Hit((field,), f"{field}: {value} is not supported on Windows, even with {rm['gate']} "
                                f"(supported: {allowed}){suffix(reason)}")
