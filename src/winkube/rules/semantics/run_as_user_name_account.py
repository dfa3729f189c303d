"""A runAsUserName the container cannot log on as: a domain account (Windows containers are never
domain joined), or a local name that a known base image does not have. Which accounts exist is data
(knowledge/image_contents.yaml); names of unknown images are not judged (they may add users).

HostProcess containers log on on the host, through hcsshim's job containers: a local group of the
node (an ephemeral member is created), or a service account of the domain written exactly
"NT AUTHORITY" (hcsshim compares it case-sensitively); anything else is logged on interactively
without a password, which fails. ContainerUser / ContainerAdministrator there are
host-process-container-account's."""
from __future__ import annotations

from ...imagetags import known_contents
from ...knowledge import load
from ...model.finding import Severity, Stage
from ...model.podview import as_dict
from ..admission._common import validate_run_as_user_name
from ..base import Hit, rule
from ._common import effective_windows_option, host_process, windows_bound

LOGON = '"The user name or password is incorrect" (0x52e, failure catalogue E200)'
HOST_LOGON = '"failed to create user process token: failed to logon user" (failure catalogue E264)'
JOB_LOGON = "microsoft/hcsshim: internal/jobcontainers/logon.go processToken"


@rule(
    id="run-as-user-name-account",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="windowsOptions.runAsUserName names an account the Windows container does not have",
    explanation="""The API server checks only the form of runAsUserName, and neither the kubelet nor containerd
    can check the account: containerd passes the name on, and the container fails when its first process
    logs on ("The user name or password is incorrect", 0x52e). Every Windows container has ContainerUser,
    ContainerAdministrator and the NT AUTHORITY service accounts. It is never joined to a domain, so a
    DOMAIN\\user name cannot log on, with or without gMSA: a gMSA credential spec gives the container's own
    accounts a domain identity on the network. Microsoft's OS base images (nanoserver, servercore, server,
    windows) have no other local user; an image built from them may add one. A HostProcess container logs on
    on the host instead: as NT AUTHORITY\\SYSTEM, LOCAL SERVICE or NETWORK SERVICE (hcsshim recognises the
    domain only when it is written NT AUTHORITY, in capitals) or through a local group of the node; a domain
    account there is logged on without a password and fails.""",
    fix="Run as ContainerUser (or ContainerAdministrator, NT AUTHORITY\\NETWORK SERVICE); for a domain identity add "
        "a gMSA (windowsOptions.gmsaCredentialSpecName) instead of a domain user name, or create the user in the image. "
        "In a HostProcess container write NT AUTHORITY\\SYSTEM, LOCAL SERVICE or NETWORK SERVICE with the domain in capitals, "
        "or name a local group of the node.",
    source="containerd/containerd: internal/cri/server/container_create.go buildWindowsSpec (\"there really isn't a good "
           f"Windows way to verify that the username is available in the image\"); {JOB_LOGON}; knowledge/image_contents.yaml; "
           "kubernetes/website: content/en/docs/tasks/configure-pod-container/configure-runasusername.md; failure catalogue E200, E264",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {runAsUserName: 'CONTOSO\svc-web'}}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {runAsUserName: 'NT AUTHORITY\NETWORK SERVICE'}}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"}]
    """,
)
def check(ctx):
    if not windows_bound(ctx):
        return
    view = ctx.view
    hp = None
    found: dict[tuple, tuple[str, str, list[str]]] = {}  # path -> (user, why, containers): a pod-level name once
    pod_options = view.security_context.get("windowsOptions")
    for c in view.containers():
        if pod_options is None and c.security_context.get("windowsOptions") is None:
            continue  # no windowsOptions, so no user name (most pods): effective_windows_option would say None
        user = effective_windows_option(view, c, "runAsUserName")
        if not isinstance(user, str) or validate_run_as_user_name(user):
            continue  # not a name the API server accepts: run-as-user-name-invalid reports it
        if hp is None:  # what the check compares with, read only for a pod that names a user (few do)
            hp = host_process(ctx)
            known = load("image_contents")["every_container"]
            everywhere = {a.lower() for a in known["accounts"]}
            local = {a.lower() for a in known["local_authorities"]}
            refs = {u.container: u.ref for u in ctx.targeting.images}
        why = _host_process(user) if hp else _container(view, c, user, everywhere, local, refs)
        if why is None:
            continue
        own = as_dict(c.security_context.get("windowsOptions")).get("runAsUserName") is not None
        path = (c.path if own else view.prefix) + ("securityContext", "windowsOptions", "runAsUserName")
        found.setdefault(path, (user, why, []))[2].append(c.name)
    for path, (user, why, names) in found.items():
        yield Hit(path, f"container{'s' if len(names) > 1 else ''} {', '.join(names)} cannot start: {why}; "
                        f"the first process fails to log on with {HOST_LOGON if hp else LOGON}")


def _container(view, c, user: str, everywhere: set, local: set, refs: dict) -> str | None:
    domain, _, name = user.rpartition("\\")
    if domain and domain.lower() not in local:
        gmsa = effective_windows_option(view, c, "gmsaCredentialSpecName") or effective_windows_option(view, c, "gmsaCredentialSpec")
        return (f"{user} is a domain account, and a Windows container is not joined to a domain"
                + (" (its gMSA gives the container's own accounts the domain identity; it is not an account to log on as)" if gmsa else ""))
    if domain in ("", ".") and name.lower() not in everywhere:
        ref = refs.get(f"{c.list_name}[{c.index}]")
        row = known_contents(ref, "base_images") if ref else None
        if row is not None:  # an image of unknown contents may have created the user
            return f"image {ref} has no local user {name} to log on as (only {', '.join(row['accounts'])})"
    return None


def _host_process(user: str) -> str | None:
    domain, _, _ = user.rpartition("\\")
    if not domain or domain == "NT AUTHORITY" or domain.lower() in ("nt service", "builtin", "."):
        return None  # a local group of the node (containerd 1.7+), a service account, or not judged
    if domain.lower() == "nt authority":
        return (f"hcsshim logs a HostProcess container on as a service account only when the domain is written "
                f"\"NT AUTHORITY\" (it compares case-sensitively); {user} is logged on as an ordinary user without a password")
    return (f"{user} is a domain account, which a HostProcess container cannot log on as (it runs as NT AUTHORITY\\SYSTEM, "
            "LOCAL SERVICE, NETWORK SERVICE or a local group of the node, never with a password)")
