"""OCI distribution client, auth, cache and offline image layouts.

Public API (imported lazily so ``import winkube.registry`` does not load httpx)::

    resolve_many(refs, options) -> dict[str, ImagePlatforms | ImageError]   (async)
    resolve_many_sync(refs, options) -> dict[str, ImagePlatforms | ImageError]
    ResolveOptions, ImagePlatforms, ImageError, Credentials, parse_reference, Reference
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "resolve_many",
    "resolve_many_sync",
    "ResolveOptions",
    "ImagePlatforms",
    "ImageError",
    "ErrorKind",
    "Credentials",
    "parse_reference",
    "Reference",
    "ImageReferenceError",
]

_WHERE = {
    "resolve_many": "winkube.registry.resolve",
    "resolve_many_sync": "winkube.registry.resolve",
    "ResolveOptions": "winkube.registry.resolve",
    "ImagePlatforms": "winkube.registry.errors",
    "ImageError": "winkube.registry.errors",
    "ErrorKind": "winkube.registry.errors",
    "Credentials": "winkube.registry.auth",
    "parse_reference": "winkube.registry.reference",
    "Reference": "winkube.registry.reference",
    "ImageReferenceError": "winkube.registry.reference",
}


def __getattr__(name: str) -> Any:
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module 'winkube.registry' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(mod), name)
