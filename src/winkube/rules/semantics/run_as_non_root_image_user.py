"""runAsNonRoot without runAsUserName: the kubelet judges the image config's User. ContainerAdministrator
there is refused; no User at all passes the check, and the container runs as ContainerAdministrator."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import effective_windows_option, windows_bound

KUBELET = ("kubernetes/kubernetes: pkg/kubelet/kuberuntime/security_context_windows.go (verifyRunAsNonRoot), "
           "pkg/kubelet/kuberuntime/helpers.go (getImageUser)")
ROOT = "containeradministrator"


@rule(
    id="run-as-non-root-image-user",
    stage=Stage.KUBELET,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="runAsNonRoot: true on Windows decided by the image's user: refused, or silently root",
    explanation="""On Windows the kubelet checks runAsNonRoot against windowsOptions.runAsUserName, and when
    that is not set, against the User of the image's config. An image whose config names
    ContainerAdministrator is refused ("container's runAsUser (ContainerAdministrator) which will be
    regarded as root identity and will break non-root policy", CreateContainerConfigError). A Server Core
    based image sets no User at all: the check passes, and the container runs as ContainerAdministrator
    anyway, so the non-root intent is silently lost (kubernetes/kubernetes#112469).""",
    fix="Set windowsOptions.runAsUserName: ContainerUser (pod or container) so the container really runs as a non-admin user.",
    source=f"{KUBELET}; kubernetes/kubernetes#112469; knowledge/image_tags.yaml (image_users)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {runAsNonRoot: true}
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
      securityContext: {runAsNonRoot: true, windowsOptions: {runAsUserName: ContainerUser}}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"}]
    """,
)
def check(ctx):
    view = ctx.view
    if not windows_bound(ctx) or ctx.targeting.host_process:
        return
    uses = None  # the images by container, read only for a container that asks for runAsNonRoot
    pod_nonroot = view.security_context.get("runAsNonRoot")
    for c in view.containers():
        own = c.security_context.get("runAsNonRoot")
        if (own if own is not None else pod_nonroot) is not True:
            continue
        if effective_windows_option(view, c, "runAsUserName") is not None:
            continue  # run-as-non-root-container-administrator judges an explicit user
        if uses is None:
            uses = {u.container: u for u in ctx.targeting.images}
        use = uses.get(f"{c.list_name}[{c.index}]")
        if use is None or use.user is None:
            continue
        if use.user.lower() == ROOT:
            yield Hit(use.path, f"container {c.name} must run as non-root, but its image's user is {use.user} "
                      f"({use.user_evidence}): the kubelet refuses it with \"container's runAsUser ({use.user}) which will be "
                      "regarded as root identity and will break non-root policy\"")
        elif use.user == "":
            yield Hit(use.path, f"container {c.name} asks for runAsNonRoot, but its image sets no user ({use.user_evidence}): "
                      "the kubelet's check passes and the container runs as ContainerAdministrator anyway",
                      severity=Severity.WARNING)
