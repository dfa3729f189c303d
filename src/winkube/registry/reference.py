"""Image references, parsed as containerd/docker do (distribution/reference "normalized named").

``nginx`` -> ``docker.io/library/nginx:latest``; ``localhost:5000/a/b@sha256:...``; a registry
host is the first component when it contains ``.`` or ``:`` or is ``localhost``.
"""

from __future__ import annotations

import re

from winkube.errors import RegistryError
from winkube.record import FrozenRecord

__all__ = ["Reference", "ImageReferenceError", "parse_reference"]

DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"

_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN = re.compile(
    r"(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d+)?"
)
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}")
_SHA256 = re.compile(r"sha256:[a-f0-9]{64}")


class ImageReferenceError(RegistryError, ValueError):
    """The string is not a valid image reference."""


class Reference(FrozenRecord):
    __slots__ = ("registry", "repository", "tag", "digest")

    def __init__(self, registry: str, repository: str, tag: str | None = None, digest: str | None = None):
        # registry as written, normalised: "docker.io", "mcr.microsoft.com", "127.0.0.1:5000"; repository "library/nginx"
        for slot, value in zip(self.__slots__, (registry, repository, tag, digest)):
            object.__setattr__(self, slot, value)

    @property
    def api_host(self) -> str:
        """Host[:port] to talk to for the distribution API."""
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    @property
    def reference(self) -> str:
        """The manifest reference to ask for: the digest when given, else the tag."""
        return self.digest or self.tag or "latest"

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    def __str__(self) -> str:
        s = self.name
        if self.tag:
            s += f":{self.tag}"
        if self.digest:
            s += f"@{self.digest}"
        return s


def parse_reference(ref: str) -> Reference:
    """Parse and normalise an image reference; raises :class:`ImageReferenceError`."""
    if not isinstance(ref, str) or not ref.strip():
        raise ImageReferenceError("empty image reference")
    s = ref.strip()
    if len(s) > 4096:
        raise ImageReferenceError("image reference too long")
    if "://" in s:
        raise ImageReferenceError(f"invalid image reference {ref!r}: a reference has no URL scheme")
    digest = None
    if "@" in s:
        s, digest = s.split("@", 1)
        if not _DIGEST.fullmatch(digest):
            raise ImageReferenceError(f"invalid digest in image reference {ref!r}")
        if digest.startswith("sha256:") and not _SHA256.fullmatch(digest):
            raise ImageReferenceError(f"invalid sha256 digest in image reference {ref!r}")
    tag = None
    slash = s.rfind("/")
    colon = s.rfind(":")
    if colon > slash:
        s, tag = s[:colon], s[colon + 1 :]
        if not _TAG.fullmatch(tag):
            raise ImageReferenceError(f"invalid tag {tag!r} in image reference {ref!r}")
    parts = s.split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        registry = first
        path = parts[1:]
        if not _DOMAIN.fullmatch(registry):
            raise ImageReferenceError(f"invalid registry host {registry!r} in image reference {ref!r}")
    else:
        registry = DOCKER_HUB
        path = parts
    if registry in ("index.docker.io", "registry-1.docker.io"):
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and len(path) == 1:
        path = ["library", *path]
    for c in path:
        if not _COMPONENT.fullmatch(c):
            if c.lower() != c and _COMPONENT.fullmatch(c.lower()):
                raise ImageReferenceError(f"invalid image reference {ref!r}: repository name must be lowercase")
            raise ImageReferenceError(f"invalid image reference {ref!r}: bad path component {c!r}")
    repository = "/".join(path)
    if len(repository) > 255:
        raise ImageReferenceError(f"repository name too long in {ref!r}")
    if tag is None and digest is None:
        tag = "latest"
    return Reference(registry=registry, repository=repository, tag=tag, digest=digest)
