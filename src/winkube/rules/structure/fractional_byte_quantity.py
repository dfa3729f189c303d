"""Memory or ephemeral storage that is not a whole number of bytes ("800m" is 0.8 bytes, not 800 MiB):
the API server accepts it with a warning, and the container gets a limit it cannot run with."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...structure.warnings import fractional_byte_warnings
from ..base import Hit, rule
from ._common import may_warn


@rule(
    id="fractional-byte-quantity",
    stage=Stage.ADMISSION,
    severity=Severity.WARNING,
    scope="pod",
    applies=may_warn,
    summary="a memory or ephemeral-storage quantity that is not a whole number of bytes",
    explanation="""The suffix m means milli: memory: 800m is 0.8 bytes, not 800 MiB. kube-apiserver accepts
    the value with a warning ("fractional byte value ... is invalid, must be an integer"); a limit that
    small makes the container fail to start or be killed at once.""",
    fix="Use a binary or decimal byte suffix (800Mi, 800M) instead of m.",
    source="kubernetes/kubernetes: pkg/api/pod/warnings.go (fractional memory/ephemeral-storage requests/limits)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", resources: {limits: {memory: 800m}}}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", resources: {limits: {memory: 800Mi}}}]
    """,
)
def check(ctx):
    for path, text in fractional_byte_warnings(ctx.view):
        yield Hit(path, text.split(": ", 1)[1] + " (the suffix m means milli, not mega; did you mean Mi?)")
