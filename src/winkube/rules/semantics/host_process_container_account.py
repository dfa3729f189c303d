"""A HostProcess container that runs as ContainerUser or ContainerAdministrator: accounts of Windows
container images, not of the host, where HostProcess containers run."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.podview import as_dict
from ..base import Hit, rule
from ._common import effective_windows_option, host_process, windows_bound, windows_host_process

HOSTPROCESS = "kubernetes/website: content/en/docs/tasks/configure-pod-container/create-hostprocess-pod.md (Choosing a user account; Pod Security Standards table)"
IMAGE_ACCOUNTS = {"containeruser": "ContainerUser", "containeradministrator": "ContainerAdministrator"}


@rule(
    id="host-process-container-account",
    stage=Stage.RUNTIME,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_host_process,  # bound for Windows and HostProcess (the family: bound for Windows)
    summary="a HostProcess container runs as ContainerUser or ContainerAdministrator",
    explanation="""A HostProcess container is a process on the host, so it runs as a user that is available
    on the host or in its domain. The HostProcess page lists the Windows service accounts it supports
    (NT AUTHORITY\\SYSTEM, NT AUTHORITY\\Local service, NT AUTHORITY\\NetworkService) and, with
    containerd 1.7 or newer, the name of a local user group on the node, for which the runtime creates an
    ephemeral local account. ContainerUser and ContainerAdministrator are accounts inside Windows container
    images (their own SAM, not shared with the host); a Windows host does not have them, so the
    container cannot log on as them (unless someone created a local group of that name on the node).""",
    fix="Set windowsOptions.runAsUserName to NT AUTHORITY\\Local service (least privilege), NT AUTHORITY\\NetworkService or NT AUTHORITY\\SYSTEM.",
    source=f"{HOSTPROCESS}; kubernetes/website#37340 (Local accounts); microsoft/hcsshim#1286; "
           "kubernetes/website: content/en/docs/concepts/windows/intro.md (Identity: the SAM is not shared between host and containers)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: agent}
    spec:
      os: {name: windows}
      hostNetwork: true
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: ContainerAdministrator}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: agent}
    spec:
      os: {name: windows}
      hostNetwork: true
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: 'NT AUTHORITY\Local service'}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
    """,
)
def check(ctx):
    if not windows_bound(ctx) or not host_process(ctx):
        return
    view = ctx.view
    seen = set()  # a pod-level runAsUserName is reported once, not once per container
    for c in view.containers():
        user = effective_windows_option(view, c, "runAsUserName")
        account = IMAGE_ACCOUNTS.get(user.lower()) if isinstance(user, str) else None
        if account is None:
            continue
        own = as_dict(c.security_context.get("windowsOptions")).get("runAsUserName") is not None
        path = (c.path if own else view.prefix) + ("securityContext", "windowsOptions", "runAsUserName")
        if path in seen:
            continue
        seen.add(path)
        yield Hit(path, f"HostProcess container {c.name} runs as {user}, an account of Windows container images that the host does not have")
