"""An image of the other OS in a pod whose OS is settled."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule


@rule(
    id="image-os-mismatch",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="a Linux image in a Windows pod, or a Windows image in a Linux pod",
    explanation="""A node pulls only images that have an entry for its own OS: a Linux-only image on a Windows
    node fails with "no match for platform in manifest: not found" (ImagePullBackOff), and a Windows
    image on a Linux node likewise.""",
    fix="Use an image built for the pod's OS (or a multi-arch image that has it).",
    source="failure catalogue E4, E5 (kaito-project/kaito#2065, Azure/aad-pod-identity#146)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: linux}
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: web, image: nginx:1.27}]
    """,
)
def check(ctx):
    t = ctx.targeting
    if t.os_intent not in ("windows", "linux") or not t.evidence or t.evidence[0].startswith("images"):
        return  # the OS must come from the spec (os.name, selectors), not from the images themselves
    for use in t.images:
        if use.os is not None and use.os != t.os_intent:
            yield Hit(use.path, f"{use.ref} is a {use.os} image ({use.evidence}) in a pod meant for {t.os_intent} ({t.evidence[0]})")
