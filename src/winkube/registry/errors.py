"""Results and errors of image resolution. Errors are values: one per image, never raised at callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from winkube.compat import Platform
from winkube.errors import RegistryError

__all__ = ["ImagePlatforms", "ImageError", "ErrorKind", "ResolveFailure"]


class ErrorKind:
    REFERENCE = "invalid-reference"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    TLS = "tls"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    RATE_LIMITED = "rate-limited"
    SERVER = "server-error"
    HTTP = "http-error"
    MALFORMED = "malformed-manifest"
    UNSUPPORTED = "unsupported-manifest"
    TOO_LARGE = "too-large"
    DIGEST_MISMATCH = "digest-mismatch"
    REDIRECT_LOOP = "too-many-redirects"
    CREDENTIALS = "credentials"
    INSECURE = "insecure-not-allowed"
    OFFLINE = "offline-input"


@dataclass(frozen=True)
class ImagePlatforms:
    """What an image reference resolves to: its top-level digest and its platforms."""

    ref: str  # as given
    name: str  # normalised "registry/repository[:tag][@digest]" or the offline input
    digest: str  # digest of the top-level manifest or index
    media_type: str
    is_index: bool
    platforms: tuple[Platform, ...]
    source: str = "registry"  # "registry" | "cache" | "oci-layout" | "file"

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "name": self.name,
            "digest": self.digest,
            "mediaType": self.media_type,
            "index": self.is_index,
            "source": self.source,
            "platforms": [dict(p.to_oci(), digest=p.digest) for p in self.platforms],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], *, ref: str | None = None, source: str | None = None) -> "ImagePlatforms":
        return cls(
            ref=ref if ref is not None else d["ref"],
            name=d["name"],
            digest=d["digest"],
            media_type=d["mediaType"],
            is_index=bool(d["index"]),
            platforms=tuple(Platform.from_oci(p, p.get("digest")) for p in d["platforms"]),
            source=source or d.get("source", "registry"),
        )


@dataclass(frozen=True)
class ImageError:
    """One clear error for one image. Never contains credentials."""

    ref: str
    kind: str
    message: str
    status: int | None = None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"ref": self.ref, "error": self.kind, "message": self.message}
        if self.status is not None:
            d["status"] = self.status
        return d

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}"


@dataclass
class ResolveFailure(RegistryError):
    """Internal: raised inside the client, turned into an ImageError at the boundary."""

    kind: str
    message: str
    status: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message
