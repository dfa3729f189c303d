"""Windows host build x image build compatibility, per containerd version.

A restatement of how containerd on a Windows node matches and orders the entries of an image
index: containerd's own ``platforms`` package up to 1.7.18, the containerd/platforms module after
that (``platform_windows_compat.go``, ``defaults_windows.go``, ``compare.go``, ``database.go``).
Which release behaves how is data in ``knowledge/containerd.yaml`` (one era per behaviour, with
the upstream commit or PR for each boundary); the Windows builds are data in
``knowledge/windows_builds.yaml``. ``tests/compat/test_oracle_differential.py`` runs the same
cases through containerd's own code (containerd 1.6 and 1.7, every containerd/platforms release
from v0.2.1) and through this.

Scope and caveats:

* Only **process isolation** is modelled. Hyper-V isolation would allow older images on a
  newer host, but Kubernetes supports process isolation only.
* **HostProcess** containers are exempt from build matching (the base image does not have to
  match the host). Nothing here knows whether a pod is HostProcess: callers decide, and should
  not call :func:`matches` for HostProcess containers.
* The host is ``windows/<arch>`` with ``os.version`` ``10.0.<build>`` and no variant or
  os.features, as containerd's ``DefaultSpec()`` on Windows (amd64) reports it.
"""

from __future__ import annotations

from functools import lru_cache
from collections.abc import Iterable
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)
if TYPE_CHECKING:
    from typing import Any

from winkube.gostrconv import atoi as _go_atoi, parseuint as _go_parseuint
from winkube.k8s.versions import (
    containerd_version_key,
    format_containerd_version,
    parse_build,
    parse_containerd_version,
    parse_os_version,
)
from winkube.knowledge import load
from winkube.record import FrozenRecord

__all__ = [
    "Platform",
    "Era",
    "parse_build",
    "parse_os_version",
    "matches",
    "select",
    "fetched",
    "order",
    "hosts_for_image",
    "build_name",
    "known_builds",
    "era_for",
    "eras",
    "parse_containerd_version",
    "containerd_version_key",
    "format_containerd_version",
    "era_by_id",
    "rank_entries",
    "transfer_pull",
]


class Platform(FrozenRecord):
    """One entry of an image index (or the platform of a single-manifest image)."""

    __slots__ = ("os", "architecture", "variant", "os_version", "os_features", "digest", "user")

    def __init__(self, os: str, architecture: str, variant: str | None = None, os_version: str | None = None,
                 os_features: tuple[str, ...] = (), digest: str | None = None, user: str | None = None):
        # user: the image config's User ("" = none), when the config was read
        for slot, value in zip(self.__slots__, (os, architecture, variant, os_version, os_features, digest, user)):
            object.__setattr__(self, slot, value)

    @classmethod
    def from_oci(cls, platform: dict[str, Any], digest: str | None = None) -> "Platform":
        """Build from an OCI ``platform`` object (``os``, ``architecture``, ``os.version``...)."""
        feats = platform.get("os.features") or ()
        # a registry may send any JSON type; containerd could not decode those, so as text they
        # match nothing
        variant, os_version = platform.get("variant"), platform.get("os.version")
        return cls(
            os=str(platform.get("os") or ""),
            architecture=str(platform.get("architecture") or ""),
            variant=str(variant) if variant not in (None, "") else None,
            os_version=str(os_version) if os_version not in (None, "") else None,
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


class Era(FrozenRecord):
    """One containerd behaviour, as described by a row of ``knowledge/containerd.yaml``."""

    __slots__ = ("id", "description", "matching", "ordering", "ltsc", "floor", "empty_os_version_matches", "ranges", "current",
                 "source", "parse", "os_check", "arch_386", "features", "platforms")

    def __init__(self, id: str, description: str,
                 matching: str,  # "prefix" | "stable_abi"
                 ordering: str,  # "revision_desc" | "first_match" | "os_version_desc"
                 ltsc: tuple[int, ...], floor: str | None, empty_os_version_matches: bool,
                 ranges: tuple[tuple[tuple, tuple], ...],  # (lo, hi) version keys, see _version_key
                 current: bool, source: str,
                 parse: str = "strict",  # "atoi" | "parseuint" | "strict" (stable_abi only)
                 os_check: str = "normalized",  # "normalized" | "raw" | "with_linux"
                 arch_386: bool = False,  # Only(host): windows/386 entries match on amd64, ranked last
                 features: str = "ignored",  # "ignored" | "none" | "strip_win32k"
                 platforms: str = ""):  # the containerd/platforms release this era is (or "containerd")
        for slot, value in zip(self.__slots__, (id, description, matching, ordering, ltsc, floor, empty_os_version_matches, ranges,
                                                current, source, parse, os_check, arch_386, features, platforms)):
            object.__setattr__(self, slot, value)


# --------------------------------------------------------------------------- parsing

# Version and build parsing is Kubernetes/containerd semantics: k8s.versions (re-exported here).


def _parse_range(spec: str) -> tuple[tuple, tuple]:
    lo = hi = None
    for part in spec.split(","):
        part = part.strip()
        if part.startswith(">="):
            lo = containerd_version_key(part[2:])
        elif part.startswith("<"):
            hi = containerd_version_key(part[1:])
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
                parse=row.get("parse", "strict"),
                os_check=row.get("os_check", "normalized"),
                arch_386=bool(row.get("arch_386", False)),
                features=row.get("features", "ignored"),
                platforms=str(row.get("platforms", "")),
            )
        )
    if sum(e.current for e in eras) != 1:
        raise ValueError("knowledge/containerd.yaml must mark exactly one era current")
    return tuple(eras)


