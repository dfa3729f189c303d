"""Pod-level spec.resources on a windows pod: Forbidden "may not be set for a windows pod" (v1.34+)."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_UTIL, SRC_VALIDATION, check_active, facts, has_os, os_spec


@rule(
    id="windows-pod-resources",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=has_os,
    summary="pod-level spec.resources is set on a pod with spec.os.name: windows",
    explanation="""Pod-level resources (PodLevelResources, beta and on by default since v1.34) are not
    supported on Windows: from v1.34 the API server rejects spec.resources on a pod whose
    spec.os.name is windows, instead of its usual pod-resources checks. Before v1.34 the gate is
    off by default and the field is dropped before validation.""",
    fix="Remove spec.resources and set requests/limits on each container instead.",
    source=f"{SRC_VALIDATION} validatePodResources (called from ValidatePodSpec when PodLevelResources is on); "
    f"{SRC_UTIL} dropDisabledPodLevelResources",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      resources: {limits: {cpu: "1", memory: 1Gi}}
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
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", resources: {limits: {cpu: "1", memory: 1Gi}}}]
    """,
)
def check(ctx):
    view = ctx.view
    if not isinstance(view.spec.get("resources"), dict):
        return  # asked first: the one test most pods fail (they set no pod-level resources)
    if not check_active("windows_pod_resources", ctx.kube_version):
        return
    os_ = os_spec(view)
    # validatePodResources compares spec.OS.Name directly (no validateOS gating).
    if os_ is None or os_.get("name") != "windows":
        return
    yield Hit(view.path("resources"), facts()["checks"]["windows_pod_resources"]["detail"], error_type="Forbidden")
