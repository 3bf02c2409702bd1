# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures over the fakes of fakes.py."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import pytest

from ansible_collections.zequenze.control.plugins.module_utils.unreadable_fields import pending_warnings

from ansible_collections.zequenze.control.tests.unit.plugins.fakes import FakeApi, FakeClock


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """The identity cache and create locks of every test in a folder of its own, never ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("ZEQUENZE_CACHE_DIR", "ZEQUENZE_IDENTITY_CACHE", "ZEQUENZE_SETTLE_TIME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def no_record_warnings_left_over():
    """Record warnings wait in a module-level queue (a module process runs one task): start each test empty."""
    pending_warnings()
    yield
    pending_warnings()


@pytest.fixture
def fake_api():
    return FakeApi()


@pytest.fixture
def clock():
    return FakeClock()
