"""A value of the wrong JSON type (a string where a list goes, 1.5 for an integer, a bad quantity):
the API server cannot decode the object and answers 400 Bad Request."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import DECODER, flagged


@rule(
    id="field-type-mismatch",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="object",
    applies=flagged,
    summary="a field has a value of the wrong type; the API server cannot decode the object",
    explanation="""kube-apiserver decodes the body into its Go types before anything else. A string where a
    list is expected (command: "app.exe"), a number where a string is expected, a fraction or an out-of-range
    number for an integer, or a malformed quantity ("1 Gi") fails the request with 400 Bad Request. The server
    names only the first such value, so this rule reports that one (fix it and run again for the next).""",
    fix="Give the field a value of the type the API expects (the message says which).",
    source=f"{DECODER}; k8s.io/apimachinery pkg/api/resource/quantity.go (ParseQuantity)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", command: app.exe}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", command: [app.exe]}]
    """,
)
def check(ctx):
    d = ctx.structure.decoded
    if d is None:
        return
    if d.fatal is not None and d.fatal.type_error is not None:
        t = d.fatal.type_error
        yield Hit(t.path, f"json: cannot unmarshal {t.got} into Go struct field {t.struct}.{t.field}: expected {t.want}")
    elif d.fatal is not None:
        yield Hit(d.fatal.path, f"{ctx.obj['kind']} cannot be decoded: {d.fatal.message}")
    elif d.type_error is not None:
        t = d.type_error
        yield Hit(t.path, f"json: cannot unmarshal {t.got} into Go struct field {t.struct}.{t.field}: expected {t.want}")