def eras() -> tuple[Era, ...]:
    """Every containerd behaviour in knowledge/containerd.yaml, oldest first."""
    return _eras()


def era_by_id(era_id: str) -> Era:
    """The era row named ``era_id`` (KeyError when there is none)."""
    for era in _eras():
        if era.id == era_id:
            return era
    raise KeyError(era_id)


@lru_cache(maxsize=256)
def era_for(containerd: str | None = None) -> Era:
    """The containerd behaviour for a version string; ``None``/unparsable = current behaviour.

    A runtime that is not containerd (``docker://24.0.7`` from cri-dockerd) is unparsable here
    and gets the current containerd behaviour: which matcher Moby uses is unconfirmed
    (shared/reference/windows-facts.md §1.4 point 7).
    """
    eras = _eras()
    v = containerd_version_key(containerd)
    if v is not None:
        for era in eras:
            if any(lo <= v < hi for lo, hi in era.ranges):
                return era
    return next(e for e in eras if e.current)


@lru_cache(maxsize=256)
def transfer_pull(containerd: str | None = None) -> bool:
    """Does this containerd's CRI plugin pull through the transfer service by default (2.1.0-rc.0+)?"""
    v = containerd_version_key(containerd)
    if v is None:
        return True  # the current containerd
    return v >= containerd_version_key(str(load("containerd")["transfer_pull"]["from"]))


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


# --------------------------------------------------------------------------- reading os.version as Go does


def _windows_os_version(era: Era, s: str) -> tuple[int, int, int]:
    """The (major, minor, build) containerd reads from an os.version string, per era.parse."""
    parts = s.split(".")
    if len(parts) < 3:
        return 0, 0, 0
    if era.parse == "atoi":  # strconv.Atoi, errors ignored, then uint8/uint8/uint16 conversion
        return _go_atoi(parts[0])[0] & 0xFF, _go_atoi(parts[1])[0] & 0xFF, _go_atoi(parts[2])[0] & 0xFFFF
    fields = [_go_parseuint(parts[0], 8), _go_parseuint(parts[1], 8), _go_parseuint(parts[2], 16)]
    if era.parse == "strict" and not all(ok for _, ok in fields):
        return 0, 0, 0
    return fields[0][0], fields[1][0], fields[2][0]


