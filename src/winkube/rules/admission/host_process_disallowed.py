"""HostProcess containers while kube-apiserver runs with --allow-privileged=false: Forbidden at <spec>."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_windows_options, host_process_counts


@rule(
    id="host-process-disallowed",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="HostProcess containers are disallowed by the cluster's --allow-privileged=false",
    explanation="""kube-apiserver started with --allow-privileged=false (the flag's default; kubeadm, kind
    and managed clusters set it true) rejects every pod with a HostProcess container. Judged against the
    cluster profile's allowPrivileged.""",
    fix="Run the workload on a cluster that allows privileged pods, or do without HostProcess.",
    source=f"{SRC_VALIDATION} validateWindowsHostProcessPod (capabilities.Get().AllowPrivileged)",
    fails=r"""
    apiVersion: winkube.io/v1
    kind: ClusterProfile
    name: restricted
    allowPrivileged: false
    nodePools:
    - {name: windows-2022, os: windows, windowsBuild: 10.0.20348, taints: [{key: os, value: windows, effect: NoSchedule}]}
    ---
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
    passes=r"""
    apiVersion: winkube.io/v1
    kind: ClusterProfile
    name: restricted
    allowPrivileged: false
    nodePools:
    - {name: windows-2022, os: windows, windowsBuild: 10.0.20348, taints: [{key: os, value: windows, effect: NoSchedule}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if ctx.allow_privileged:
        return
    _, hp = host_process_counts(ctx.view)
    if hp > 0:
        yield Hit(ctx.view.path(), "hostProcess containers are disallowed by cluster policy", error_type="Forbidden")
