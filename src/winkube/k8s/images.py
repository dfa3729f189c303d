"""The images a pod runs: every container list, in the API server's visiting order."""
from __future__ import annotations

from typing import Iterator


def pod_images(view) -> Iterator[tuple[object, str]]:
    """(container, image reference) for each container of a PodView whose image is a non-empty
    string (init, regular and ephemeral containers; an image-less container is the admission
    rules' business, not an image)."""
    for c in view.containers():
        ref = c.container.get("image")
        if isinstance(ref, str) and ref:
            yield c, ref
