"""The current call restored from the server's ``hello`` (issue 13, item 12).

``hello`` carries ``calls`` (my calls ringing or in talk, each with its pop as sent at ring
time) and ``after_call`` (the call whose wrap-up the server still waits for). Missing fields
(an older server) mean "unknown", never "no calls". End to end: a console restarted during a
call on the simulated PBX takes the call over from the hello and hangs it up. Offline: the
rules, with real frames through the stream's decoder.
"""

from __future__ import annotations

from typing import Any

import pytest

from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.stream import CallOffered
from tests.server.conftest import KNOWN_NUMBER
from tests.tui import frames
from tests.tui.floor import ring_direct, until
from tests.tui.offline import feed, offline_app, settle

CALL = "1700000000.1"
ENDED_T = frames.FROZEN.timestamp() - 95  # the call ended 1:35 before the console's frozen now


def hello(calls: list[tuple[dict[str, Any], str]] | None = None, after_call: dict[str, Any] | None = None,
          state: str = "on_call", **extra: Any) -> dict[str, Any]:
    """A hello as the server sends it; ``calls`` None leaves both new fields out (an older server)."""
    frame: dict[str, Any] = {"seq": 7, "kind": "hello", "user": {"username": "agent1"},
                             "state": {"event": "agent_state", "agent": "1001", "state": state},
                             "server_time": frames.FROZEN.isoformat(), **extra}
    if calls is not None:
        pops = [({k: v for k, v in pop.items() if k not in ("seq", "kind")}, s) for pop, s in calls]
        frame |= {"calls": [{"pop": pop, "state": s} for pop, s in pops], "after_call": after_call}
    return frame


@pytest.mark.slow
async def test_a_console_started_during_a_call_takes_it_over_from_hello(floor):
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import SimulatorConfig

    await floor.start_simulated(SimulatorConfig(seed=7, agents=AgentSetup(count=1, manual={"1001"})))
    first = await floor.console("agent1")
    offered: list[CallOffered] = []
    hook = lambda m: offered.append(m) if isinstance(m, CallOffered) else None  # noqa: E731
    async with first.run_test(size=(140, 40), message_hook=hook) as pilot:
        await until(pilot, lambda: first.agent_screen.query_one(StatusBar).link == "connected")
        ring_direct(floor, KNOWN_NUMBER)
        await until(pilot, lambda: first.agent_screen.call_state == "ringing")
        await pilot.press("f5")
        await until(pilot, lambda: first.agent_screen.call_state == "on_call")
    # The console is gone (closed, crashed); the call goes on. A new one starts.
    pop = offered[0].pop.model_dump(mode="json")
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        screen, bar = app.agent_screen, app.agent_screen.query_one(StatusBar)
        await until(pilot, lambda: bar.link == "connected")
        # The hello this server sends from the stream's next connect, fed now (a server that already
        # sends it restores the same call: the same hello twice changes nothing).
        await feed(pilot, hello([(pop, "talking")]))
        assert screen.call_state == "on_call" and screen.live_call == pop["call"]
        assert screen.query_one(CustomerCard).customer.name == "赵敏"
        assert screen.query_one("#banner").has_class("-on-call")
        await pilot.press("f6")  # a real hang-up, on the PBX
        await until(pilot, lambda: screen.call_state == "wrap_up")
        assert screen.query_one(WrapUpPanel).call == pop["call"]


async def test_a_ringing_call_is_restored_ringing(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, hello([(frames.pop("known", call=CALL), "ringing")], state="ringing"))
        screen = app.agent_screen
        assert screen.call_state == "ringing" and screen.live_call == CALL
        assert screen.query_one(CustomerCard).customer.name == "张三"
        assert screen.query_one(StatusBar).agent_state == "ringing"
        await feed(pilot, frames.event("answered", call=CALL, agent="1001"))
        assert screen.call_state == "on_call"


