"""A terminationMessagePath other than the default in a Windows-bound pod: Windows cannot map
single files; the default /dev/termination-log works."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, windows_bound

DEFAULT = "/dev/termination-log"


@rule(
    id="termination-message-path-on-windows",
    stage=Stage.RUNTIME,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="terminationMessagePath other than /dev/termination-log on a pod bound for Windows nodes",
    explanation="""The kubelet writes the termination message through a single file it maps into the
    container at terminationMessagePath. The guide says this has limitations on Windows because Windows
    does not support mapping single files; the default /dev/termination-log works because it does not
    exist on Windows. Under Docker a single-file mount is refused ("source path must be a directory").""",
    fix="Leave terminationMessagePath at its default, or use terminationMessagePolicy: FallbackToLogsOnError.",
    source=f"{INTRO} (terminationMessagePath); DataDog/helm-charts#15 (single-file mounts under Docker on Windows)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", terminationMessagePath: 'C:\app\termination.log'}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", terminationMessagePath: /dev/termination-log}]
    """,
)
def check(ctx):
    if not windows_bound(ctx):
        return
    for c in ctx.view.containers():
        path = c.container.get("terminationMessagePath")
        if isinstance(path, str) and path and path != DEFAULT:
            yield Hit(c.path + ("terminationMessagePath",),
                      f"container {c.name}: terminationMessagePath {path} needs a single-file mapping, which Windows does not support")
