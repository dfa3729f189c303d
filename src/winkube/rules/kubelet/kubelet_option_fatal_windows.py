"""Linux-only kubelet options the Windows kubelet refuses to start with, per release."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import data, suffix, version, windows_reason, windows_kubelet_example

_TYPES = {"boolean": lambda v: isinstance(v, bool), "object": lambda v: isinstance(v, dict)}


@rule(
    id="kubelet-option-fatal-windows",
    stage=Stage.KUBELET,
    severity=Severity.ERROR,
    scope="kubeletconfig",
    summary="a Linux-only kubelet option (singleProcessOOMKill, userNamespaces, defaultPodSysctls) stops a Windows kubelet",
    explanation="""validateKubeletOSConfiguration on Windows returns "invalid configuration: <field> is not
    supported on Windows" — the kubelet exits — for singleProcessOOMKill (any value, from 1.32),
    userNamespaces (from 1.33) and a non-empty defaultPodSysctls (from 1.37). None of them has a
    default, so only a file that sets them fails; one shared between Linux and Windows nodes is the
    usual way in. Judged as Windows kubelet configuration as described for kubelet-cgroups-fatal-windows.""",
    fix="Keep these options in the Linux nodes' kubelet configuration only.",
    source="kubernetes/kubernetes:pkg/kubelet/apis/config/validation/validation_windows.go (per release); knowledge/kubelet_windows.yaml",
    fails=windows_kubelet_example('singleProcessOOMKill: false'),
    passes=windows_kubelet_example(),
)
def check(ctx):
    reason = windows_reason(ctx)
    if reason is None:
        return
    obj = ctx.obj
    for opt in data()["fatal_options"]:
        field = opt["field"]
        value = obj.get(field)
        if ctx.kube_version < version(opt["since"]) or value is None or not _TYPES[opt["type"]](value):
            continue
        if opt["when"] == "nonempty" and not value:
            continue
        yield Hit((field,), f"{field} is set: invalid configuration on Windows, the kubelet exits "
                            f"(\"{field} is not supported on Windows\"){suffix(reason)}")
