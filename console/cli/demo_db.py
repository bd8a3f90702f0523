"""The demo's database: created, migrated and seeded on first run (SQLite under var/ by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.i18n import t

if TYPE_CHECKING:
    from console.config import Settings


def prepare_database(settings: Settings, customers: int) -> str:
    """The URL of a database that is at the newest schema and has demo data."""
    from sqlalchemy import func, select

    from console.store.db import describe, open_engine
    from console.store.migrate import current_revision, head_revision, upgrade
    from console.store.models import Staff
    from console.store.seed import seed_database

    url = settings.database.url.get_secret_value()
    engine = open_engine(url, check=False)
    try:
        fresh = current_revision(engine) is None
        if fresh:
            print(t("demo.db.creating", where=describe(engine)), flush=True)
        if current_revision(engine) != head_revision():
            upgrade(engine, "head")
        with engine.connect() as conn:
            staff = conn.execute(select(func.count()).select_from(Staff)).scalar_one()
        if staff == 0:
            seed_database(engine, settings, customers=customers)
        print(t("demo.db.ready", where=describe(engine)), flush=True)
        return engine.url.render_as_string(hide_password=False)
    finally:
        engine.dispose()
