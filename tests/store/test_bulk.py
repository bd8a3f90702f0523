"""Bulk-loaded rows read back exactly as ORM-written ones, special characters included."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from console.store.db import session_scope
from console.store.models import Campaign, Staff, TicketEvent
from console.store.seed.bulk import BulkLoader

UTC = dt.UTC
AWKWARD = ["tab\there", "new\nline", "back\\slash", "\\N", "carriage\rreturn", "普通 text", ""]


def test_bulk_rows_round_trip(migrated_engine) -> None:
    at = dt.datetime(2026, 11, 22, 1, 2, 3, 4, tzinfo=UTC)
    with migrated_engine.connect() as conn:
        loader = BulkLoader(conn)
        loader.insert("staff", ("id", "username", "name", "role", "extension", "queues", "password_hash", "active"),
                      [(1, "agent1001", "王\t伟", "agent", None, "retail", "", True)])
        loader.insert("campaign", ("id", "name", "kind", "mode", "status", "queue", "window_start", "window_end",
                                   "max_attempts", "retry_busy_min", "retry_noanswer_min", "retry_failed_min",
                                   "caller_id", "product_risk", "script_slug", "created_at"),
                      [(1, "回访", "callback", "preview", "draft", "retail", dt.time(9), dt.time(20, 30), 3, 10, 60,
                        30, "", None, None, at)])
        conn.exec_driver_sql("INSERT INTO customer (id, client_no, name, name_pinyin, name_initials, id_number, "
                             "id_last4, gender, branch, tier, aum, risk_level, investor_type, margin, star, chinext, "
                             "status, do_not_call, churn_risk, created_at, updated_at, version) VALUES (1, "
                             "'310000000001', 'x', 'x', 'x', '', '', '', '', 'standard', 0, 'C1', 'ordinary', "
                             "false, false, false, 'active', false, 0, '2026-01-01 00:00:00', "
                             "'2026-01-01 00:00:00', 1)")
        conn.exec_driver_sql("INSERT INTO ticket (id, number, customer_id, category, priority, status, subject, "
                             "description, supervisor_attention, created_at, updated_at, version) VALUES (1, "
                             "'T20261122-000001', 1, 'other', 'normal', 'new', 's', '', false, "
                             "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)")
        loader.insert("ticket_event", ("id", "ticket_id", "at", "actor_id", "kind", "from_value", "to_value", "body"),
                      [(i + 1, 1, at, 1, "comment", None, text[:64], text) for i, text in enumerate(AWKWARD)])
        loader.reset_sequences(["staff", "campaign", "ticket_event"])
        conn.commit()
    with session_scope(migrated_engine) as session:
        events = session.exec(select(TicketEvent).order_by(TicketEvent.id)).all()
        assert [e.body for e in events] == AWKWARD
        assert all(e.at == at and e.from_value is None for e in events)
        assert session.get(Staff, 1).name == "王\t伟"
        campaign = session.get(Campaign, 1)
        assert (campaign.window_start, campaign.window_end, campaign.created_at) == (dt.time(9), dt.time(20, 30), at)
        session.add(TicketEvent(ticket_id=1, kind="comment", body="after the bulk load"))
        session.flush()
        assert max(e.id for e in events) < session.exec(select(TicketEvent.id).order_by(TicketEvent.id.desc())).first()


def test_sqlite_images_of_different_sizes_load_one_after_the_other(migrated_sqlite_engine) -> None:
    """Images are loaded into one attached schema inside a transaction; SQLite keeps the schema it
    read first, so a table that sits on other pages in a later image would be read wrongly."""
    from console.store.seed.bulk import sqlite_image

    columns = ("id", "ticket_id", "at", "actor_id", "kind", "from_value", "to_value", "body")
    at = "2026-11-22 01:02:03.000000"
    sizes = [3, 5000, 7]
    ids = iter(range(1, 10**6))
    images = [sqlite_image([("ticket_event", columns, [(next(ids), 1, at, None, "comment", None, None, "x")
                                                        for _ in range(size)])], version=n + 1)
              for n, size in enumerate(sizes)]
    with migrated_sqlite_engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        loader = BulkLoader(conn)
        for image, size in zip(images, sizes, strict=True):
            loader.write("ticket_event", columns, image, size)
        conn.commit()
        loader.close_image()
        assert conn.exec_driver_sql("SELECT COUNT(*), MIN(id), MAX(id) FROM ticket_event").one() == (5010, 1, 5010)


def _copy_fields(payload: bytes) -> list:
    """COPY text as values: times parsed (``+00`` and ``+00:00`` are the same zone), the rest as text."""
    fields: list = []
    for text in payload.decode().rstrip("\n").split("\t"):
        try:
            fields.append(dt.datetime.fromisoformat(text) if len(text) > 18 and text[10] == " " else text)
        except ValueError:
            fields.append(text)
    return fields


def test_ready_values_are_what_encode_writes() -> None:
    """Rows the generators make ready to load (bulk.Formats) hold the values bulk.encode would write."""
    import random
    from decimal import Decimal

    from console.store.seed.bulk import Formats, encode, encode_ready

    columns = ("id", "customer_id", "due_at", "owner_id", "reason", "kind", "status", "result", "created_by",
               "created_at", "completed_at")
    rng = random.Random(18)
    for dialect in ("sqlite", "postgresql"):
        fmt = Formats(dialect)
        for _ in range(200):
            day = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(7000))
            second = rng.randrange(86_400)
            moment = dt.datetime(day.year, day.month, day.day, tzinfo=UTC) + dt.timedelta(seconds=second)
            beijing = dt.timezone(dt.timedelta(hours=8))
            local = moment.astimezone(beijing) + dt.timedelta(microseconds=rng.randrange(10**6))
            domain = (1, 2, moment, None, "回访", "followup", "open", None, 7, local, moment)
            ready = (1, 2, day.isoformat() + fmt.clock[second], fmt.null, "回访", "followup", "open", fmt.null, 7,
                     fmt.datetime(local), fmt.datetime(moment))
            expected = encode(dialect, "follow_up", columns, [domain])
            if dialect == "sqlite":
                assert [list(row) for row in encode_ready(dialect, [ready])] == expected
            else:
                assert _copy_fields(encode_ready(dialect, [ready])) == _copy_fields(expected)
            cents = rng.choice([0, 5, 100, 12_345, rng.randrange(4 * 10**10)])
            encoded = encode(dialect, "aum_snapshot", ("aum",), [(Decimal(cents) / 100,)])
            if dialect == "sqlite":
                assert fmt.money(cents) == encoded[0][0]
            else:
                assert Decimal(fmt.money(cents)) == Decimal(encoded.decode()) == Decimal(cents) / 100
        assert fmt.bools == ((False, True) if dialect == "sqlite" else ("f", "t"))
