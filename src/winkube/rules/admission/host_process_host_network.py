"""HostProcess containers without spec.hostNetwork: true: Invalid at <spec>.hostNetwork."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_windows_options, host_process_counts


@rule(
    id="host-process-host-network",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="a pod with HostProcess containers does not set hostNetwork: true",
    explanation="""HostProcess containers run in the host's network namespace, so a pod with any
    HostProcess container must set spec.hostNetwork: true. Runs for every pod, whatever its spec.os.""",
    fix="Add spec.hostNetwork: true.",
    source=f"{SRC_VALIDATION} validateWindowsHostProcessPod (called from ValidatePodSpec)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
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
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    view = ctx.view
    _, hp = host_process_counts(view)
    if hp > 0 and view.spec.get("hostNetwork") is not True:
        yield Hit(view.path("hostNetwork"), "hostNetwork must be true if pod contains any hostProcess containers",
                  error_type="Invalid")
