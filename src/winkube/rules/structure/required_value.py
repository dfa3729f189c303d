"""A field the API server requires is missing or empty (a Deployment without selector, a container
without image, a Job whose pods would restart Always): HTTP 422 "Required value"."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import rule
from ._common import VALIDATION, causes_of, flagged


@rule(
    id="required-value",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="object",
    applies=flagged,
    summary="a field the API server requires is missing or empty",
    explanation="""After decoding, kube-apiserver validates the object and refuses it with 422 Invalid when a
    required field is missing: an apps/v1 Deployment, ReplicaSet or StatefulSet without spec.selector
    (extensions/v1beta1 defaulted it from the template's labels, apps/v1 does not), a container without
    name or image, a port without containerPort, an env entry without name, a CronJob without schedule,
    a Job or CronJob whose pod template leaves restartPolicy at its default Always (Jobs need OnFailure or
    Never). kubectl apply fails and nothing is created.""",
    fix="Set the field the message names (for a selector, match the pod template's labels).",
    source=VALIDATION,
    fails=r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        metadata: {labels: {app: web}}
        spec:
          os: {name: windows}
          nodeSelector: {kubernetes.io/os: windows}
          tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
          containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          os: {name: windows}
          nodeSelector: {kubernetes.io/os: windows}
          tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
          containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    yield from causes_of(ctx, "Required")
