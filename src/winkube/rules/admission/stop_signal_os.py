"""lifecycle.stopSignal against spec.os (validateStopSignal) — only where ContainerStopSignals is on by default.

ContainerStopSignals is alpha and off by default in every release 1.33–1.37, and dropContainerStopSignals
removes the field before validation, so for 1.30–1.37 this rule never fires; it starts firing by a data
change (knowledge/api_validation.yaml gates.ContainerStopSignals) once the gate defaults on.
"""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import SRC_UTIL, SRC_VALIDATION, as_dict, check_active, facts, os_spec


def stop_signal_set(ctx) -> bool:
    """Some init or regular container has a lifecycle.stopSignal (the rule has nothing to check otherwise)."""
    for c in ctx.view.containers():  # one loop, no generator: every pod asks this
        lifecycle = c.container.get("lifecycle")
        if isinstance(lifecycle, dict) and isinstance(lifecycle.get("stopSignal"), str) and c.list_name != "ephemeralContainers":
            return True
    return False


@rule(
    id="stop-signal-os",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    applies=stop_signal_set,
    summary="a container lifecycle.stopSignal needs spec.os, and Windows accepts only SIGKILL and SIGTERM",
    explanation="""With the ContainerStopSignals feature on, a container's lifecycle.stopSignal is rejected
    when spec.os is not set, and checked against the signals the declared OS supports (Windows: SIGKILL,
    SIGTERM). The gate is alpha and off by default through v1.37, where the field is silently dropped.""",
    fix="Set spec.os.name and use SIGTERM or SIGKILL on Windows.",
    source=f"{SRC_VALIDATION} validateStopSignal (via validateLifecycle); {SRC_UTIL} dropContainerStopSignals",
    no_example="the API server drops lifecycle.stopSignal before validating it while the alpha gate ContainerStopSignals is off, as it is by default in every release winkube encodes.",
)
def check(ctx):
    if not check_active("stop_signal", ctx.kube_version):
        return
    view = ctx.view
    os_ = os_spec(view)
    name = os_.get("name") if os_ is not None else None
    signals = facts()["stop_signals"]
    for c in view.containers(("initContainers", "containers")):
        if c.list_name == "initContainers" and c.container.get("restartPolicy") != "Always":
            continue  # lifecycle is Forbidden there as a whole (not OS-dependent)
        sig = as_dict(c.container.get("lifecycle")).get("stopSignal")
        if not isinstance(sig, str):
            continue
        path = c.path + ("lifecycle", "stopSignal")
        if os_ is None:
            yield Hit(path, "may not be set for containers with empty `spec.os.name`", error_type="Forbidden")
        elif name in ("windows", "linux") and sig not in signals[name]:
            supported = sorted(signals[name])
            yield Hit(path, "supported values: " + ", ".join(f'"{s}"' for s in supported),
                      error_type="NotSupported")
