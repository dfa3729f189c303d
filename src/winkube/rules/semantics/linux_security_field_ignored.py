"""Linux-only securityContext fields on a Windows-bound pod without spec.os: accepted, then ignored."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, container_security_field, pod_security_field, windows_bound, windows_unannounced

# field -> what to say; privileged, runAsUser and readOnlyRootFilesystem have rules of their own.
POD_FIELDS = {
    "seLinuxOptions": "SELinux does not exist on Windows",
    "seccompProfile": "seccomp does not exist on Windows",
    "appArmorProfile": "AppArmor does not exist on Windows",
    "fsGroup": "Windows files have no group ownership to change",
    "fsGroupChangePolicy": "Windows files have no group ownership to change",
    "runAsGroup": "Windows has no Linux group ids",
    "supplementalGroups": "Windows has no Linux group ids",
    "supplementalGroupsPolicy": "Windows has no Linux group ids",
    "sysctls": "Windows has no sysctls",
    "seLinuxChangePolicy": "SELinux does not exist on Windows",
}
CONTAINER_FIELDS = {
    "seLinuxOptions": "SELinux does not exist on Windows",
    "seccompProfile": "seccomp does not exist on Windows",
    "appArmorProfile": "AppArmor does not exist on Windows",
    "capabilities": "Windows has no Linux capabilities",
    "allowPrivilegeEscalation": "Windows has no setuid privilege escalation",
    "procMount": "Windows has no /proc",
    "runAsGroup": "Windows has no Linux group ids",
}


@rule(
    id="linux-security-field-ignored",
    stage=Stage.IGNORED,
    severity=Severity.INFO,
    scope="pod",
    applies=windows_unannounced,  # bound for Windows without spec.os.name (the family: bound for Windows)
    summary="a Linux-only securityContext field on a pod bound for Windows nodes",
    explanation="""Without spec.os the API server accepts Linux security settings on any pod; on a Windows
    node they do nothing, so the pod runs without the protection the manifest seems to ask for. With
    spec.os.name: windows the same fields are rejected at admission. Only runAsNonRoot and windowsOptions
    have an effect in a Windows pod's securityContext. Such fields are often there to pass the restricted
    Pod Security level; with spec.os.name: windows that level skips its seccomp, capabilities and
    allowPrivilegeEscalation checks, so they can go.""",
    fix="Remove the field from the Windows workload (or split the manifest per OS), and set spec.os.name: windows.",
    source=f"{INTRO}; kubernetes/kubernetes: pkg/kubelet/kuberuntime/security_context_windows.go",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {fsGroup: 2000}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if not windows_unannounced(ctx):
        return
    view = ctx.view
    if view.security_context:  # (an absent or empty securityContext sets none of them: no walk per field)
        for field, why in POD_FIELDS.items():
            for path, value in pod_security_field(ctx, field):
                if field == "sysctls" and value == []:
                    continue
                yield Hit(path, f"pod securityContext.{field} has no effect on Windows: {why}")
    for c in view.containers():
        if c.security_context:  # as above, for the containers: walked only when one has a securityContext
            break
    else:
        return
    for field, why in CONTAINER_FIELDS.items():
        for c, path, _ in container_security_field(ctx, field):
            yield Hit(path, f"container {c.name}: securityContext.{field} has no effect on Windows: {why}")
