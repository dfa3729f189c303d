"""Knowledge as data: small YAML files shipped next to this module.

Every row of every data file carries a ``source:`` naming the public source it rests on.
``load(name)`` reads ``<name>.yaml`` once per process and returns the parsed data (treat it
as read-only; it is shared).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["load"]


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Return the parsed contents of ``knowledge/<name>.yaml`` (cached)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"invalid knowledge file name: {name!r}")
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)
