"""Knowledge as data: small YAML files shipped next to this module.

Every row of every data file carries a ``source:`` naming the public source it rests on.
``load(name)`` reads ``<name>.yaml`` once per process and returns the parsed data (treat it
as read-only; it is shared). A file of the same name in the directory ``$WINKUBE_KNOWLEDGE_DIR``
wins over the shipped one: newer data (a new Kubernetes or Windows release) needs no new code.
"""

from __future__ import annotations

import os
from functools import lru_cache
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)
if TYPE_CHECKING:
    from typing import Any

from .cache import cached

__all__ = ["load", "read_yaml", "OVERRIDE_ENV"]

OVERRIDE_ENV = "WINKUBE_KNOWLEDGE_DIR"


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Return the parsed contents of ``knowledge/<name>.yaml`` (cached)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"invalid knowledge file name: {name!r}")
    override = os.environ.get(OVERRIDE_ENV)
    mine = os.path.join(override, f"{name}.yaml") if override else None
    if mine is not None and os.path.isfile(mine):
        return read_yaml(mine)
    return read_yaml(os.path.join(os.path.dirname(__file__), f"{name}.yaml"))


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # src/winkube, or site-packages/winkube


def read_yaml(path: str) -> Any:
    """A data file parsed by libyaml, or, for the files shipped in the package, its parse from an
    earlier run (knowledge/cache.py; other files, such as $WINKUBE_KNOWLEDGE_DIR overrides, are
    parsed each time, so the cache holds one entry per installed file and never grows with them).
    Shipped files are read by path, not through importlib.resources: winkube is always installed
    as files, and importlib.resources costs a pre-commit run ~20 ms of imports (tempfile, zipfile)."""
    if os.path.abspath(path).startswith(_PACKAGE + os.sep):
        return cached(path, _parse_yaml)
    with open(path, "rb") as fh:
        return _parse_yaml(fh.read())


def _parse_yaml(raw: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(raw.decode("utf-8"), Loader=loader)  # noqa: S506 - a safe loader
