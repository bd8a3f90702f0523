"""Against a real server: F8 resumes a paused agent, and a ``resync`` frame refetches state."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from console.store.models import FollowUp
from console.tui.agent.call_controls import PauseDialog
from console.tui.agent.status_bar import StatusBar
from console.tui.stream import message_for
from tests.server.conftest import START
from tests.tui.floor import pause_for_lunch, until


def pauses(floor) -> list[str]:
    return [a.get("Paused", "").lower() for a in floor.replay.actions if a.get("Action") == "QueuePause"]


async def test_f8_pauses_with_a_reason_then_resumes_without_one(floor):
    await floor.start("08-agent-login-pause-logout", speed=None)
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: floor.replay.logins_ok >= 1)
        await pause_for_lunch(pilot, app)
        await until(pilot, lambda: pauses(floor) == ["true"])
        bar = app.agent_screen.query_one(StatusBar)
        # The replayed PBX answers with canned events, not this pause: the agent_state frame the
        # server sends for a real one goes through the stream's decoder.
        app.agent_screen.post_message(message_for(
            {"seq": 8, "kind": "agent_state", "event": {"event": "agent_state", "t": 1.0, "agent": "1001",
                                                       "state": "paused", "reason": "lunch"}}, app.ctx.agent_id))
        await until(pilot, lambda: bar.agent_state == "paused")
        await pilot.press("f8")  # paused: F8 resumes at once, no dialog
        await until(pilot, lambda: pauses(floor) == ["true", "false"])
        assert not isinstance(app.screen, PauseDialog)


async def test_a_resync_frame_refetches_the_due_follow_ups(floor, seeded_engine, seed):
    await floor.start_server()
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        bar = app.agent_screen.query_one(StatusBar)
        app.agent_screen.refresh_state()
        await pilot.pause()
        await until(pilot, lambda: all(w.is_finished for w in app.workers if w.group == "refresh"))
        before = bar.followups_due
        # Written behind the server's back: no frame announces it, only a refetch can find it.
        with Session(seeded_engine) as s:
            s.add(FollowUp(customer_id=seed.known, due_at=START - dt.timedelta(minutes=5),
                           owner_id=seed.staff["agent1"], reason="resync 后应出现", created_by=seed.staff["agent1"]))
            s.commit()
        await pilot.pause(0.2)
        assert bar.followups_due == before
        app.agent_screen.post_message(message_for({"seq": 9, "kind": "resync"}, app.ctx.agent_id))
        await until(pilot, lambda: bar.followups_due == before + 1)
