"""The demo's database: created, migrated and seeded on first run (SQLite under var/ by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.i18n import t

if TYPE_CHECKING:
    from console.config import Settings


DEMO_URL = "sqlite:///var/demo.db"


def demo_url(settings: Settings) -> str:
    """The configured database when it is SQLite (var/calldesk.db by default), else var/demo.db:
    the demo never migrates or seeds a server database (a center's PostgreSQL)."""
    from sqlalchemy.engine import make_url

    url = settings.database.url.get_secret_value()
    return url if make_url(url).get_backend_name() == "sqlite" else DEMO_URL


def prepare_database(settings: Settings, customers: int, url: str) -> str:
    """The URL of a database that is at the newest schema and has demo data."""
    from sqlalchemy import func, select

    from console.store.db import describe, open_engine
    from console.store.migrate import current_revision, head_revision, upgrade
    from console.store.models import Staff
    from console.store.seed import seed_database

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
