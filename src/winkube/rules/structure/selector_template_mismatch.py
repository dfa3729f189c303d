"""A workload whose selector does not select its own pod template (or is empty): HTTP 422
"`selector` does not match template `labels`" / "empty selector is invalid"."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import rule
from ._common import VALIDATION, causes_of, flagged


@rule(
    id="selector-template-mismatch",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="object",
    applies=flagged,
    summary="the workload's selector does not match its pod template's labels",
    explanation="""A Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController must select the
    pods it creates: kube-apiserver refuses it with 422 Invalid at spec.template.metadata.labels when the
    selector does not match the template's labels (a missing selector matches nothing), and at
    spec.selector when the selector is empty.""",
    fix="Give the pod template the labels the selector names (or select on labels the template has).",
    source=VALIDATION,
    fails=r"""
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: agent}
    spec:
      selector: {matchLabels: {app: agent}}
      template:
        metadata: {labels: {app: agent-windows}}
        spec:
          os: {name: windows}
          nodeSelector: {kubernetes.io/os: windows}
          tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
          containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: agent}
    spec:
      selector: {matchLabels: {app: agent}}
      template:
        metadata: {labels: {app: agent}}
        spec:
          os: {name: windows}
          nodeSelector: {kubernetes.io/os: windows}
          tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
          containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    yield from causes_of(ctx, "Invalid")
