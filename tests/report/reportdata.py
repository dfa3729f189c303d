"""Results and rules built by hand for the reporter tests (imported by conftest.py and the tests)."""
from __future__ import annotations

from winkube.model.finding import Finding, InputError, ObjectRef, Result, Severity, Stage
from winkube.model.paths import Key
from winkube.rules.base import Rule

HOSTILE = "<&\"'\x1b[31m>]]>"


def _check(ctx):  # pragma: no cover - never run by reporters
    return iter(())


def make_rule(id: str, stage: Stage = Stage.ADMISSION, severity: Severity = Severity.ERROR, **kw) -> Rule:
    fields = dict(
        scope="pod",
        summary=f"summary of {id}",
        explanation=f"Explanation of {id}, in a few sentences.",
        fix=f"fix for {id}",
        source=f"https://kubernetes.io/docs/{id}",
        check=_check,
        module=f"winkube.rules.test.{id.replace('-', '_')}",
    )
    fields.update(kw)
    return Rule(id, stage, severity, **fields)


def make_rules() -> dict[str, Rule]:
    rs = [
        make_rule("windows-forbidden-field"),
        make_rule("missing-os-selector", Stage.SCHEDULING, Severity.WARNING,
                  summary="pod can land on Linux and Windows nodes"),
        make_rule("run-as-user-ignored", Stage.IGNORED, Severity.INFO),
    ]
    return {r.id: r for r in rs}


DEPLOY = ObjectRef("apps/v1", "Deployment", "web", "frontend")
POD = ObjectRef("v1", "Pod", None, "p")


def make_result() -> Result:
    """Findings deliberately out of order; one without a position, one without a file."""
    return Result(
        findings=[
            Finding(
                rule="missing-os-selector", stage=Stage.SCHEDULING, severity=Severity.WARNING,
                path=("spec", "template", "spec", "nodeSelector", Key("kubernetes.io/os")),
                message="no kubernetes.io/os selector", fix="add nodeSelector kubernetes.io/os: windows",
                object=DEPLOY, file="deploy/frontend.yaml", line=20, column=7,
                source_line="      nodeSelector: {}\n",
            ),
            Finding(
                rule="windows-forbidden-field", stage=Stage.ADMISSION, severity=Severity.ERROR,
                path=("spec", "template", "spec", "containers", 0, "securityContext", "privileged"),
                message="privileged containers are not supported on Windows",
                fix="remove securityContext.privileged", error_type="Forbidden",
                object=DEPLOY, file="deploy/frontend.yaml", line=12, column=11,
                source_line="          privileged: true",
            ),
            Finding(
                rule="run-as-user-ignored", stage=Stage.IGNORED, severity=Severity.INFO,
                path=("spec", "securityContext", "runAsUser"), message="runAsUser has no effect on Windows",
                object=POD, file="a.yaml",
            ),
            Finding(
                rule="windows-forbidden-field", stage=Stage.ADMISSION, severity=Severity.ERROR,
                path=("spec", "hostPID"), message="hostPID is forbidden", error_type="Forbidden",
                object=ObjectRef("v1", "Pod", "live", "from-cluster"),
            ),
        ],
        errors=[InputError(file="broken.yaml", message="mapping values are not allowed here", line=4)],
        documents=4,
        objects=4,
        files=3,
        skipped=[(".github/workflows/ci.yml", "no Kubernetes objects (apiVersion and kind)")],
    )


def make_hostile_result() -> Result:
    return Result(
        findings=[
            Finding(
                rule="windows-forbidden-field", stage=Stage.ADMISSION, severity=Severity.ERROR,
                path=("metadata", "annotations", Key(HOSTILE)), message=f"bad value {HOSTILE}",
                fix=f"remove {HOSTILE}", error_type="Forbidden",
                object=ObjectRef("v1", "Pod", HOSTILE, HOSTILE), file=f"dir/{HOSTILE}.yaml", line=3, column=5,
                source_line=f"  x: {HOSTILE}",
            )
        ],
        errors=[InputError(file=f"{HOSTILE}.yaml", message=f"cannot parse {HOSTILE}\x00\x07", line=1)],
        documents=1,
        objects=1,
        files=2,
    )

