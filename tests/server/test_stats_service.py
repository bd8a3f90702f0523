"""Live queue statistics in the real server: each real capture replayed through the real Bridge,
then the live figures compared with the report computed from the Interactions it recorded, and
with the figures a restarted server rebuilds from the store."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from console.crm.report import load_calls, local_period, report, targets_of
from console.server import keys
from tests.server.floor import CAPTURES, replay_floor
from tests.server.test_recorder_passes import with_the_call_transferred_back

CAPTURE_NAMES = sorted(p.stem for p in CAPTURES.glob("*.jsonl"))
TZ = ZoneInfo("Asia/Shanghai")


def _report_by_queue(app, day_start: float) -> dict[str, object]:
    settings = app[keys.SETTINGS]
    day = dt.datetime.fromtimestamp(day_start, TZ).date()
    start, end = local_period(day, day, TZ)
    calls = [c for _, c in load_calls(app[keys.ENGINE], start, end)]
    rows = report(calls, by="queue", start=start.timestamp(), end=end.timestamp(), tz=TZ,
                  targets=targets_of(settings), short_abandon_s=settings.stats.short_abandon_s)
    return {row.key: row.metrics for row in rows}


@pytest.mark.parametrize("capture", CAPTURE_NAMES)
async def test_live_figures_equal_the_report_of_the_recorded_calls(make_client, seed, capture) -> None:
    async with replay_floor(make_client, capture, hold_until=None) as floor:
        await floor.settle()
        app = floor.client.app
        stats = app[keys.STATS]
        live = {q: stats.day.metrics(q) for q in stats.day.calls}
        assert live == _report_by_queue(app, stats.day.day_start)


async def test_a_call_passing_twice_through_its_queue_counts_twice_in_the_live_figures_and_the_report(
        make_client, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until=None,
                            edit=with_the_call_transferred_back) as floor:
        await floor.settle()
        app = floor.client.app
        stats = app[keys.STATS]
        live = {q: stats.day.metrics(q) for q in stats.day.calls}
        assert live == _report_by_queue(app, stats.day.day_start)
        assert (live["retail"].offered, live["retail"].answered) == (3, 3)  # capture 01's call, two passes


@pytest.mark.parametrize(("capture", "edit"), [("04-ringnoanswer-then-next-agent", None),
                                               ("01-answered-caller-hangup", with_the_call_transferred_back)])
async def test_a_restarted_server_rebuilds_the_same_figures(make_client, seed, frozen_clock, tmp_path,
                                                            capture, edit) -> None:
    async with replay_floor(make_client, capture, hold_until=None, edit=edit) as floor:
        await floor.settle()
        before = floor.client.app[keys.STATS]
        day_start, calls, handled = before.day.day_start, dict(before.day.calls), dict(before.day.handled)
        last_t = max(c.offered_at for cs in calls.values() for c in cs)
        sparks = {q: before.day.sparkline(q, last_t) for q in calls}
        assert sum(len(cs) for cs in calls.values()) >= 1 and handled
    frozen_clock.now = dt.datetime.fromtimestamp(last_t, dt.UTC)  # the server comes back the same day
    again = await make_client(outbox_path=tmp_path / "outbox2.sqlite3")
    after = again.app[keys.STATS]
    assert after.day.day_start == day_start
    assert _rounded(after.day.calls) == _rounded(calls)
    assert after.day.handled == handled
    assert {q: after.day.sparkline(q, last_t) for q in calls} == sparks
    snapshot = await (await again.get("/api/supervisor/queues", headers=await _sup(again))).json()
    retail = next(q for q in snapshot["queues"] if q["queue"] == "retail")
    assert retail["offered"] == after.day.metrics("retail").offered


def _rounded(calls):
    """The store keeps microseconds: the same call read back may differ in the last float bits."""
    return {q: sorted((round(c.offered_at, 3), c.outcome, c.wait_s, c.talk_s, c.wrapup_s, c.agent) for c in cs)
            for q, cs in calls.items()}


async def _sup(client) -> dict[str, str]:
    from tests.server.conftest import bearer, login

    return bearer(await login(client, "sup1"))


async def test_queue_stats_frames_reach_supervisors_and_agents_of_the_queue_coalesced(make_client, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup") as floor:
        stats = floor.client.app[keys.STATS]
        stats.min_interval_s = 3600  # a change goes out at once, the ones after it wait for the interval
        await floor.connect("sup1", "agent1", "mgr1")
        sup, agent = floor.consoles["sup1"], floor.consoles["agent1"]
        on_connect = len(await sup.drain())  # hello and the latest queue_stats sent before it
        sent_before = stats.sent
        await floor.go()
        await floor.settle()
        await stats.flushed()
        await agent.read_until("queue_stats")
        await sup.drain()
        frames = [f["event"] for f in sup.frames[on_connect:] if f["kind"] == "queue_stats"]
        # a whole call (ring, answer, wrap-up, hang-up: a dozen events) makes at most two frames
        assert 1 <= len(frames) <= stats.sent - sent_before <= 2
        last = frames[-1]
        assert last["queue"] == "retail"
        assert (last["offered"], last["answered"], last["abandoned"]) == (1, 1, 0)
        assert (last["service_level_s"], last["target_pct"]) == (20, 80)
        assert last["asa_s"] == 3.0 and last["service_level"] == 1.0
        assert sum(last["sparkline"]) == 1 and last["waiting"] == 0
        # a manager with no queues on the staff record gets no queue frames pushed
        assert "queue_stats" not in [f["kind"] for f in await floor.consoles["mgr1"].drain()]


async def test_agents_are_sent_a_queues_figures_when_its_waiting_callers_change(make_client, seed,
                                                                                  monkeypatch) -> None:
    """Supervisors get every coalesced send; an agent's console shows only how many callers wait,
    so its members get the figures when that number changes: none missed, none repeated."""
    import dataclasses

    async with replay_floor(make_client, "01-answered-caller-hangup") as floor:
        stats = floor.client.app[keys.STATS]
        await floor.connect("sup1", "agent1")
        sup, agent = floor.consoles["sup1"], floor.consoles["agent1"]
        await stats.flushed()  # whatever was due from the start
        await sup.drain()
        await agent.drain()
        figures = stats.snapshot("retail")
        for waiting in (0, 0, 2, 2, 2, 1, 0, 0):
            monkeypatch.setattr(stats, "snapshot", lambda queue, w=waiting: dataclasses.replace(figures, waiting=w))
            stats._send("retail")
        to_sup = [f["event"]["waiting"] for f in await sup.drain() if f["kind"] == "queue_stats"]
        to_agent = [f["event"]["waiting"] for f in await agent.drain() if f["kind"] == "queue_stats"]
    # Before the sends: at most the figures a console gets after its hello (the latest sent).
    assert to_sup[-8:] == [0, 0, 2, 2, 2, 1, 0, 0] and to_sup[:-8] in ([], [0])
    assert to_agent[-3:] == [2, 1, 0] and to_agent[:-3] in ([], [0], [0, 0])


async def test_a_new_local_day_starts_from_zero_and_a_repeated_end_counts_once(client, seed, frozen_clock) -> None:
    from telephony.events import Ended

    stats = client.app[keys.STATS]
    now = frozen_clock.now.timestamp()  # 10:00 in Shanghai

    def ended(call: str, t: float, outcome: str = "answered") -> Ended:
        return Ended(t=t, call=call, caller="13800138000", agent="1001", queue="retail", outcome=outcome,
                     hangup_by="caller", wait_s=10, talk_s=50)

    stats.observe("main", ended("a", now))
    stats.observe("main", ended("a", now))  # the same pass again (a resync): counted once
    stats.observe("main", ended("b", now, "abandoned"))
    assert (stats.snapshot("retail").offered, stats.snapshot("retail").answered) == (2, 1)
    assert stats.day.handled == {"1001": 1}
    frozen_clock.advance(hours=14)  # 00:00 the next day, local
    fresh = stats.snapshot("retail")
    assert (fresh.offered, fresh.answered, fresh.sparkline) == (0, 0, [0])
    stats.observe("main", ended("c", frozen_clock.now.timestamp() + 30))  # offered 23:59:30 yesterday
    assert stats.snapshot("retail").offered == 0 and stats.day.handled == {}
