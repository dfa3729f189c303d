"""The RuntimeClass's scheduling contradicts the pod's nodeSelector."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import RC_ADMISSION


@rule(
    id="runtimeclass-conflict",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    summary="the RuntimeClass's nodeSelector contradicts the pod's nodeSelector",
    explanation="""The RuntimeClass admission plugin merges the RuntimeClass's scheduling.nodeSelector into
    the pod's and rejects the pod when a key has two different values.""",
    fix="Remove the pod's conflicting nodeSelector entry (the RuntimeClass already selects the nodes).",
    source=RC_ADMISSION,
)
def check(ctx):
    for message in ctx.targeting.conflicts:
        yield Hit(ctx.view.path("nodeSelector"), message)
