"""Alembic, driven from code: no alembic.ini to find, the scripts ship inside the package.

``upgrade`` creates or upgrades the schema; ``check_schema_current`` is the gate every other
command passes. Revision ids are readable (``0001_initial``) and ordered by their number,
so a message like "rev 0001 < 0002" tells the operator how far behind the database is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from console.errors import CalldeskError
from console.store.db import describe, make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _as_engine(engine_or_url: Any) -> tuple[Engine, bool]:
    if isinstance(engine_or_url, Engine):
        return engine_or_url, False
    return make_engine(engine_or_url), True


def upgrade(engine_or_url: Any, revision: str = "head") -> str | None:
    """Bring the schema to ``revision`` (default: the newest); returns the revision reached."""
    engine, owned = _as_engine(engine_or_url)
    try:
        command.upgrade(alembic_config(engine), revision)
        return current_revision(engine)
    finally:
        if owned:
            engine.dispose()


def downgrade(engine_or_url: Any, revision: str = "-1") -> str | None:
    """Step the schema back (default: one revision); returns the revision reached."""
    engine, owned = _as_engine(engine_or_url)
    try:
        command.downgrade(alembic_config(engine), revision)
        return current_revision(engine)
    finally:
        if owned:
            engine.dispose()


def _number(revision: str) -> str:
    return revision.split("_", 1)[0]


def check_schema_current(engine: Engine) -> None:
    """Raise CalldeskError unless the database is at the newest revision this code knows."""
    head = head_revision()
    current = current_revision(engine)
    where = describe(engine)
    if current == head:
        return
    if current is None:
        raise CalldeskError(f"database {where} has no calldesk schema (rev none < {_number(head)}): "
                            "run `calldesk db upgrade`")
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise CalldeskError(
            f"database {where} has schema rev {current}, newer than this calldesk knows ({head}): upgrade calldesk"
        )
    raise CalldeskError(
        f"database schema is behind (rev {_number(current)} < {_number(head)}) in {where}: run `calldesk db upgrade`"
    )
