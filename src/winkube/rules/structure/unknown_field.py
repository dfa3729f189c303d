"""A field the API does not have (a typo, wrong case, wrong level): strict field validation, which
kubectl applies by default, rejects the object with 400 Bad Request."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import DECODER, flagged


def suggestion(name: str, known: list[str]) -> str:
    for k in known:
        if k.lower() == name.lower():
            return f' (did you mean "{k}"? field names are case-sensitive)'
    import difflib  # only for an unknown field

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


@rule(
    id="unknown-field",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="object",
    applies=flagged,
    summary="a field that the API does not define",
    explanation="""kubectl applies with --validate=strict by default (fieldValidation=Strict since 1.27): an
    unknown field, including a known one in the wrong case (Effect instead of effect) or at the wrong level,
    fails the request with 400 Bad Request ("strict decoding error: unknown field ..."). With validation
    turned off the field is silently dropped, which is worse: the setting never takes effect.""",
    fix="Fix the field's name or its place in the object; remove it if it belongs to another API version.",
    source=f"{DECODER} (DisallowUnknownFields); kubernetes/website: content/en/docs/reference/using-api/api-concepts.md (field validation)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", imagePullpolicy: Always}]
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
    d = ctx.structure.decoded
    if d is None:
        return
    for path, strict_path, struct in d.unknown:
        name = str(path[-1])
        yield Hit(path, f'unknown field "{strict_path}"{suggestion(name, list(struct.props))}')
