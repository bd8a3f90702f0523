"""Fixtures of the live tests: the real Asterisk of ``../shared/asterisk``, sipp, calldesk on it.

* ``lab`` (session): Asterisk 22 started once, calldesk's ``docs/asterisk/*.conf`` laid over the
  lab's. Skipped, saying why, when ``../shared/asterisk`` or sipp is absent; under ``CI=true``
  that is a failure, as is an Asterisk that does not start, except on a CPU that cannot execute
  the prebuilt binary (it dies on SIGILL: built with AVX-512): skipped, saying so, everywhere.
* ``sipp``: starts phones, callers and customers (``tests/live/sipp.py``); stops them after.
* ``floor``: calldesk's server on the lab with a fresh SQLite store (``seed_live``), an AMI
  observer and consoles (``tests/live/floor.py``). After each test the PBX is reset to an idle
  floor (no channels, no dynamic members).

Every test here is marked ``live`` and ``slow``: ``pytest -m "not live"`` leaves them out.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live.floor import LiveFloor, seed_live
from tests.live.lab import SHARED_ASTERISK, CannotRunHere, Lab, free_port, slot, unavailable_reason
from tests.live.sipp import SippLab

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.live)
            item.add_marker(pytest.mark.slow)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _queue_log_url() -> str | None:
    """This session's database for Asterisk's queue_log (tests/live/test_live_reconcile.py), on the
    tests' PostgreSQL; None when it is not there (that test then skips, or fails under CI)."""
    from sqlalchemy.engine import make_url

    from tests.conftest import pg_base_url, pg_unavailable_reason

    if pg_unavailable_reason() is not None:
        return None
    return make_url(pg_base_url()).set(database=f"calldesk_live_queue_log_{slot()}").render_as_string(
        hide_password=False)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    reason = unavailable_reason()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"{reason} (CI=true: the live tests must run)", pytrace=False)
        pytest.skip(reason)
    lab = Lab(tmp_path_factory.mktemp("asterisk"), ami_port=free_port(), sip_port=free_port(), slot=slot(),
              queue_log_url=_queue_log_url())
    try:
        lab.start()
    except CannotRunHere as exc:
        # Not a broken set-up the CI must catch: this machine's CPU cannot execute the binary.
        lab.stop()
        pytest.skip(str(exc))
    except Exception as exc:  # said in the skip or the failure
        lab.stop()
        if _in_ci():
            pytest.fail(f"the real Asterisk at {SHARED_ASTERISK} did not start: {exc}", pytrace=False)
        pytest.skip(f"the real Asterisk did not start: {exc}")
    yield lab
    lab.stop()


@pytest.fixture
async def sipp(lab: Lab, tmp_path: Path) -> AsyncIterator[SippLab]:
    work = tmp_path / "sipp"
    work.mkdir()
    sipp = SippLab(SHARED_ASTERISK / "sipp", work, lab)
    yield sipp
    await sipp.stop_all()


@pytest.fixture
async def floor(lab: Lab, sipp: SippLab, migrated_sqlite_engine: Any, tmp_path: Path) -> AsyncIterator[LiveFloor]:
    if not lab.alive():  # a test that restarted or killed it
        lab.start()
    lab.reset()
    floor = LiveFloor(lab, migrated_sqlite_engine, seed_live(migrated_sqlite_engine), tmp_path)
    try:
        yield floor
    finally:
        await floor.stop()
        await sipp.stop_all()
        if lab.alive():
            lab.reset()
