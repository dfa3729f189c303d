"""A Windows node whose pause images are not Microsoft's signed build."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import is_windows
from ._pause import SOURCE, data, example_node, pauses


@rule(
    id="node-pause-image-unsigned",
    stage=Stage.PRACTICE,
    severity=Severity.INFO,
    scope="node",
    summary="the Windows node's pause (sandbox) image is not Microsoft's signed build",
    explanation="""The Windows guide names Microsoft's multi-architecture pause image,
    mcr.microsoft.com/oss/kubernetes/pause, whose binaries are Authenticode-signed, for clusters where
    signed binaries are required (typically production); registry.k8s.io/pause is built by the
    Kubernetes project and not signed that way. Whether a node is production is not visible through the
    API, so this is an info on every Windows node whose status.images lists pause images none of which
    is Microsoft's. A pause from a repository winkube does not know is named as of unknown origin.""",
    fix="Where signed binaries are required, set the runtime's sandbox image (containerd's sandbox_image) to mcr.microsoft.com/oss/kubernetes/pause at the same version.",
    source=f"kubernetes/website:content/en/docs/concepts/windows/intro.md (Pause container, v1.25 and current); {SOURCE}",
    fails=example_node("registry.k8s.io/pause:3.10.2"),
    passes=example_node("mcr.microsoft.com/oss/kubernetes/pause:3.10.2"),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    found = pauses(node)
    if not found or any(p.signed for p in found):
        return
    signed = data()["windows_guide"]["signed_image"]
    p = found[0]  # one finding per node: the first pause it lists makes the point
    origin = "the Kubernetes project's build" if p.signed is False else "from a repository of unknown origin"
    yield Hit(p.path, f"pause image {p.ref} is {origin}, not Microsoft's Authenticode-signed {signed}",
              fix=f"Where signed binaries are required, set the runtime's sandbox image (containerd's sandbox_image) to {signed}:{p.tag}.")