def _revision(os_version: str) -> int:
    """containerd 1.6's revision(): the 4th field by strconv.Atoi, 0 when absent or bad."""
    parts = os_version.split(".")
    if len(parts) < 4:
        return 0
    r, ok = _go_atoi(parts[3])
    return r if ok else 0


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
    if hb < 20348:  # every release: below Windows Server 2022 the build must be equal
        return hb == ib
    return _floor(era, hb) <= ib <= hb


def _version_match(era: Era, host_build: int, image_os_version: str | None) -> bool:
    image = image_os_version or ""
    if era.matching == "prefix":  # strings.HasPrefix(p.OSVersion, "10.0.<build>")
        return image.startswith(f"10.0.{int(host_build)}") or (era.empty_os_version_matches and not image)
    if not image:
        return era.empty_os_version_matches
    return _compatible(era, (10, 0, int(host_build)), _windows_os_version(era, image))


@lru_cache(maxsize=8192)  # a pure function of three small values, asked once per image and pool
def matches(host_build: int, image_os_version: str | None, containerd: str | None = None) -> bool:
    """Can a Windows host of ``host_build`` run an image whose ``os.version`` is given?

    Process isolation, per the containerd version (``"2.1.4"``, ``"containerd://1.7.20"``;
    ``None`` = current containerd behaviour). Whether an empty ``os.version`` matches depends on
    the release (not before 1.6.18 / 1.7.0-beta.4). Not meaningful for HostProcess containers,
    which are exempt from build matching.
    """
    return _version_match(era_for(containerd), host_build, image_os_version)


_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm",
                 "i386": "386"}


def norm_arch(a: str | None) -> str:
    """``x86_64`` -> ``amd64``, ``aarch64`` -> ``arm64`` (as containerd normalises)."""
    a = (a or "").lower()
    return _ARCH_ALIASES.get(a, a)


_norm_arch = norm_arch


def _norm_arch_variant(arch: str | None, variant: str | None) -> tuple[str, str]:
    """containerd/platforms database.go normalizeArch, for the architectures a host can have."""
    a, v = (arch or "").lower(), (variant or "").lower()
    if a == "i386":
        return "386", ""
    if a in ("x86_64", "x86-64", "amd64"):
        return "amd64", "" if v == "v1" else v
    if a in ("aarch64", "arm64"):
        return "arm64", "" if v in ("8", "v8", "v8.0") else v
    return a, v


def _features_ok(era: Era, features: tuple[str, ...]) -> bool:
    if era.features == "ignored" or not features:
        return True
    if era.features == "strip_win32k" and "win32k" in features:
        rest = list(features)
        rest.remove("win32k")  # slices.Index + slices.Delete: one occurrence only
        return not rest
    return False  # the host has no os.features, so no entry's features are a subset of them


def _rank(era: Era, host_build: int, p: Platform, architecture: str) -> int | None:
    """0 = a match for the host's architecture, 1 = a windows/386 match (ranked last), None = no match."""
    raw_os = p.os or ""
    os_ = raw_os.lower() or "windows"  # normalizeOS: "" -> runtime.GOOS, windows on the node
    if era.os_check == "raw" and raw_os != "windows":
        return None
    if os_ != "windows" and not (era.os_check == "with_linux" and os_ == "linux"):
        return None
    arch, variant = _norm_arch_variant(p.architecture, p.variant)
    host_arch = _norm_arch_variant(architecture, None)[0]
    if variant:  # containerd's host platform has no variant on amd64
        return None
    if arch == host_arch:
        rank = 0
    elif era.arch_386 and host_arch == "amd64" and arch == "386" and os_ == "windows":
        rank = 1
    else:
        return None
    if not _features_ok(era, p.os_features):
        return None
    return rank if _version_match(era, host_build, p.os_version) else None


def _platform_match(era: Era, host_build: int, p: Platform, architecture: str) -> bool:
    return _rank(era, host_build, p, architecture) is not None


