"""Pod and container hostProcess both set and different: Invalid at the container's hostProcess."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, container_host_process, has_windows_options, pod_host_process


@rule(
    id="host-process-mismatch",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="a container's windowsOptions.hostProcess contradicts the pod-level value",
    explanation="""When both the pod and a container set securityContext.windowsOptions.hostProcess, the
    values must be identical; every container (init, regular, ephemeral) that differs is rejected.
    This runs for every pod, whatever its spec.os.""",
    fix="Set hostProcess once at pod level and remove it from the containers (they inherit it).",
    source=f"{SRC_VALIDATION} validateWindowsHostProcessPod (called from ValidatePodSpec)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022", securityContext: {windowsOptions: {hostProcess: false}}}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022", securityContext: {windowsOptions: {hostProcess: true}}}]
    """,
)
def check(ctx):
    view = ctx.view
    pod_hp = pod_host_process(view)
    if pod_hp is None:
        return
    for c in view.containers():
        own = container_host_process(c)
        if own is not None and own != pod_hp:
            yield Hit(c.path + ("securityContext", "windowsOptions", "hostProcess"),
                      f"pod hostProcess value must be identical if both are specified, was {str(pod_hp).lower()}",
                      error_type="Invalid")
