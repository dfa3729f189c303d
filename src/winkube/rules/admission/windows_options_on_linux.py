"""windowsOptions on a pod with spec.os.name: linux: Forbidden (validateLinux)."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_windows_options, os_name_of, windows_options

DETAIL = "windows options cannot be set for a linux pod"


@rule(
    id="windows-options-on-linux",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="securityContext.windowsOptions is set on a pod with spec.os.name: linux",
    explanation="""A pod that declares spec.os.name: linux may not carry any windowsOptions object, at
    pod level or in any container (even an empty {}). The content is still validated separately.""",
    fix="Remove windowsOptions, or set spec.os.name: windows if this is a Windows workload.",
    source=f"{SRC_VALIDATION} validateLinux (called from ValidatePodSpec)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      nodeSelector: {kubernetes.io/os: linux}
      securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
      containers: [{name: web, image: nginx:1.27}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      nodeSelector: {kubernetes.io/os: linux}
      securityContext: {runAsUser: 1000}
      containers: [{name: web, image: nginx:1.27}]
    """,
)
def check(ctx):
    view = ctx.view
    if os_name_of(view) != "linux":
        return
    for path, _ in windows_options(view):
        yield Hit(path, DETAIL, error_type="Forbidden")
