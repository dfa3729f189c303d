"""Some but not all containers are HostProcess: Invalid at <spec>."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_windows_options, host_process_counts


@rule(
    id="host-process-all-or-none",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="the pod mixes HostProcess and non-HostProcess containers",
    explanation="""If any container is a HostProcess container (its own hostProcess: true, or inherited
    from the pod), every container — init, regular and ephemeral — must be one. The API server reports
    this at the pod spec itself. Runs for every pod, whatever its spec.os.""",
    fix="Set hostProcess: true at pod level and drop the per-container overrides, or make none HostProcess.",
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
      containers:
      - {name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022", securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}}
      - {name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}
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
      containers:
      - {name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}
      - {name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}
    """,
)
def check(ctx):
    total, hp = host_process_counts(ctx.view)
    if hp > 0 and hp != total:
        yield Hit(ctx.view.path(),
                  "If pod contains any hostProcess containers then all containers must be HostProcess containers",
                  error_type="Invalid")
