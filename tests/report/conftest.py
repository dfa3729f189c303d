"""Fixtures for the reporter tests; the data is in reportdata.py."""
from __future__ import annotations

import pytest
from reportdata import make_hostile_result, make_result, make_rules

from winkube.model.finding import Result
from winkube.rules.base import Rule


@pytest.fixture
def rules() -> dict[str, Rule]:
    return make_rules()


@pytest.fixture
def result() -> Result:
    return make_result()


@pytest.fixture
def hostile_result() -> Result:
    return make_hostile_result()
