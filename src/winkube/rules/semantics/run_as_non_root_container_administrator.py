"""runAsNonRoot with runAsUserName ContainerAdministrator: the kubelet refuses to start the container."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import effective_windows_option, windows_bound

ROOT = "containeradministrator"


@rule(
    id="run-as-non-root-container-administrator",
    stage=Stage.KUBELET,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="runAsNonRoot: true with runAsUserName ContainerAdministrator",
    explanation="""On Windows the kubelet treats ContainerAdministrator (any letter case) as the root identity.
    With runAsNonRoot: true it refuses to create the container: "container's runAsUserName
    (ContainerAdministrator) which will be regarded as root identity and will break non-root policy",
    and the pod stays in CreateContainerConfigError.""",
    fix="Run as ContainerUser (windowsOptions.runAsUserName: ContainerUser), or drop runAsNonRoot.",
    source="kubernetes/kubernetes: pkg/kubelet/kuberuntime/security_context_windows.go (verifyRunAsNonRoot)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {runAsNonRoot: true, windowsOptions: {runAsUserName: ContainerAdministrator}}
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
      securityContext: {runAsNonRoot: true, windowsOptions: {runAsUserName: ContainerUser}}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    view = ctx.view
    if not windows_bound(ctx):
        return
    pod_nonroot = view.security_context.get("runAsNonRoot")
    for c in view.containers():
        own = c.security_context.get("runAsNonRoot")
        nonroot = own if own is not None else pod_nonroot
        if nonroot is not True:
            continue
        user = effective_windows_option(view, c, "runAsUserName")
        if isinstance(user, str) and user.lower() == ROOT:
            in_container = c.security_context.get("windowsOptions", {}).get("runAsUserName") is not None \
                if isinstance(c.security_context.get("windowsOptions"), dict) else False
            path = (c.path if in_container else view.prefix) + ("securityContext", "windowsOptions", "runAsUserName")
            yield Hit(path, f"container {c.name} must run as non-root, but runAsUserName {user} is the root identity on Windows: the kubelet will not start it")
