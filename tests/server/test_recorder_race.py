"""Two servers following one PBX both record each call's end (console.server.pbx_relay); the
store keeps one row, and a wrap-up parked on either server lands on it."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from console.crm.wrapup import PENDING
from console.server.recorder import write_interaction

CALL = "1796700000.42"


@pytest.fixture(autouse=True)
def no_parked_wrapups():
    PENDING.__init__()  # the process-wide parking lot, empty for each test
    yield
    PENDING.__init__()


def record(**over: Any) -> dict[str, Any]:
    rec = {"pbx": "main", "linkedid": CALL, "queue": "retail", "pass_no": 1, "t": 1796700100.0,
           "caller": "13800138000", "agent": "1001", "outcome": "answered", "hangup_by": "agent", "cause": "16",
           "wait_s": 5.0, "talk_s": 60.0, "customer_id": None, "account": None, "direction": "inbound",
           "callback": None, "callback_to_manager": False, "recording": None, "callback_minutes": {}}
    return {**rec, **over}


def rows(engine: Any) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT disposition, notes FROM interaction WHERE linkedid = :c"), {"c": CALL}).all()


def test_the_second_server_to_record_a_call_adds_nothing(seeded_engine):
    for _ in range(2):
        with seeded_engine.begin() as conn:
            write_interaction(conn, record())
    assert len(rows(seeded_engine)) == 1


def test_a_wrap_up_parked_here_lands_on_the_row_another_server_wrote(seeded_engine):
    with seeded_engine.begin() as conn:
        write_interaction(conn, record())  # server A's record
    PENDING.add({"call": CALL, "agent_id": None, "agent_ext": "1001", "disposition": "resolved", "notes": "已处理"})
    with seeded_engine.begin() as conn:
        write_interaction(conn, record())  # server B's, with the wrap-up its console sent first
    assert rows(seeded_engine) == [("resolved", "已处理")]


def test_both_servers_at_once_keep_one_row_and_the_wrap_up(seeded_engine):
    """The race itself, on PostgreSQL: B looks (nothing), A inserts and commits, B inserts."""
    if seeded_engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: the two inserts cannot race")
    a_inserted, b_looked = threading.Event(), threading.Event()

    def server_a() -> None:
        with seeded_engine.begin() as conn:
            write_interaction(conn, record())
            a_inserted.set()
            b_looked.wait(10)
            time.sleep(0.5)  # commit once B has looked, found nothing and is waiting in its insert

    thread = threading.Thread(target=server_a)
    thread.start()
    assert a_inserted.wait(10)
    PENDING.add({"call": CALL, "agent_id": None, "agent_ext": "1001", "disposition": "resolved", "notes": "ok"})
    with seeded_engine.begin() as conn:
        seen = conn.execute(text("SELECT count(*) FROM interaction WHERE linkedid = :c"), {"c": CALL}).scalar()
        assert seen == 0  # A's row is not committed: B's look finds nothing
        b_looked.set()
        write_interaction(conn, record())  # waits for A's commit, then meets its unique key
    thread.join(10)
    assert rows(seeded_engine) == [("resolved", "ok")]
