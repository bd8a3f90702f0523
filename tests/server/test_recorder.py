"""The recorder end to end: every call of a replayed capture becomes exactly one Interaction."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from console.store.models import Customer, FollowUp, Interaction
from tests.server.conftest import ABANDON_NUMBER, server_settings
from tests.server.floor import CAPTURES, replay_floor

CALL_CAPTURES = sorted(p.stem for p in CAPTURES.glob("*.jsonl"))


def expected_calls(capture: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(linkedid, queue) -> what the capture's header says about that call."""
    header = json.loads((CAPTURES / f"{capture}.jsonl").read_text(encoding="utf-8").splitlines()[0])
    expected = header["expected"]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for qc in expected.get("queue_calls", []):
        out[(qc["linkedid"], qc["queue"])] = {"agent": qc.get("answered_by"), "abandoned": qc.get("abandoned")}
        if expected.get("transfers"):  # the transferred leg is a call of its own, through no queue
            out[(qc["linkedid"], "")] = {"agent": expected["transfers"][0].get("to_agent")}
    for dc in expected.get("direct_calls", []):
        out[(dc["linkedid"], "")] = {"agent": None}
    for what, originate in expected.get("originates", {}).items():  # a click-to-call: the agent's outbound call
        if what.startswith("click-to-dial"):
            out[(originate["uniqueid"], "")] = {"agent": None}
    return out


def interactions(engine: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(Interaction).order_by(Interaction.id)))


@pytest.mark.parametrize("capture", CALL_CAPTURES)
async def test_every_call_of_a_capture_is_recorded_exactly_once(make_client, seeded_engine, capture) -> None:
    # Each link streams after the bridge's resync; in 12 the link drops twice mid-call, and the
    # call that was up when Asterisk was killed must still be recorded, once.
    async with replay_floor(make_client, capture, hold_until="CoreShowChannels") as floor:
        await floor.settle()
    rows = interactions(seeded_engine)
    recorded = {(r.linkedid, r.queue) for r in rows if not r.linkedid.startswith("hist-")}
    expected = expected_calls(capture)
    assert recorded == set(expected), capture
    assert len([r for r in rows if not r.linkedid.startswith("hist-")]) == len(recorded)
    for row in rows:
        want = expected.get((row.linkedid, row.queue))
        if want and want.get("abandoned"):
            assert row.outcome == "abandoned" and row.agent_id is None
        elif want and want.get("agent") and row.queue:
            assert row.agent_ext == want["agent"] and row.outcome == "answered"
            assert row.agent_id is not None and row.answered_at is not None


async def test_answered_call_fields(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="CoreShowChannels") as floor:
        await floor.settle()
    (row,) = [r for r in interactions(seeded_engine) if r.linkedid == "1795372966.0"]
    assert (row.pbx, row.queue, row.agent_ext, row.agent_id) == ("main", "retail", "1001", seed.staff["agent1"])
    assert row.customer_id == seed.known and row.caller_number == "13800138000"
    assert (row.outcome, row.hangup_by, row.cause, row.wait_s, row.talk_s) == ("answered", "caller", 16, 3.0, 5.0)
    assert row.ended_at - row.started_at == row.answered_at - row.started_at + (row.ended_at - row.answered_at)
    assert (row.answered_at - row.started_at).total_seconds() == 3.0
    assert (row.ended_at - row.answered_at).total_seconds() == 5.0
    # app_queue's MixMonitor file, as Asterisk named it (VarSet MIXMONITOR_FILENAME)
    assert row.recording_ref == "/var/spool/asterisk/monitor/1795372966.0.wav"


async def test_abandon_by_a_known_customer_creates_a_callback(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "03-abandon-all-paused", hold_until="CoreShowChannels") as floor:
        await floor.settle()
    (row,) = [r for r in interactions(seeded_engine) if r.linkedid == "1795372998.4"]
    assert row.outcome == "abandoned" and row.customer_id == seed.abandon and row.caller_number == ABANDON_NUMBER
    with seeded_engine.connect() as conn:
        (fu,) = conn.execute(select(FollowUp).where(FollowUp.interaction_id == row.id)).all()
    assert fu.kind == "callback" and fu.customer_id == seed.abandon and fu.owner_id is None
    assert (fu.due_at - row.ended_at).total_seconds() == 120 * 60  # gold tier: 120 minutes
    # The abandon is a churn fact: the customer was scored again, as of the call's end (one
    # abandon is chance: no points yet).
    with seeded_engine.connect() as conn:
        scored = conn.execute(select(Customer.churn_scored_at, Customer.churn_reasons)
                              .where(Customer.id == seed.abandon)).one()
    assert (scored.churn_scored_at, scored.churn_reasons) == (row.ended_at, "[]")


async def test_abandon_callbacks_can_be_switched_off(make_client, seeded_engine) -> None:
    settings = server_settings(callbacks={"create_on_abandon": False})
    async with replay_floor(make_client, "03-abandon-all-paused", hold_until="CoreShowChannels",
                            settings=settings) as floor:
        await floor.settle()
    assert [r.outcome for r in interactions(seeded_engine) if r.linkedid == "1795372998.4"] == ["abandoned"]
    with seeded_engine.connect() as conn:
        assert conn.execute(select(FollowUp).where(FollowUp.kind == "callback")).all() == []


async def test_callback_request_from_the_queue_creates_a_callback(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "19-queue-exit-callback-request", hold_until="CoreShowChannels") as floor:
        await floor.settle()
    (row,) = [r for r in interactions(seeded_engine) if r.linkedid == "1795375060.50"]
    assert row.outcome == "callback_requested" and row.customer_id == seed.callback
    with seeded_engine.connect() as conn:
        (fu,) = conn.execute(select(FollowUp).where(FollowUp.interaction_id == row.id)).all()
    assert fu.kind == "callback" and fu.reason == "客户在排队时请求回拨"
    assert (fu.due_at - row.ended_at).total_seconds() == 30 * 60  # diamond tier


async def test_replaying_the_same_capture_twice_records_nothing_new(make_client, seeded_engine) -> None:
    for _ in range(2):
        async with replay_floor(make_client, "10-supervisor-status-and-chanspy",
                                hold_until="CoreShowChannels") as floor:
            await floor.settle()
    rows = [r for r in interactions(seeded_engine) if not r.linkedid.startswith("hist-")]
    assert len(rows) == 5 == len({(r.linkedid, r.queue) for r in rows})
