"""windowsOptions.gmsaCredentialSpecName must be a DNS-1123 subdomain (any OS): Invalid."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_windows_options, is_dns1123_subdomain, opt_str, windows_options


@rule(
    id="gmsa-credential-spec-name-invalid",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_windows_options,
    summary="windowsOptions.gmsaCredentialSpecName is not a valid resource name",
    explanation="""gmsaCredentialSpecName names a GMSACredentialSpec custom resource, so it must be a
    lower-case RFC 1123 subdomain of at most 253 characters; each failing check is its own Invalid
    error. Validated on every pod, whatever its OS.""",
    fix="Use the metadata.name of the GMSACredentialSpec resource (lower case, digits, '-' and '.').",
    source=f"{SRC_VALIDATION} validateWindowsSecurityContextOptions; "
    "k8s.io/apimachinery pkg/util/validation IsDNS1123Subdomain",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      securityContext: {windowsOptions: {gmsaCredentialSpecName: Web_App}}
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
        value = opt_str(wo, "gmsaCredentialSpecName")
        if value is None:
            continue
        for msg in is_dns1123_subdomain(value):
            yield Hit(path + ("gmsaCredentialSpecName",), msg, error_type="Invalid")
