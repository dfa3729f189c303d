"""windowsOptions.gmsaCredentialSpec: not empty, at most 64 KiB (any OS): Invalid."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_windows_options, opt_str, validate_gmsa_credential_spec, windows_options


@rule(
    id="gmsa-credential-spec-invalid",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="windowsOptions.gmsaCredentialSpec is empty or larger than 64 KiB",
    explanation="""gmsaCredentialSpec carries the credential spec JSON inline; the API server does not
    parse it but rejects an empty string and anything over 65,536 bytes (Invalid, not TooLong).
    Validated on every pod, whatever its OS.""",
    fix="Reference a GMSACredentialSpec resource with gmsaCredentialSpecName instead, or fix the inline spec.",
    source=f"{SRC_VALIDATION} validateWindowsSecurityContextOptions",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {gmsaCredentialSpec: ""}}
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
      securityContext: {windowsOptions: {gmsaCredentialSpecName: webapp1}}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    for path, wo in windows_options(ctx.view):
        value = opt_str(wo, "gmsaCredentialSpec")
        if value is None:
            continue
        for msg in validate_gmsa_credential_spec(value):
            yield Hit(path + ("gmsaCredentialSpec",), msg, error_type="Invalid")
