"""Long attack tests (issue 10): every test in this directory is marked `attack`, which the default
run leaves out (pyproject: -m "not attack"); `make attack` runs them. Each attacks winkube at its
default bounds and states the bound it measured."""
from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.attack)
