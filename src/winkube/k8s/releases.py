"""The Kubernetes releases winkube encodes, read from the knowledge files (never written in code):
the range is `releases: {min, max}` of knowledge/api_validation.yaml, the releases whose API
validation the admission replica has rows for (each with its source in `sources`). A new release
is a data change.

This is also the one range check every front door uses: `require` for a release a user asks for
(--kube-version, a profile's or a config file's kubernetesVersion), `for_server` for the release
a live server reports (audit, the webhook), which names what it does with one outside the range."""
from __future__ import annotations

from ..errors import ConfigError
from ..knowledge import load
from .versions import parse_kube_version


class ReleaseError(ConfigError):
    """A Kubernetes release winkube cannot judge: not a version, or outside the encoded range."""


def _bound(which: str) -> tuple[int, int]:
    value = load("api_validation")["releases"][which]
    version = parse_kube_version(value)
    if version is None:
        raise ValueError(f"knowledge/api_validation.yaml: releases.{which} is not a Kubernetes release: {value!r}")
    return version


def oldest() -> tuple[int, int]:
    return _bound("min")


def newest() -> tuple[int, int]:
    """The newest release winkube encodes: the default --kube-version and profile version."""
    return _bound("max")


def text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def range_text() -> str:
    """'1.25–1.37', for help texts and messages."""
    return f"{text(oldest())}–{text(newest())}"


def supported(version: tuple[int, int]) -> bool:
    return oldest() <= tuple(version) <= newest()


def outside_text(version: tuple[int, int]) -> str:
    return (f"Kubernetes {text(version)} is not one winkube knows: its rules cover "
            f"{text(oldest())} to {text(newest())}")


def require(value) -> tuple[int, int]:
    """'1.25' / 'v1.25.3' → (1, 25) for a release a user asked for; ReleaseError (one line, exit 2
    at every front door) when it is no Kubernetes version or lies outside the range."""
    version = parse_kube_version(value)
    if version is None:
        raise ReleaseError(f"not a Kubernetes version: {value!r} (expected e.g. {text(newest())})")
    if not supported(version):
        raise ReleaseError(outside_text(version))
    return version


def for_server(version: tuple[int, int]) -> tuple[tuple[int, int], str | None]:
    """The release whose rules judge a server that reports `version`, and — when the server lies
    outside the range — the sentence that says so (to be shown, never swallowed): the nearest
    release winkube encodes applies."""
    used = min(max(tuple(version), oldest()), newest())
    if used == tuple(version):
        return used, None
    return used, (f"the server runs Kubernetes {text(version)}, outside the releases winkube's rules cover "
                  f"({range_text()}): the rules of {text(used)} apply")


def _row(file: str, section: str, version: tuple[int, int]) -> dict | None:
    for row in load(file)[section]:
        if parse_kube_version(row["kube"]) == tuple(version):
            return row
    return None


def windows_builds_listed(version: tuple[int, int]) -> list[int]:
    """The Windows builds the release's docs list as supported (knowledge/k8s_releases.yaml)."""
    row = _row("k8s_releases", "windows_support", version)
    return [int(b) for b in row["listed"]] if row else []


def containerd_recommended(version: tuple[int, int]) -> list[str]:
    """containerd's recommended minimums for the release, newest branch first (k8s_releases.yaml)."""
    row = _row("k8s_releases", "containerd", version)
    return [str(v) for v in row["recommended"]] if row else []


def tag(version: tuple[int, int]) -> str | None:
    """The kubernetes/kubernetes tag the release's rules were read at ('v1.25.16'; api_validation.yaml sources)."""
    row = load("api_validation").get("sources", {}).get(text(version))
    return row["tag"] if row else None
