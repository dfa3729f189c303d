"""A Windows node whose newest pause image is older than the guide's or the release's pause."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import is_windows, kube_text, parse_version
from ._pause import SOURCE, data, example_node, pauses, release_default


@rule(
    id="node-pause-image-outdated",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="node",
    summary="the Windows node's pause (sandbox) image is older than the Windows guide's or the release's",
    explanation="""Every pod on a Windows node starts in a sandbox made from the pause image that the
    container runtime is configured with (containerd's sandbox_image). The Windows guide recommends the
    multi-arch registry.k8s.io/pause:3.6 for every release from 1.25 (3.6 is the first with a Windows
    Server 2022 variant; 3.4.1 and older have none), and each release ships a newer default (kubeadm's
    PauseVersion at the release tag, in knowledge/pause.yaml; 3.10.2 adds a Windows Server 2025
    variant). The rule reads the node's
    status.images and judges the newest pause image there (the runtime's configuration is not visible
    through the API); older than 3.6 is a warning, older than the release's default an info. The kubelet
    lists at most 50 images, largest first, so a node listing no pause image gets no finding.""",
    fix="Set the runtime's sandbox image (containerd's sandbox_image) to registry.k8s.io/pause at the release's version, or mcr.microsoft.com/oss/kubernetes/pause where signed binaries are required, and restart containerd.",
    source=f"kubernetes/website:content/en/docs/concepts/windows/intro.md (Pause container, v1.25 and current); "
           f"kubernetes/kubernetes:cmd/kubeadm/app/constants/constants.go (PauseVersion per release tag), build/pause/CHANGELOG.md; {SOURCE}",
    fails=example_node("registry.k8s.io/pause:3.4.1"),
    passes=example_node("registry.k8s.io/pause:3.10.2"),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    known = [p for p in pauses(node) if p.version is not None]
    if not known:
        return
    newest = max(known, key=lambda p: p.version)
    guide = data()["windows_guide"]
    row = release_default(ctx.kube_version)
    images = ", ".join(dict.fromkeys(p.ref for p in known))
    fix = (f"Set the runtime's sandbox image (containerd's sandbox_image) to {guide['image']}:{row['version'] if row else guide['version']}"
           f" (or {guide['signed_image']} where signed binaries are required) and restart containerd.")
    if newest.version < parse_version(guide["version"]):
        yield Hit(newest.path, f"the newest pause image on the node is {newest.ref} (of {images}): older than {guide['version']}, "
                               f"the version the Windows guide recommends (the first with a Windows Server 2022 variant)", fix=fix)
    elif row is not None and newest.version < parse_version(row["version"]):
        yield Hit(newest.path, f"the newest pause image on the node is {newest.ref} (of {images}): older than {row['version']}, "
                               f"the default pause of Kubernetes {kube_text(ctx.kube_version)} (kubeadm's PauseVersion)",
                  fix=fix, severity=Severity.INFO)

