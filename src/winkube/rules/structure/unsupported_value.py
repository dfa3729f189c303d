"""A value outside the field's enum (imagePullPolicy: Sometimes, protocol: tcp, a toleration's
operator: equal, restartPolicy: OnFailure in a Deployment): HTTP 422 "Unsupported value"."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import rule
from ._common import VALIDATION, causes_of, flagged


@rule(
    id="unsupported-value",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="object",
    applies=flagged,
    summary="a field has a value the API does not support",
    explanation="""Enumerated fields accept only their listed values, and case matters: imagePullPolicy
    (Always, IfNotPresent, Never), a port's protocol (TCP, UDP, SCTP), restartPolicy, dnsPolicy,
    preemptionPolicy, terminationMessagePolicy, a toleration's operator and effect, a CronJob's
    concurrencyPolicy, a strategy type. Workload kinds narrow the pod's restartPolicy further: a
    Deployment, DaemonSet, StatefulSet, ReplicaSet or ReplicationController runs its pods with Always only,
    a Job with OnFailure or Never. kube-apiserver refuses anything else with 422 Invalid, listing the
    supported values.""",
    fix="Use one of the supported values the message lists, spelled exactly.",
    source=VALIDATION,
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", imagePullPolicy: always}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", imagePullPolicy: Always}]
    """,
)
def check(ctx):
    yield from causes_of(ctx, "NotSupported")
