"""Migrations on both databases: from empty to head, one step down, up again; the schema gate."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import console.store.models  # noqa: F401
from console.errors import CalldeskError
from console.store.db import make_engine
from console.store.migrate import check_schema_current, current_revision, downgrade, head_revision, upgrade

TABLES = {
    "staff", "customer", "customer_phone", "interaction", "ticket", "ticket_event",
    "follow_up", "campaign", "lead", "do_not_call", "audit_event", "aum_snapshot", "login_lock", "qa_review",
    "api_session", "queue_log", "reconcile_mark",
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


_CUSTOMER = ("INSERT INTO customer (client_no, name, name_pinyin, name_initials, id_number, id_last4, gender, "
             "branch, tier, aum, risk_level, investor_type, margin, star, chinext, status, do_not_call, "
             "churn_risk, created_at, updated_at, version) VALUES ('310000000001', '单田芳', 'shan tian fang', "
             "'stf', '110101195001010011', '0011', 'M', '', 'gold', 0, 'C3', 'ordinary', false, false, false, "
             "'active', false, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
_CALL = ("INSERT INTO interaction (pbx, linkedid, direction, queue{pass_col}, customer_id, caller_number, started_at, "
         "wait_s, talk_s, outcome) VALUES ('main', '1795372966.0', 'inbound', 'retail'{pass_val}, :c, "
         "'13800138000', CURRENT_TIMESTAMP, 3, 5, :outcome)")
_FOLLOWUP = ("INSERT INTO follow_up (customer_id, interaction_id, due_at, reason, kind, status, created_at) "
             "VALUES (:c, :i, CURRENT_TIMESTAMP, '', 'callback', 'open', CURRENT_TIMESTAMP)")
_TICKET = ("INSERT INTO ticket (number, customer_id, interaction_id, category, priority, status, subject, "
           "description, supervisor_attention, created_at, updated_at, version) VALUES ('T20261122-000001', :c, "
           ":i, 'other', 'normal', 'new', '咨询', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")


def test_0005_keys_interactions_by_pass_and_its_downgrade_keeps_later_passes(db_url: str) -> None:
    """Up: an existing row is pass 1, a second pass of the same call and queue fits; down: the
    second pass keeps its row (and the follow-up on it) as ``<linkedid>#p2``; up again: pass 2."""
    engine = make_engine(db_url)

    def rows() -> list[tuple]:
        with engine.connect() as conn:
            calls = conn.execute(text("SELECT id, linkedid, outcome FROM interaction ORDER BY id")).all()
            linked = conn.execute(text("SELECT interaction_id FROM follow_up UNION ALL "
                                       "SELECT interaction_id FROM ticket ORDER BY 1")).scalars().all()
        return [tuple(r) for r in calls] + [tuple(linked)]

    try:
        upgrade(engine, "0004_campaign_agents")
        with engine.begin() as conn:
            conn.execute(text(_CUSTOMER))
            customer = conn.execute(text("SELECT id FROM customer")).scalar()
            conn.execute(text(_CALL.format(pass_col="", pass_val="")), {"c": customer, "outcome": "answered"})
            first = conn.execute(text("SELECT id FROM interaction")).scalar()
            conn.execute(text(_TICKET), {"c": customer, "i": first})
        assert upgrade(engine, "0005_interaction_pass_no") == "0005_interaction_pass_no"
        with engine.begin() as conn:
            assert conn.execute(text("SELECT pass_no FROM interaction")).scalar() == 1
            conn.execute(text(_CALL.format(pass_col=", pass_no", pass_val=", 2")),
                         {"c": customer, "outcome": "abandoned"})
            second = conn.execute(text("SELECT id FROM interaction WHERE pass_no = 2")).scalar()
            conn.execute(text(_FOLLOWUP), {"c": customer, "i": second})
        assert rows() == [(first, "1795372966.0", "answered"), (second, "1795372966.0", "abandoned"), (first, second)]

        assert downgrade(engine, "0004_campaign_agents") == "0004_campaign_agents"
        assert "pass_no" not in {c["name"] for c in inspect(engine).get_columns("interaction")}
        assert {tuple(uq["column_names"]) for uq in inspect(engine).get_unique_constraints("interaction")} == {
            ("pbx", "linkedid", "queue")}
        assert rows() == [(first, "1795372966.0", "answered"), (second, "1795372966.0#p2", "abandoned"),
                          (first, second)]

        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT linkedid, pass_no FROM interaction ORDER BY id")).all() == [
                ("1795372966.0", 1), ("1795372966.0", 2)]
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        check_schema_current(engine)
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
    assert ("pbx", "linkedid", "queue", "pass_no") in indexed["interaction"]


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
