"""Calls no server saw are recorded from Asterisk's queue_log (console/server/reconcile.py), once,
beside what the live recorder wrote; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, text

from console.server.reconcile import Reconciler
from console.server.recorder import write_interaction
from console.store.models import QueueLog
from tests.server.conftest import KNOWN_NUMBER, UNKNOWN_NUMBER, server_settings

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def at(seconds_ago: float) -> dt.datetime:
    return (NOW - dt.timedelta(seconds=seconds_ago)).replace(tzinfo=None)  # queue_log's naive UTC


def log_rows(engine, *rows: tuple) -> None:
    with engine.begin() as conn:
        conn.execute(insert(QueueLog), [
            {"time": at(ago), "callid": call, "queuename": queue, "agent": agent, "event": event,
             **{f"data{i}": (data[i - 1] if i <= len(data) else None) for i in range(1, 6)}}
            for ago, call, queue, agent, event, *data in rows])


def interactions(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT linkedid, queue, pass_no, agent_ext, outcome, hangup_by, wait_s, talk_s, customer_id IS NOT NULL "
            "FROM interaction WHERE pbx = 'main' AND linkedid LIKE '17967%' ORDER BY linkedid, pass_no")).all()


async def test_passes_no_server_saw_are_recorded_once(seeded_engine):
    settings = server_settings(pbx=[{"name": "main", "queue_log_table": "queue_log"}])
    clock = lambda: NOW  # noqa: E731
    log_rows(seeded_engine,
             # answered by 张伟 (agent1, 1001: by the staff name), the customer hung up
             (300, "1796700001.1", "retail", "NONE", "ENTERQUEUE", "", KNOWN_NUMBER, "1"),
             (295, "1796700001.1", "retail", "张伟", "CONNECT", "5", "1796700001.2", "3"),
             (235, "1796700001.1", "retail", "张伟", "COMPLETECALLER", "5", "60", "1"),
             # abandoned after 40 s by an unknown caller
             (200, "1796700002.1", "vip", "NONE", "ENTERQUEUE", "", UNKNOWN_NUMBER, "1"),
             (160, "1796700002.1", "vip", "NONE", "ABANDON", "1", "1", "40"),
             # ended 10 s ago: within the settle time, left for the live recorder (for now)
             (30, "1796700003.1", "retail", "NONE", "ENTERQUEUE", "", KNOWN_NUMBER, "1"),
             (10, "1796700003.1", "retail", "NONE", "ABANDON", "1", "1", "20"))
    # The live recorder saw the first call: its row stands, with what only it knew.
    with seeded_engine.begin() as conn:
        write_interaction(conn, {
            "pbx": "main", "linkedid": "1796700001.1", "queue": "retail", "pass_no": 1, "t": NOW.timestamp() - 235,
            "caller": KNOWN_NUMBER, "agent": "1001", "outcome": "answered", "hangup_by": "caller", "cause": "16",
            "wait_s": 5.0, "talk_s": 60.0, "customer_id": None, "account": None, "direction": "inbound",
            "callback": None, "callback_to_manager": False, "recording": "1796700001.1.wav", "callback_minutes": {}})
    reconciler = Reconciler(seeded_engine, settings, "main", "queue_log", clock)

    assert await reconciler.check() == 1
    assert interactions(seeded_engine) == [
        ("1796700001.1", "retail", 1, "1001", "answered", "caller", 5.0, 60.0, True),
        ("1796700002.1", "vip", 1, None, "abandoned", "caller", 40.0, 0.0, False),
    ]
    assert await reconciler.check() == 0  # the mark moved: nothing read twice

    later = Reconciler(seeded_engine, settings, "main", "queue_log", lambda: NOW + dt.timedelta(seconds=60))
    assert await later.check() == 1  # the third call, once it settled
    assert [r[0] for r in interactions(seeded_engine)] == ["1796700001.1", "1796700002.1", "1796700003.1"]


async def test_only_the_link_holder_reconciles_and_an_outage_waits(seeded_engine, caplog):
    settings = server_settings(pbx=[{"name": "main", "queue_log_table": "queue_log"}])
    log_rows(seeded_engine,
             (300, "1796700004.1", "retail", "NONE", "ENTERQUEUE", "", KNOWN_NUMBER, "1"),
             (290, "1796700004.1", "retail", "NONE", "EXITWITHKEY", "1", "1", "1", "10"))
    follower = Reconciler(seeded_engine, settings, "main", "queue_log", lambda: NOW, holding=lambda: False)
    assert await follower.check() == 0 and interactions(seeded_engine) == []
    missing = Reconciler(seeded_engine, settings, "main", "no_such_table", lambda: NOW)
    assert await missing.check() == 0  # an error of the database: said, and tried again next time
    assert "queue_log of main not reconciled" in caplog.text
    holder = Reconciler(seeded_engine, settings, "main", "queue_log", lambda: NOW)
    assert await holder.check() == 1
    ((_, _, _, _, outcome, by, wait, _, known),) = interactions(seeded_engine)
    assert (outcome, by, wait, known) == ("callback_requested", "caller", 10.0, True)
    with seeded_engine.connect() as conn:  # a callback request makes its follow-up, as a live one does
        assert conn.execute(text("SELECT count(*) FROM follow_up f JOIN interaction i ON i.id = f.interaction_id "
                                 "WHERE i.linkedid = '1796700004.1'")).scalar() == 1
