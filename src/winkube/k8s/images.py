"""The images a pod runs: every container list, in the API server's visiting order."""
from __future__ import annotations

import re
from collections.abc import Iterator


def pod_images(view) -> Iterator[tuple[object, str]]:
    """(container, image reference) for each container of a PodView whose image is a non-empty
    string (init, regular and ephemeral containers; an image-less container is the admission
    rules' business, not an image)."""
    for c in view.containers():
        ref = c.container.get("image")
        if isinstance(ref, str) and ref:
            yield c, ref


_PAUSE_REPO = re.compile(r"(?:^|/)pause(?:-[a-z0-9]+)?$")


def node_pause_images(node) -> list[tuple[tuple, str, str]]:
    """The pause (sandbox) images a Node reports in status.images: (path of the name, repository,
    tag) for each tagged name whose repository's last segment is `pause` (or `pause-<arch>`).
    Digest-only names are skipped: the same entry lists the tag beside them. The kubelet reports
    at most nodeStatusMaxImages (50) images, largest first, so an absent pause says nothing."""
    status = node.get("status") if isinstance(node, dict) else None
    images = status.get("images") if isinstance(status, dict) else None
    out: list[tuple[tuple, str, str]] = []
    for i, img in enumerate(images if isinstance(images, list) else ()):
        names = img.get("names") if isinstance(img, dict) else None
        for j, name in enumerate(names if isinstance(names, list) else ()):
            if not isinstance(name, str) or "@" in name:
                continue
            repo, sep, tag = name.rpartition(":")
            if not sep or "/" in tag:
                continue  # no tag (a port, or nothing)
            if _PAUSE_REPO.search(repo):
                out.append((("status", "images", i, "names", j), repo, tag))
    return out
