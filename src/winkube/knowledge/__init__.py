"""Knowledge as data: small YAML files shipped next to this module.

Every row of every data file carries a ``source:`` naming the public source it rests on.
``load(name)`` reads ``<name>.yaml`` once per process and returns the parsed data (treat it
as read-only; it is shared). A file of the same name in the directory ``$WINKUBE_KNOWLEDGE_DIR``
wins over the shipped one: newer data (a new Kubernetes or Windows release) needs no new code.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = ["load", "OVERRIDE_ENV"]

OVERRIDE_ENV = "WINKUBE_KNOWLEDGE_DIR"


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Return the parsed contents of ``knowledge/<name>.yaml`` (cached)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"invalid knowledge file name: {name!r}")
    override = os.environ.get(OVERRIDE_ENV)
    mine = Path(override, f"{name}.yaml") if override else None
    if mine is not None and mine.is_file():
        text = mine.read_text(encoding="utf-8")
    else:
        text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)
