"""Engines and sessions for SQLite and PostgreSQL, and the schema-version gate.

Every command except ``calldesk db upgrade`` opens the store through :func:`open_engine`,
which refuses a schema that is behind: running new code on an old schema fails in the
middle of a call, so it must fail at start-up with the command that fixes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from console.errors import CalldeskError

SQLITE_BUSY_TIMEOUT_MS = 5000
SUPPORTED = ("sqlite", "postgresql")


def normalize_url(url: str) -> str:
    """Pick our drivers: psycopg 3 for PostgreSQL (SQLAlchemy's default would be psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: Any, **kwargs: Any) -> Engine:
    """An engine for ``url`` (str or SecretStr). SQLite gets WAL, foreign keys and a busy timeout.
    A statement's error never shows its parameters (customers' numbers and id numbers would reach
    logs and error pages through it)."""
    kwargs.setdefault("hide_parameters", True)
    if hasattr(url, "get_secret_value"):
        url = url.get_secret_value()
    url = normalize_url(str(url))
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CalldeskError(f"database url is not a valid SQLAlchemy URL: {_redact(url)}") from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise CalldeskError(f"database url {_redact(url)}: unsupported database {parsed.get_backend_name()!r} "
                            f"(calldesk runs on {' and '.join(SUPPORTED)})")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    try:
        return create_engine(url, **kwargs)
    except (ImportError, NoSuchModuleError) as exc:
        raise CalldeskError(f"database url {_redact(url)}: driver not available ({exc}); "
                            "use postgresql:// (psycopg 3)") from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # WAL + NORMAL is durable across application crashes; only an OS crash may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def describe(engine: Engine) -> str:
    """The URL for messages, password hidden."""
    return engine.url.render_as_string(hide_password=True)


@contextmanager
def session_scope(engine: Engine, **kwargs: Any) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    kwargs.setdefault("expire_on_commit", False)
    session = Session(engine, **kwargs)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def open_engine(url: Any, *, check: bool = True) -> Engine:
    """The engine the application runs on: reachable, and (``check``) with a current schema."""
    from console.store.migrate import check_schema_current

    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise CalldeskError(f"cannot open the database {describe(engine)}: {reason}") from None
    if check:
        check_schema_current(engine)
    return engine


def engine_from_settings(settings: Any, *, check: bool = True) -> Engine:
    return open_engine(settings.database.url, check=check)


# The schema helpers live in console.store.migrate (they need Alembic); they are re-exported
# here so that callers find everything about opening the store in one module.
def check_schema_current(engine: Engine) -> None:
    """Raise CalldeskError ("… run `calldesk db upgrade`") unless the schema is at head."""
    from console.store.migrate import check_schema_current as check

    check(engine)


def upgrade(engine_or_url: Any, revision: str = "head") -> str | None:
    """Create or upgrade the schema; returns the revision reached."""
    from console.store.migrate import upgrade as run_upgrade

    return run_upgrade(engine_or_url, revision)
