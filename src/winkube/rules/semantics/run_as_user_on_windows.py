"""runAsUser on a Windows-bound pod: ignored; Windows identities are names (runAsUserName)."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, container_security_field, pod_security_field, windows_bound, windows_unannounced


@rule(
    id="run-as-user-on-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_unannounced,  # bound for Windows without spec.os.name (the family: bound for Windows)
    summary="runAsUser (a Linux uid) on a pod bound for Windows nodes",
    explanation="""Windows containers run as a named user, not a uid. The kubelet only logs "Windows container
    does not support SecurityContext.RunAsUser, please use SecurityContext.WindowsOptions" and the
    container runs as the image's default user (often ContainerAdministrator).""",
    fix="""Use securityContext.windowsOptions.runAsUserName (e.g. ContainerUser) instead of runAsUser.""",
    source=f"{INTRO}; kubernetes/kubernetes: pkg/kubelet/kuberuntime/security_context_windows.go (verifyRunAsNonRoot)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {runAsUser: 1000}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if not windows_unannounced(ctx):
        return
    for path, value in pod_security_field(ctx, "runAsUser"):
        yield Hit(path, f"pod securityContext.runAsUser={value} is ignored on Windows; use windowsOptions.runAsUserName")
    for c, path, value in container_security_field(ctx, "runAsUser"):
        yield Hit(path, f"container {c.name}: runAsUser={value} is ignored on Windows; use windowsOptions.runAsUserName")
