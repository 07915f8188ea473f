"""Reliability tests: the `slow` marker (heavy variants run only with WOLKENKAART_SLOW_TESTS=1)."""

from __future__ import annotations

import pytest

from reliability.files import SLOW


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: heavy reliability variants (set WOLKENKAART_SLOW_TESTS=1 to run)")


def pytest_collection_modifyitems(config, items):
    if SLOW:
        return
    skip = pytest.mark.skip(reason="heavy variant: set WOLKENKAART_SLOW_TESTS=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
