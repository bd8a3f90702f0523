"""Every pop that shows a customer is audited (who, when, which customer, which call), off the
pop's path and through the durable outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.pool import NullPool

from console.server import keys
from tests.server.conftest import seed_floor
from tests.server.crm_helpers import audit_rows
from tests.server.floor import replay_floor


def pop_rows(engine: Any) -> list[dict[str, Any]]:
    return [r for r in audit_rows(engine) if r["action"] == "customer.pop"]


async def test_a_known_callers_pop_is_audited_with_the_call(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup", cut_at=7.0) as floor:
        await floor.connect("agent1")
        await floor.go()
        pop = await floor.consoles["agent1"].read_until("pop")
        await floor.settle()
        await floor.client.app[keys.RECORDER].idle()
    rows = pop_rows(seeded_engine)
    assert [(r["actor_id"], r["customer_id"], r["call"]) for r in rows] == [
        (seed.staff["agent1"], seed.known, pop["call"])]
    assert rows[0]["detail"] == {"agent": "1001", "masked": True, "match": "known", "matched_by": "account"}


async def test_an_ambiguous_pop_audits_every_candidate_shown(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "18-direct-extension-call") as floor:
        await floor.connect("agent2")
        await floor.go()
        pop = await floor.consoles["agent2"].read_until("pop")
        await floor.settle()
        await floor.client.app[keys.RECORDER].idle()
    rows = pop_rows(seeded_engine)
    assert sorted(r["customer_id"] for r in rows) == sorted(seed.shared)
    assert {(r["actor_id"], r["call"]) for r in rows} == {(seed.staff["agent2"], pop["call"])}
    assert all(sorted(r["detail"]["candidates"]) == sorted(seed.shared) for r in rows)
    assert all(r["detail"]["match"] == "ambiguous" and r["detail"]["masked"] for r in rows)


async def test_an_unknown_callers_pop_writes_no_audit_row(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "14-ringall-third-agent-answers") as floor:
        await floor.connect("agent3")
        await floor.go()
        await floor.consoles["agent3"].read_until("pop")
        await floor.settle()
        await floor.client.app[keys.RECORDER].idle()
    assert pop_rows(seeded_engine) == []


async def test_pop_audit_rows_survive_a_database_outage_and_a_restart(tmp_path: Path) -> None:
    from console.server.outbox import Outbox
    from console.server.pop import Lookup
    from console.server.recorder import Recorder
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from tests.server.conftest import server_settings

    store_dir = tmp_path / "store"
    engine = make_engine(f"sqlite:///{store_dir / 'calldesk.db'}", poolclass=NullPool)
    upgrade(engine)
    seed = seed_floor(engine)
    at = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
    journal = tmp_path / "var" / "outbox.sqlite3"
    outbox = Outbox(journal, engine)
    await outbox.start()
    recorder = Recorder(server_settings(), outbox, lambda: at)
    recorder.start()
    store_dir.rename(tmp_path / "unplugged")  # the database goes away after the pops were shown
    known = Lookup("known", "+8613800138000", [{"id": seed.known}], by="account")
    shared = Lookup("ambiguous", "+862188180001", [{"id": i} for i in seed.shared], by="phone")
    recorder.pop_shown({seed.staff["agent1"]}, "c-known", "1001", known, verified=True)
    recorder.pop_shown({seed.staff["agent2"]}, "c-shared", "1002", shared, verified=False)
    async with asyncio.timeout(20):
        while outbox.last_error is None:
            await asyncio.sleep(0.02)
    await recorder.stop()
    await outbox.stop()

    (tmp_path / "unplugged").rename(store_dir)
    restarted = Outbox(journal, engine)
    await restarted.start()
    try:
        await asyncio.wait_for(restarted.drained(), 20)
    finally:
        await restarted.stop()
    rows = pop_rows(engine)
    assert [(r["actor_id"], r["customer_id"], r["call"]) for r in rows] == [
        (seed.staff["agent1"], seed.known, "c-known"),
        (seed.staff["agent2"], seed.shared[0], "c-shared"), (seed.staff["agent2"], seed.shared[1], "c-shared")]
    assert rows[0]["detail"]["masked"] is False and json.dumps(rows[0]["detail"]).count("138") == 0
    engine.dispose()


def test_a_pop_audit_record_applied_twice_is_written_once(seeded_engine, seed) -> None:
    from console.server.pop import Lookup
    from console.server.pop_audit import pop_record, write_pop_audit

    at = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
    rec = pop_record({seed.staff["agent1"]}, "c1", "1001", Lookup("known", "+86", [{"id": seed.known}]), False, at)
    for _ in range(2):
        with seeded_engine.begin() as conn:
            write_pop_audit(conn, json.loads(json.dumps(rec)))
    assert len(pop_rows(seeded_engine)) == 1
