"""Shared fixtures: real databases for the store, the server and the CLI tests.

* ``db_url``: parametrised over ``sqlite`` (a fresh file in tmp_path) and ``postgresql`` (a
  fresh schema in the database of ``CALLDESK_TEST_DATABASE_URL``, default
  ``postgresql://postgres@127.0.0.1:5432/test``, dropped afterwards). When PostgreSQL is
  unreachable its cases skip, saying why, except under ``CI=true``, where they fail.
* ``migrated_engine``: an engine on ``db_url`` with the schema at head.
* ``sqlite_url`` / ``migrated_sqlite_engine``: the SQLite case alone, for tests that only
  need some real database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    return os.environ.get("CALLDESK_TEST_DATABASE_URL") or DEFAULT_PG_URL


@cache
def pg_unavailable_reason() -> str | None:
    """None when PostgreSQL answers; otherwise why not (checked once per run)."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a pinned dependency
        return f"psycopg not importable: {exc}"
    try:
        with psycopg.connect(pg_base_url(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL at {pg_base_url().rsplit('@', 1)[-1]} unreachable: {first}"
    return None


def require_service(reason: str | None, service: str) -> None:
    """A service the test needs is down (``reason``): skip locally, fail under CI=true."""
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: {service} is required)", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    require_service(pg_unavailable_reason(), "PostgreSQL")


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'calldesk.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, empty schema (dropped afterwards)."""
    require_postgres()
    import psycopg

    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_base_url(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_search_path(pg_base_url(), schema)
    finally:
        with psycopg.connect(pg_base_url(), autocommit=True) as conn:
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A URL of an empty database: SQLite file, then PostgreSQL schema."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def migrated_engine(db_url: str) -> Iterator:
    """An Engine on ``db_url`` with the schema upgraded to head."""
    from console.store.db import make_engine
    from console.store.migrate import upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def migrated_sqlite_engine(sqlite_url: str) -> Iterator:
    from console.store.db import make_engine
    from console.store.migrate import upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def _keep_the_locale() -> Iterator[None]:
    """A test that switches the process's language (a CLI, an English app) switches it back."""
    from console.i18n import get_locale, set_locale

    before = get_locale()
    yield
    set_locale(before)


@pytest.fixture
def bus_ttl() -> float:
    """The lease ttl of the ``bus`` fixture's settings (a test module may override it)."""
    return 2.0


@pytest.fixture
def nats_up() -> None:
    """The local NATS with JetStream answers; else skip, saying why (fail under CI=true). A sync
    fixture: the check runs its own event loop."""
    from tests.bus.test_bench_bus import require_bus

    require_bus("nats-jetstream")


@pytest.fixture
async def bus(nats_up: None, bus_ttl: float):  # type: ignore[no-untyped-def]
    """[bus] settings on the local NATS with a fresh prefix; its stream and bucket dropped after."""
    import secrets

    from console.cli.bench_failover_run import drop_bus
    from console.config import BusSettings
    from tests.bus.test_bench_bus import NATS_URL

    settings = BusSettings(url=NATS_URL, prefix=f"t{secrets.token_hex(4)}", lease_ttl_s=bus_ttl)
    yield settings
    await drop_bus(NATS_URL, settings.prefix)
