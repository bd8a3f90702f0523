"""A call while no server runs is recorded from Asterisk's own queue_log (issue 15), on the real
Asterisk: the lab writes its queue_log into this session's PostgreSQL database as
docs/asterisk.md "queue_log in PostgreSQL" tells an administrator (tests/live/lab.py), and the
server started after the outage records the call it never saw, once, beside the one it did."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from console.store.db import make_engine
from console.store.migrate import upgrade
from tests.conftest import require_postgres
from tests.live.floor import KNOWN_ACCOUNT, KNOWN_NUMBER, LiveFloor, answered_call, live_settings, seed_live


async def test_a_call_no_server_saw_is_recorded_from_the_queue_log(lab, sipp, tmp_path: Path, caplog):
    require_postgres()
    if lab.queue_log_url is None:
        pytest.fail("the lab has no queue_log database although PostgreSQL answers")
    if not lab.alive():
        lab.start()
    lab.reset()
    engine = make_engine(lab.queue_log_url)
    upgrade(engine)  # the table Asterisk writes is there already: the migration leaves it
    with engine.begin() as conn:  # the calls of the session's earlier tests are not this test's
        conn.execute(text("INSERT INTO reconcile_mark (pbx, done_to) VALUES ('main', :now)"),
                     {"now": dt.datetime.now(dt.UTC)})
    ids = seed_live(engine)
    base = live_settings(lab)
    settings = base.model_copy(update={
        "pbx": [base.pbx[0].model_copy(update={"queue_log_table": "queue_log"})],
        "reconcile": base.reconcile.model_copy(update={"every_s": 5.0, "settle_s": 1.0})})

    first = LiveFloor(lab, engine, ids, tmp_path / "first")
    await first.start(settings)
    try:
        console = await first.agent_at_phone(sipp, "1001", ring_ms=800)
        seen, caller = await answered_call(first, sipp, console, hold_ms=4_000)
        await caller.wait(30)
        await first.recorded(seen)
    finally:
        await first.stop()  # every server is down now; the agent stays logged in at Asterisk

    caller = await sipp.caller(KNOWN_NUMBER, keys=KNOWN_ACCOUNT + "#", hold_ms=5_000)
    await caller.wait(30)

    def unseen() -> str | None:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT callid FROM queue_log WHERE event = 'COMPLETECALLER' AND callid <> :seen "
                "ORDER BY id DESC LIMIT 1"), {"seen": seen}).scalar()

    async with asyncio.timeout(20):
        while (call := unseen()) is None:  # Asterisk wrote the call's end into the table
            await asyncio.sleep(0.2)

    caplog.set_level(logging.WARNING, logger="console.server.reconcile")
    second = LiveFloor(lab, engine, ids, tmp_path / "second")
    await second.start(settings)
    try:
        rows = await second.recorded(call, timeout=30)  # the first round: 5 s after the start
        with engine.connect() as conn:
            mine = conn.execute(text(
                "SELECT linkedid, agent_ext, outcome, hangup_by, talk_s, customer_id FROM interaction "
                "ORDER BY id")).all()
        assert [(r.linkedid, r.agent_ext, r.outcome, r.hangup_by) for r in mine] == [
            (seen, "1001", "answered", "caller"), (call, "1001", "answered", "caller")]
        assert mine[1].talk_s >= 2 and mine[1].customer_id == ids["known"]  # found by the caller's number
        assert len(rows) == 1
        assert "pbx main: 1 of 2 queue pass(es) in Asterisk's queue_log had no record" in caplog.text  # the other: seen
        await asyncio.sleep(6)  # another round: nothing more
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM interaction")).scalar() == 2
    finally:
        await second.stop()
        engine.dispose()
