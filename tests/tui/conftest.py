"""Fixtures of the console tests.

The end-to-end tests run the REAL server (``create_app`` on 127.0.0.1, the seeded database of
``tests/server/conftest.py``) with a recorded Asterisk capture replayed over real TCP as the
PBX (``telephony.replay_server`` + ``telephony.bridge``), and the console App against it.
Clocks are frozen by injection; the console's drafts go to ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from console.i18n import set_locale
from tests.server.conftest import (  # noqa: F401 - fixtures shared with the server tests
    FrozenClock,
    frozen_clock,
    seed,
    seeded,
    seeded_engine,
)
from tests.tui.floor import Floor


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only: the console sees the database through the server, whose own tests run every
    route on SQLite and PostgreSQL; running each console flow twice would double the slowest tests."""
    return sqlite_url


@pytest.fixture(autouse=True)
def zh_locale() -> None:
    """Every test starts in Chinese (tests/conftest.py puts the locale back afterwards)."""
    set_locale("zh_CN")


@pytest.fixture
async def floor(
    seeded_engine: Any, tmp_path: Path, frozen_clock: FrozenClock,  # noqa: F811 - the fixtures imported above
) -> AsyncIterator[Floor]:
    f = Floor(seeded_engine, tmp_path, frozen_clock)
    yield f
    await f.close()
