"""Windows host build x image build compatibility, per containerd version.

This is a restatement of containerd/platforms (``platform_windows_compat.go``,
``defaults_windows.go``): how containerd on a Windows node decides whether an image index
entry can run on the host (process isolation) and which entry it picks when several can.
The version-dependent parts (which containerd release brought which rule) are data in
``knowledge/containerd.yaml``; the Windows builds are data in ``knowledge/windows_builds.yaml``.

Scope and caveats:

* Only **process isolation** is modelled. Hyper-V isolation would allow older images on a
  newer host, but Kubernetes supports process isolation only.
* **HostProcess** containers are exempt from build matching (the base image does not have to
  match the host). Nothing here knows whether a pod is HostProcess: callers decide, and should
  not call :func:`matches` for HostProcess containers.
* An image entry without ``os.version`` always matches (containerd accepts it), so it cannot be
  validated statically; callers may want to warn.
* The host's ``os.version`` is ``10.0.<build>`` (containerd's default platform carries no
  revision); revisions of the image are ignored by the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from winkube.k8s.versions import parse_build, parse_containerd_version, parse_os_version
from winkube.knowledge import load

__all__ = [
    "Platform",
    "Era",
    "parse_build",
    "parse_os_version",
    "matches",
    "select",
    "order",
    "hosts_for_image",
    "build_name",
    "known_builds",
    "era_for",
    "eras",
    "parse_containerd_version",
]


@dataclass(frozen=True)
class Platform:
    """One entry of an image index (or the platform of a single-manifest image)."""

    os: str
    architecture: str
    variant: str | None = None
    os_version: str | None = None
    os_features: tuple[str, ...] = field(default_factory=tuple)
    digest: str | None = None

    @classmethod
    def from_oci(cls, platform: dict[str, Any], digest: str | None = None) -> "Platform":
        """Build from an OCI ``platform`` object (``os``, ``architecture``, ``os.version``...)."""
        feats = platform.get("os.features") or ()
        return cls(
            os=str(platform.get("os") or ""),
            architecture=str(platform.get("architecture") or ""),
            variant=platform.get("variant") or None,
            os_version=platform.get("os.version") or None,
            os_features=tuple(str(f) for f in feats) if isinstance(feats, list) else (),
            digest=digest,
        )

    def to_oci(self) -> dict[str, Any]:
        out: dict[str, Any] = {"os": self.os, "architecture": self.architecture}
        if self.variant:
            out["variant"] = self.variant
        if self.os_version:
            out["os.version"] = self.os_version
        if self.os_features:
            out["os.features"] = list(self.os_features)
        return out

    def __str__(self) -> str:
        s = f"{self.os}/{self.architecture}"
        if self.variant:
            s += f"/{self.variant}"
        if self.os_version:
            s += f" {self.os_version}"
        return s


@dataclass(frozen=True)
class Era:
    """One containerd behaviour, as described by a row of ``knowledge/containerd.yaml``."""

    id: str
    description: str
    matching: str  # "exact" | "stable_abi"
    ordering: str  # "first_match" | "os_version_desc"
    ltsc: tuple[int, ...]
    floor: str | None
    empty_os_version_matches: bool
    ranges: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...]
    current: bool
    source: str


# --------------------------------------------------------------------------- parsing

# Version and build parsing is Kubernetes/containerd semantics: k8s.versions (re-exported here).


def _parse_range(spec: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    lo = hi = None
    for part in spec.split(","):
        part = part.strip()
        if part.startswith(">="):
            lo = parse_containerd_version(part[2:])
        elif part.startswith("<"):
            hi = parse_containerd_version(part[1:])
    if lo is None or hi is None:
        raise ValueError(f"bad containerd range in knowledge/containerd.yaml: {spec!r}")
    return lo, hi


# --------------------------------------------------------------------------- knowledge


@lru_cache(maxsize=None)
def _eras() -> tuple[Era, ...]:
    eras = []
    for row in load("containerd")["eras"]:
        eras.append(
            Era(
                id=row["id"],
                description=row["description"],
                matching=row["matching"],
                ordering=row["ordering"],
                ltsc=tuple(sorted(row.get("ltsc") or ())),
                floor=row.get("floor"),
                empty_os_version_matches=bool(row.get("empty_os_version_matches", True)),
                ranges=tuple(_parse_range(r) for r in row["containerd"]),
                current=bool(row.get("current", False)),
                source=row["source"],
            )
        )
    if sum(e.current for e in eras) != 1:
        raise ValueError("knowledge/containerd.yaml must mark exactly one era current")
    return tuple(eras)


def eras() -> tuple[Era, ...]:
    """Every containerd behaviour in knowledge/containerd.yaml, oldest first."""
    return _eras()


@lru_cache(maxsize=256)
def era_for(containerd: str | None = None) -> Era:
    """The containerd behaviour for a version string; ``None``/unparsable = current behaviour.

    A runtime that is not containerd (``docker://24.0.7`` from cri-dockerd) is unparsable here
    and gets the current containerd behaviour: which matcher Moby uses is unconfirmed
    (shared/reference/windows-facts.md §1.4 point 7).
    """
    eras = _eras()
    v = parse_containerd_version(containerd)
    if v is not None:
        for era in eras:
            if any(lo <= v < hi for lo, hi in era.ranges):
                return era
    return next(e for e in eras if e.current)


@lru_cache(maxsize=None)
def _builds() -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for row in load("windows_builds")["builds"]:
        b = int(row["build"])
        # server rows win over client rows for the same build (26100)
        if b not in out or (out[b].get("kind") != "server" and row.get("kind") == "server"):
            out[b] = row
    return out


def known_builds(kind: str | None = None) -> list[int]:
    """Known Windows builds (ascending); ``kind`` = "server" or "client" to filter."""
    rows = load("windows_builds")["builds"]
    return sorted({int(r["build"]) for r in rows if kind is None or r.get("kind") == kind})


def build_name(build: int | None) -> str:
    """``20348`` -> ``"Windows Server 2022 (20348)"``; unknown builds -> ``"Windows build N"``."""
    if build is None:
        return "an unknown Windows build"
    row = _builds().get(int(build))
    if row is None:
        return f"Windows build {build}"
    return f"{row['name']} ({build})"


# --------------------------------------------------------------------------- matching


def _floor(era: Era, host_build: int) -> int:
    ltsc = era.ltsc or (20348,)
    if era.floor == "newest_ltsc_at_or_below":
        below = [x for x in ltsc if x <= host_build]
        return below[-1] if below else ltsc[0]
    if era.floor == "newest_ltsc_below":
        below = [x for x in ltsc if x < host_build]
        return below[-1] if below else ltsc[0]
    if era.floor == "previous_generation":
        for i in range(len(ltsc) - 1, -1, -1):
            if host_build >= ltsc[i]:
                return ltsc[i - 1] if i > 0 else ltsc[0]
        return ltsc[0]
    raise ValueError(f"unknown floor rule {era.floor!r} in knowledge/containerd.yaml")


def _compatible(era: Era, host: tuple[int, int, int], image: tuple[int, int, int]) -> bool:
    if host[0] != image[0] or host[1] != image[1]:
        return False
    hb, ib = host[2], image[2]
    if era.matching == "exact":
        return hb == ib
    first_ltsc = (era.ltsc or (20348,))[0]
    if hb < first_ltsc:
        return hb == ib
    return _floor(era, hb) <= ib <= hb


def _version_match(era: Era, host_build: int, image_os_version: str | None) -> bool:
    if not image_os_version:
        return era.empty_os_version_matches
    image = parse_os_version(image_os_version)
    if image is None:
        image = (0, 0, 0)  # containerd: unparsable -> zero version -> major/minor mismatch
    return _compatible(era, (10, 0, int(host_build)), image)


@lru_cache(maxsize=8192)  # a pure function of three small values, asked once per image and pool
def matches(host_build: int, image_os_version: str | None, containerd: str | None = None) -> bool:
    """Can a Windows host of ``host_build`` run an image whose ``os.version`` is given?

    Process isolation, per the containerd version (``"2.1.4"``, ``"containerd://1.7.20"``;
    ``None`` = current containerd behaviour). An empty ``os.version`` matches. Not meaningful for
    HostProcess containers, which are exempt from build matching.
    """
    return _version_match(era_for(containerd), host_build, image_os_version)


_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm"}


def norm_arch(a: str | None) -> str:
    """``x86_64`` -> ``amd64``, ``aarch64`` -> ``arm64`` (as containerd normalises)."""
    a = (a or "").lower()
    return _ARCH_ALIASES.get(a, a)


_norm_arch = norm_arch


def _platform_match(era: Era, host_build: int, p: Platform, architecture: str) -> bool:
    if (p.os or "").lower() != "windows":
        return False
    if _norm_arch(p.architecture) != _norm_arch(architecture):
        return False
    return _version_match(era, host_build, p.os_version)


def order(
    host_build: int,
    entries: Iterable[Platform],
    containerd: str | None = None,
    *,
    architecture: str = "amd64",
) -> list[Platform]:
    """The matching entries, in the order containerd would try them (best first)."""
    era = era_for(containerd)
    matching = [p for p in entries if _platform_match(era, host_build, p, architecture)]
    if era.ordering == "os_version_desc":
        # stable sort, string comparison on os.version as containerd does ("" sorts last)
        matching.sort(key=_StrDesc.of)
    return matching


class _StrDesc:
    __slots__ = ("s",)

    def __init__(self, s: str) -> None:
        self.s = s

    @classmethod
    def of(cls, p: Platform) -> "_StrDesc":
        return cls(p.os_version or "")

    def __lt__(self, other: "_StrDesc") -> bool:
        return self.s > other.s


def select(
    host_build: int,
    entries: list[Platform],
    containerd: str | None = None,
    *,
    architecture: str = "amd64",
) -> Platform | None:
    """Which index entry containerd would pick on a Windows ``host_build`` node, or ``None``.

    containerd <= 2.1.5 and all of 1.7.x: the first matching entry in index order.
    containerd >= 2.1.6 / 2.2.0: the matching entry with the greatest ``os.version`` string.
    (Thresholds live in knowledge/containerd.yaml.)
    """
    ordered = order(host_build, entries, containerd, architecture=architecture)
    return ordered[0] if ordered else None


def hosts_for_image(image_os_version: str | None, containerd: str | None = None, *, kind: str | None = None) -> list[int]:
    """Known Windows host builds (ascending) that can run the image in process isolation.

    ``kind="server"`` limits the answer to Windows Server builds (client builds such as
    Windows 11 are included by default).
    """
    era = era_for(containerd)
    return [b for b in known_builds(kind) if _version_match(era, b, image_os_version)]
