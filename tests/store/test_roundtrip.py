"""Rows go in and come back equal on both databases: aware UTC times, Decimal money, constraints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from console.store.db import session_scope
from console.store.models import (
    AuditEvent,
    Customer,
    CustomerPhone,
    FollowUp,
    Interaction,
    Staff,
    Ticket,
    TicketEvent,
)
from console.store.types import UTCDateTime

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
UTC = dt.UTC


def _customer(**overrides) -> Customer:
    values = {
        "client_no": "310012345678", "name": "单田芳", "name_pinyin": "shan tian fang", "name_initials": "stf",
        "id_number": "110101198001011234", "id_last4": "1234", "tier": "platinum",
        "aum": Decimal("2500000.10"), "risk_level": "C4", "risk_assessed_on": dt.date(2025, 3, 1),
    }
    values.update(overrides)
    return Customer(**values)


def test_customer_round_trip_keeps_decimal_dates_and_aware_utc(migrated_engine) -> None:
    created = dt.datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    with session_scope(migrated_engine) as session:
        staff = Staff(username="mgr1", name="王经理", role="manager", extension="2001")
        session.add(staff)
        session.flush()
        customer = _customer(manager_id=staff.id, created_at=created, updated_at=created)
        session.add(customer)
        session.flush()
        session.add(CustomerPhone(customer_id=customer.id, e164="+8613800138000", raw="138 0013 8000"))
        customer_id = customer.id

    with session_scope(migrated_engine) as session:
        back = session.get(Customer, customer_id)
        assert back.aum == Decimal("2500000.10")
        assert isinstance(back.aum, Decimal)
        assert back.risk_assessed_on == dt.date(2025, 3, 1)
        assert back.created_at.tzinfo is not None
        assert back.created_at.utcoffset() == dt.timedelta(0)
        assert back.created_at == created
        assert back.created_at.hour == 1  # 09:30 in Shanghai is 01:30 UTC
        phones = session.exec(select(CustomerPhone).where(CustomerPhone.e164 == "+8613800138000")).all()
        assert [p.customer_id for p in phones] == [customer_id]


def test_naive_datetime_is_refused(migrated_engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), session_scope(migrated_engine) as session:
        session.add(_customer(created_at=dt.datetime(2026, 1, 1, 12, 0)))  # noqa: DTZ001 - naive on purpose


def test_one_interaction_per_call_and_queue_pass(migrated_engine) -> None:
    started = dt.datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    with session_scope(migrated_engine) as session:
        session.add(Interaction(pbx="main", linkedid="1700000000.1", queue="retail", started_at=started))
        session.add(Interaction(pbx="main", linkedid="1700000000.1", queue="vip", started_at=started))
        session.add(Interaction(pbx="main", linkedid="1700000000.1", queue="", started_at=started))
    with pytest.raises(IntegrityError), session_scope(migrated_engine) as session:
        session.add(Interaction(pbx="main", linkedid="1700000000.1", queue="retail", started_at=started))
    with session_scope(migrated_engine) as session:
        rows = session.exec(select(Interaction).order_by(Interaction.queue)).all()
        assert [r.queue for r in rows] == ["", "retail", "vip"]
        assert all(r.started_at == started for r in rows)


def test_ticket_with_events_follow_up_and_audit(migrated_engine) -> None:
    due = dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    with session_scope(migrated_engine) as session:
        customer = _customer()
        session.add(customer)
        session.flush()
        ticket = Ticket(number="T20261122-000123", customer_id=customer.id, category="complaint",
                        priority="high", subject="转账未到账", sla_due_at=due)
        session.add(ticket)
        session.flush()
        session.add(TicketEvent(ticket_id=ticket.id, kind="created", to_value="new"))
        session.add(FollowUp(customer_id=customer.id, due_at=due, kind="callback", reason="回访"))
        session.add(AuditEvent(action="profile.view", customer_id=customer.id, linkedid="1.2",
                               detail='{"masked": true}'))
        ticket_id = ticket.id
    with session_scope(migrated_engine) as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket.sla_due_at == due and ticket.version == 1
        events = session.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)).all()
        assert [e.kind for e in events] == ["created"]
        assert session.exec(select(FollowUp)).one().owner_id is None  # the shared pool


def test_duplicate_client_number_is_refused(migrated_engine) -> None:
    with session_scope(migrated_engine) as session:
        session.add(_customer())
    with pytest.raises(IntegrityError), session_scope(migrated_engine) as session:
        session.add(_customer(name="张三"))


def test_foreign_keys_are_enforced(migrated_engine) -> None:
    """SQLite too: make_engine turns foreign keys on."""
    with pytest.raises(IntegrityError), session_scope(migrated_engine) as session:
        session.add(CustomerPhone(customer_id=424242, e164="+8613900000000"))


def test_every_time_column_is_utc_datetime() -> None:
    # The models spell sa_type=UTCDateTime on each datetime field (mypy sees no default behind a
    # **kwargs helper); a field that forgets it would store naive local times unnoticed.
    naive = [f"{table.name}.{column.name}" for table in SQLModel.metadata.sorted_tables for column in table.c
             if column.type.python_type is dt.datetime and not isinstance(column.type, UTCDateTime)]
    # Asterisk writes queue_log itself, UTC without a zone (docs/asterisk.md 4a); calldesk only reads it.
    assert naive == ["queue_log.time"]
