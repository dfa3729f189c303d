"""The Kubernetes releases winkube encodes, read from the knowledge files (never written in code):
the range is `releases: {min, max}` of knowledge/api_validation.yaml, the releases whose API
validation the admission replica has rows for. A new release is a data change."""
from __future__ import annotations

from ..knowledge import load
from .versions import parse_kube_version


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
    """'1.30–1.37', for help texts and messages."""
    return f"{text(oldest())}–{text(newest())}"


def supported(version: tuple[int, int]) -> bool:
    return oldest() <= tuple(version) <= newest()


def clamp(version: tuple[int, int]) -> tuple[int, int]:
    """The nearest release winkube encodes (a server newer or older than the range)."""
    return min(max(tuple(version), oldest()), newest())
