"""spec.os.name other than "linux"/"windows": NotSupported at <spec>.os (validateOS)."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_os, os_spec

SUPPORTED = ("linux", "windows")  # validOS, listed sorted by sets.List


@rule(
    id="os-name-not-supported",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_os,
    summary="spec.os.name is not exactly linux or windows",
    explanation="""spec.os.name is case-sensitive and only "linux" and "windows" are accepted; "Windows"
    or "win" is rejected with NotSupported at spec.os (the parent path), and then none of the
    Windows-specific checks run.""",
    fix="Write spec.os.name: windows (lower case).",
    source=f"{SRC_VALIDATION} validateOS (called from ValidatePodSpec)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: Windows}
      containers: [{name: web, image: nginx:1.27}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    view = ctx.view
    os_ = os_spec(view)
    if os_ is None:
        return
    name = os_.get("name")
    if isinstance(name, str) and name and name not in SUPPORTED:
        detail = "supported values: " + ", ".join(f'"{v}"' for v in SUPPORTED)
        yield Hit(view.path("os"), detail, error_type="NotSupported")
