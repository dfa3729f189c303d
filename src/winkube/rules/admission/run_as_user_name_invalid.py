"""windowsOptions.runAsUserName content (any OS): Invalid, one error per failing check."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_windows_options, opt_str, validate_run_as_user_name, windows_options


@rule(
    id="run-as-user-name-invalid",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="windowsOptions.runAsUserName is not a valid DOMAIN\\USER name",
    explanation="""runAsUserName is validated on every pod, whatever its OS: it may not be empty, contain
    ASCII control characters or more than one backslash; the domain (before the backslash) must be a
    NetBIOS name (1–15 characters, no \\ / : * ? " < > |, not starting with a dot) or a DNS name, under
    256 bytes; the user must be 1–104 bytes, not only dots and spaces, and free of " / \\ : ; | = , + * ? < > @ [ ].""",
    fix="Use a name such as ContainerUser, ContainerAdministrator or DOMAIN\\user.",
    source=f"{SRC_VALIDATION} validateWindowsSecurityContextOptions (via validatePodSpecSecurityContext and "
    "ValidateSecurityContext)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {runAsUserName: "DOMAIN\\user\\extra"}}
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
      securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    for path, wo in windows_options(ctx.view):
        value = opt_str(wo, "runAsUserName")
        if value is None:
            continue
        for msg in validate_run_as_user_name(value):
            yield Hit(path + ("runAsUserName",), msg, error_type="Invalid")
