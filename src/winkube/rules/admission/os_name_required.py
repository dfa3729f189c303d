"""spec.os present without a name: Required at <spec>.os.name (validateOS)."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_VALIDATION, has_os, os_name_required_detail, os_spec


@rule(
    id="os-name-required",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_os,
    summary="spec.os is set but spec.os.name is empty",
    explanation="""When spec.os is present the API server requires its name. An empty os (os: {}) or an
    empty name is rejected with Required at spec.os.name, and no Linux- or Windows-specific checks run.""",
    fix="Set spec.os.name to windows (or linux), or remove spec.os.",
    source=f"{SRC_VALIDATION} validateOS (called from ValidatePodSpec)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {}
      containers: [{name: web, image: nginx:1.27}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: web, image: nginx:1.27}]
    """,
)
def check(ctx):
    view = ctx.view
    os_ = os_spec(view)
    if os_ is None:
        return
    name = os_.get("name")
    if name is None or name == "":
        detail = os_name_required_detail(ctx.kube_version)
        yield Hit(view.path("os", "name"), detail or "Required value", error_type="Required")