async def test_a_pending_after_call_reopens_its_wrap_up(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, hello([], {"call": CALL, "ended_t": ENDED_T}, state="wrap_up"))
        screen = app.agent_screen
        panel = screen.query_one(WrapUpPanel)
        assert screen.call_state == "wrap_up" and panel.display and panel.call == CALL
        assert "10:28" in str(panel.border_title)  # no pop to name the caller: when the call ended
        await pilot.pause()
        assert "01:35" in str(panel.query_one("#wrapup-timer").render())  # timed from the end of the call
        assert screen.query_one(StatusBar).agent_state == "wrap_up"
        assert "话后处理" in str(screen.query_one(StatusBar).render())
        panel.query_one("#wrapup-disposition").value = "resolved"
        await pilot.click("#wrapup-submit")
        await pilot.pause()
        assert screen.call_state == "idle" and not panel.display


async def test_a_resync_keeps_the_wrap_up_being_written(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        panel = screen.query_one(WrapUpPanel)
        await feed(pilot, frames.pop("known", call=CALL), frames.event("answered", call=CALL, agent="1001"),
                   frames.event("ended", call=CALL, caller="1", agent="1001", queue="vip", outcome="answered",
                                hangup_by="caller", talk_s=30))
        panel.query_one("#wrapup-notes").value = "已解答"
        await feed(pilot, hello([], {"call": CALL, "ended_t": ENDED_T}, state="wrap_up"), {"seq": 8, "kind": "resync"})
        assert panel.call == CALL and panel.query_one("#wrapup-notes").value == "已解答"
        assert screen.query_one(StatusBar).wrapups_pending == 1
        assert screen.query_one(CustomerCard).customer.name == "张三"


async def test_a_hello_with_no_calls_clears_a_stale_ring_and_wraps_up_a_call_that_ended(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        await feed(pilot, frames.pop("known", call=CALL), hello([], state="available"))
        assert screen.call_state == "idle" and screen.query_one(CustomerCard).customer is None
        await feed(pilot, frames.pop("known", call=CALL), frames.event("answered", call=CALL, agent="1001"),
                   hello([], {"call": CALL, "ended_t": ENDED_T}, state="wrap_up"))
        # The talk is over (its "ended" was lost with the link): the card stays, for its wrap-up.
        assert screen.call_state == "wrap_up" and screen.query_one(WrapUpPanel).call == CALL
        assert screen.query_one(CustomerCard).customer.name == "张三"
        assert screen.query_one(StatusBar).wrapups_pending == 1


async def test_a_hello_from_an_older_server_keeps_the_call_on_screen(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        await feed(pilot, frames.pop("known", call=CALL), frames.event("answered", call=CALL, agent="1001"),
                   hello(None))
        assert screen.call_state == "on_call" and screen.query_one(CustomerCard).customer.name == "张三"
        broken = hello([], state="on_call") | {"calls": [{"state": "talking"}]}  # a call without its pop
        await feed(pilot, broken)
        assert screen.call_state == "on_call" and screen.live_call == CALL


async def test_a_restored_talk_replaces_a_stale_ring(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        other = frames.customer(id=43, name="张珊", client_no="310000654321")
        await feed(pilot, frames.pop("known", call=CALL),
                   hello([(frames.pop("known", call="1700000009.1", customer=other), "talking")]))
        assert screen.call_state == "on_call" and screen.live_call == "1700000009.1"
        assert screen.query_one(CustomerCard).customer.name == "张珊"
        assert screen.query_one(StatusBar).wrapups_pending == 0  # the stale ring owed nothing


async def test_a_resumed_stream_names_the_caller_of_a_wrap_up_first_known_from_hello(tmp_path):
    """The whole call happened while the link was down: hello says its wrap-up is owed, then the
    caught-up frames replay the call itself."""
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        panel = screen.query_one(WrapUpPanel)
        await feed(pilot, hello([], {"call": CALL, "ended_t": ENDED_T}, state="wrap_up"),
                   frames.pop("known", call=CALL), frames.event("answered", call=CALL, agent="1001"),
                   frames.event("ended", call=CALL, caller="1", agent="1001", queue="vip", outcome="answered",
                                hangup_by="caller", talk_s=30))
        assert screen.call_state == "wrap_up" and panel.call == CALL
        assert screen.query_one(StatusBar).wrapups_pending == 1
        assert screen.query_one(CustomerCard).customer.name == "张三"
        assert "张三" in str(panel.border_title)
        await pilot.pause()
        assert "01:35" in str(panel.query_one("#wrapup-timer").render())  # still timed from the server's end
