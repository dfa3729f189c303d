"""readOnlyRootFilesystem on a Windows-bound pod: not possible on Windows."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, STORAGE, container_security_field, windows_bound, windows_unannounced


@rule(
    id="read-only-root-filesystem-on-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_unannounced,  # bound for Windows without spec.os.name (the family: bound for Windows)
    summary="readOnlyRootFilesystem on a pod bound for Windows nodes",
    explanation="""A Windows container's root filesystem cannot be read-only: the registry and system
    processes inside the container need write access. The setting does not make a Windows container
    read-only (read-only volume mounts do work).""",
    fix="Remove readOnlyRootFilesystem from the Windows workload; mount data volumes readOnly instead.",
    source=f"{INTRO}; {STORAGE}",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", securityContext: {readOnlyRootFilesystem: true}}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if not windows_unannounced(ctx):
        return
    for c, path, value in container_security_field(ctx, "readOnlyRootFilesystem"):
        if value is True:
            yield Hit(path, f"container {c.name}: a read-only root filesystem is not possible on Windows")