def rank_entries(era: Era, host_build: int, entries: list[Platform], architecture: str = "amd64") -> list[tuple[int, int]]:
    """``(index, rank)`` of the matching entries in the order ``era``'s default comparer sorts them.

    rank 0 matches the host's architecture, rank 1 is a windows/386 entry on an amd64 host (only
    where Default() is Only()). The sort is stable, as containerd's (sort.SliceStable).
    """
    ranked = [(i, r) for i, p in enumerate(entries) if (r := _rank(era, host_build, p, architecture)) is not None]
    if era.ordering == "revision_desc":
        ranked.sort(key=lambda ir: -_revision(entries[ir[0]].os_version or ""))
    elif era.ordering == "first_match":
        ranked.sort(key=lambda ir: ir[1])
    elif era.ordering == "os_version_desc":  # Go compares strings bytewise = code point order
        ranked.sort(key=lambda ir: entries[ir[0]].os_version or "", reverse=True)  # stays stable
    else:
        raise ValueError(f"unknown ordering {era.ordering!r} in knowledge/containerd.yaml")
    return ranked


def _ordered(era: Era, host_build: int, entries: Iterable[Platform], architecture: str) -> list[tuple[int, Platform]]:
    entries = list(entries)
    return [(r, entries[i]) for i, r in rank_entries(era, host_build, entries, architecture)]


def order(
    host_build: int,
    entries: Iterable[Platform],
    containerd: str | None = None,
    *,
    architecture: str = "amd64",
) -> list[Platform]:
    """The matching entries, in the order containerd's default comparer puts them (best first)."""
    return [p for _, p in _ordered(era_for(containerd), host_build, entries, architecture)]


def select(
    host_build: int,
    entries: list[Platform],
    containerd: str | None = None,
    *,
    architecture: str = "amd64",
    transfer: bool | None = None,
) -> Platform | None:
    """Which index entry containerd would run on a Windows ``host_build`` node, or ``None``.

    The first entry of :func:`order`. containerd 1.6 puts the highest revision first, 1.7.x and
    2.x up to 2.1.5 the first match in index order, 2.1.6+ / 2.2.0+ the greatest ``os.version``
    string. Through the transfer service (the CRI default from 2.1.0-rc.0; ``transfer`` overrides)
    a windows/386 entry is never fetched, so a pick of one fails (``None``). Thresholds live in
    knowledge/containerd.yaml.
    """
    ranked = _ordered(era_for(containerd), host_build, entries, architecture)
    if not ranked:
        return None
    rank, pick = ranked[0]
    if rank and (transfer_pull(containerd) if transfer is None else transfer):
        return None
    return pick


def fetched(
    host_build: int,
    entries: list[Platform],
    containerd: str | None = None,
    *,
    architecture: str = "amd64",
    transfer: bool | None = None,
) -> list[Platform]:
    """The index entries containerd downloads (and unpacks) when it pulls the image.

    A local pull (containerd before 2.1.0-rc.0, or a config that falls back to it) limits the
    index to the one entry it picks (images.LimitManifests(..., 1) in client/pull.go). The transfer
    service (the CRI default from 2.1.0-rc.0) sets no manifest limit: it downloads and unpacks every
    entry platforms.Ordered(DefaultSpec()) matches, in index order (core/transfer/image/imagestore.go
    ImageFilter; internal/cri/server/images/image_pull.go passes no WithManifestLimit).
    """
    if not (transfer_pull(containerd) if transfer is None else transfer):
        pick = select(host_build, entries, containerd, architecture=architecture, transfer=False)
        return [pick] if pick is not None else []
    era = era_for(containerd)
    return [p for p in entries if _rank(era, host_build, p, architecture) == 0]


def hosts_for_image(image_os_version: str | None, containerd: str | None = None, *, kind: str | None = None) -> list[int]:
    """Known Windows host builds (ascending) that can run the image in process isolation.

    ``kind="server"`` limits the answer to Windows Server builds (client builds such as
    Windows 11 are included by default).
    """
    era = era_for(containerd)
    return [b for b in known_builds(kind) if _version_match(era, b, image_os_version)]
