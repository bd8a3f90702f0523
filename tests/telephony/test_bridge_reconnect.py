"""Links that fail mid-call: EOF, half-open, refused logins, restarts — each followed by a
reconnect and a resync that loses no call and duplicates no pop or record."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest

from telephony.replay import replay
from telephony.replay_plan import ConnPlan, cut, plans_from_transcript
from telephony.transcripts import Frame, load

from .ami_helpers import run_through_bridge, without_t

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami-transcripts"


def capture(prefix: str) -> Path:
    return next(FIXTURES.glob(f"{prefix}-*.jsonl"))


def index_after(plan: ConnPlan, event: str, extra: int = 0) -> int:
    """The frame index just after the first ``event`` (plus ``extra`` frames)."""
    first = next(i for i, f in enumerate(plan.frames) if f.raw.startswith(f"Event: {event}\r\n".encode()))
    return first + 1 + extra


def per_call(events: list[dict], name: str) -> Counter:
    return Counter(e["call"] for e in events if e["event"] == name)


def assert_once_each(events: list[dict]) -> None:
    assert all(n == 1 for n in per_call(events, "ended").values()), per_call(events, "ended")
    rings = Counter((e["call"], e["agent"]) for e in events if e["event"] == "ringing")
    assert all(n == 1 for n in rings.values()), rings


async def test_eof_mid_call_then_resync_tracks_the_call_to_its_end(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="telephony")
    path = capture("01")
    plan = plans_from_transcript(load(path))[0]
    plans = cut(plan, index_after(plan, "AgentConnect", 3))
    got, bridge, server = await run_through_bridge(plans, chunk=(1, 64), timestamps=True)
    expected = without_t(list(replay(path)))
    assert without_t(got) == expected
    assert_once_each(without_t(got))
    assert bridge.reconnects == 1 and server.connections == 2
    assert [a["Action"] for a in server.actions].count("CoreShowChannels") == 2  # a resync per login
    said = [r.getMessage() for r in caplog.records if r.name.startswith("telephony")]
    assert any("AMI link lost" in m for m in said)
    assert any("reconnected and logged in again (reconnect 1" in m for m in said), said


async def test_eof_while_three_phones_ring_pops_each_once() -> None:
    path = capture("14")
    plan = plans_from_transcript(load(path))[0]
    plans = cut(plan, index_after(plan, "AgentCalled", 4))
    got, _, _ = await run_through_bridge(plans, chunk=(1, 64), timestamps=True)
    assert without_t(got) == without_t(list(replay(path)))
    assert len([e for e in without_t(got) if e["event"] == "ringing"]) == 3


async def test_half_open_socket_is_noticed_by_the_watchdog() -> None:
    path = capture("02")
    plan = plans_from_transcript(load(path))[0]
    plans = cut(plan, index_after(plan, "AgentConnect", 2), then="silent")
    got, bridge, _ = await run_through_bridge(
        plans, timestamps=True, bridge_kw={"ping_interval_s": 0.05, "ping_timeout_s": 0.1})
    assert without_t(got) == without_t(list(replay(path)))
    assert bridge.reconnects == 1
    assert "did not answer a Ping" in (bridge.last_error or "")


async def test_events_missed_while_down_still_give_one_record_per_call() -> None:
    path = capture("01")
    plan = plans_from_transcript(load(path))[0]
    down_at = index_after(plan, "AgentCalled")
    back_at = index_after(plan, "AgentConnect", 2)  # the answer happened while the link was down
    got, _, _ = await run_through_bridge(cut(plan, down_at, resume=back_at), chunk=(1, 64), timestamps=True)
    events = without_t(got)
    assert_once_each(events)
    ended = [e for e in events if e["event"] == "ended"]
    assert len(ended) == 1 and ended[0]["caller"] == "13800138000"


async def test_login_refused_twice_then_accepted_after_backoff() -> None:
    path = capture("16")
    got, bridge, server = await run_through_bridge(load(path), reject_logins=2, timestamps=True)
    assert without_t(got) == without_t(list(replay(path)))
    assert server.connections == 3 and server.logins_ok == 1
    sleep = bridge.conn._sleep
    assert len(sleep.delays) == 2 and sleep.delays[0] <= bridge.conn.backoff.base_s  # type: ignore[attr-defined]
    assert "refused: Authentication failed" in (bridge.last_error or "")
    assert bridge.reconnects == 0  # refused attempts are not reconnects of a working link


async def test_restart_mid_call_ends_the_call_once() -> None:
    path = capture("01")
    plan = plans_from_transcript(load(path))[0]
    at = index_after(plan, "AgentConnect", 2)
    restart_t = plan.frames[at].t
    booted = Frame(restart_t, "recv", b"Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n"
                                      b"Uptime: 0\r\nLastReload: 0\r\n")
    members = [m for m in plan.snapshot.get("QueueStatus", []) if m["Event"] != "QueueEntry"]
    plans = [ConnPlan(plan.frames[:at], "close", plan.snapshot),
             ConnPlan([booted], "idle", {"QueueStatus": members})]
    got, bridge, _ = await run_through_bridge(plans, timestamps=True)
    events = without_t(got)
    assert_once_each(events)
    ended = [e for e in events if e["event"] == "ended"]
    assert len(ended) == 1 and ended[0]["hangup_by"] == "system" and ended[0]["outcome"] == "answered"
    assert [e["event"] for e in events].count("answered") == 1
    assert bridge.reconnects == 1
