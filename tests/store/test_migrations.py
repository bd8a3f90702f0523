"""Migrations on both databases: from empty to head, one step down, up again; the schema gate."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import console.store.models  # noqa: F401
from console.errors import CalldeskError
from console.store.db import make_engine
from console.store.migrate import check_schema_current, current_revision, downgrade, head_revision, upgrade

TABLES = {
    "staff", "customer", "customer_phone", "interaction", "ticket", "ticket_event",
    "follow_up", "campaign", "lead", "do_not_call", "audit_event",
}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_down_one_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) == head_revision()
        assert _tables(engine) == TABLES
        check_schema_current(engine)

        previous = downgrade(engine, "-1")
        assert previous is not None and previous != head_revision()
        expected = rf"behind \(rev {previous[:4]} < {head_revision()[:4]}\).*run `calldesk db upgrade`"
        with pytest.raises(CalldeskError, match=expected):
            check_schema_current(engine)

        assert upgrade(engine) == head_revision()
        assert _tables(engine) == TABLES
        check_schema_current(engine)
    finally:
        engine.dispose()


def test_0003_drops_the_name_indexes_and_its_downgrade_restores_them(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        def customer_indexes() -> set[str]:
            return {ix["name"] for ix in inspect(engine).get_indexes("customer")}

        upgrade(engine, "0002_lead_priority")
        assert {"ix_customer_name", "ix_customer_name_initials", "ix_customer_name_pinyin"} <= customer_indexes()
        upgrade(engine, "0003_drop_name_indexes")
        assert "ix_customer_name" not in customer_indexes() and "ix_customer_name_pinyin" in customer_indexes()
        downgrade(engine, "0002_lead_priority")
        assert {"ix_customer_name", "ix_customer_name_initials"} <= customer_indexes()
    finally:
        engine.dispose()


def test_migrations_match_the_models(migrated_engine) -> None:
    """Autogenerate finds nothing to do: the migrations build exactly the tables the models declare."""
    with migrated_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_lookup_indexes_exist(migrated_engine) -> None:
    inspector = inspect(migrated_engine)
    indexed = {
        table: {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}
        | {tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table)}
        for table in ("customer", "customer_phone", "interaction")
    }
    assert ("e164",) in indexed["customer_phone"]
    assert ("client_no",) in indexed["customer"]
    assert ("name_pinyin",) in indexed["customer"]
    assert ("id_last4",) in indexed["customer"]
    assert ("pbx", "linkedid", "queue") in indexed["interaction"]


def test_gate_names_the_fix_on_an_empty_database(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with pytest.raises(CalldeskError) as excinfo:
            check_schema_current(engine)
    finally:
        engine.dispose()
    assert "no calldesk schema" in str(excinfo.value)
    assert "calldesk db upgrade" in str(excinfo.value)


def test_gate_refuses_a_schema_from_newer_code(migrated_sqlite_engine) -> None:
    with migrated_sqlite_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(CalldeskError, match="newer than this calldesk knows"):
        check_schema_current(migrated_sqlite_engine)
