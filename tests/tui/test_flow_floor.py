"""End to end on the floor: a ring-all call to an ambiguous number, a blind transfer, and a
server restart — real captures replayed as the PBX, the real server, real consoles."""

from __future__ import annotations

import pytest

from console.tui.agent.candidates import CandidateList
from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.stream import CallOffered, RingStopped
from tests.tui.floor import until

pytestmark = pytest.mark.slow

RINGALL_CALLER = "13911140014"  # capture 14: rings 1001, 1002 and 1003; 1003 answers


def share_number(engine, number: str) -> None:
    """Two customers on the caller's number, so that the pop must ask which one is calling."""
    from console.store.db import session_scope
    from console.store.models import Customer, CustomerPhone

    with session_scope(engine) as s:
        for client_no, name, pinyin in (("310000000091", "孙悟空", "sun wu kong"),
                                        ("310000000092", "孙尚香", "sun shang xiang")):
            c = Customer(client_no=client_no, name=name, name_pinyin=pinyin, name_initials="ss",
                         id_number="310101199001011111", id_last4="1111", tier="silver")
            s.add(c)
            s.flush()
            s.add(CustomerPhone(customer_id=c.id, e164="+86" + number, raw=number))


async def test_ringall_ambiguous_pop_clears_when_a_colleague_answers(floor, seeded_engine):
    share_number(seeded_engine, RINGALL_CALLER)
    await floor.start("14-ringall-third-agent-answers", speed=1.0)
    app = await floor.console("agent1")
    seen: list[object] = []
    async with app.run_test(size=(140, 40), message_hook=seen.append) as pilot:
        screen = app.agent_screen
        await until(pilot, lambda: any(isinstance(m, CallOffered) for m in seen))
        pop = next(m for m in seen if isinstance(m, CallOffered)).pop
        assert pop.match == "ambiguous"
        assert {c.name for c in pop.candidates} == {"孙悟空", "孙尚香"}
        await until(pilot, lambda: any(isinstance(m, RingStopped) for m in seen) or screen.call_state == "idle")
        await until(pilot, lambda: screen.call_state == "idle")
        assert screen.query_one(CustomerCard).customer is None
        assert not screen.query_one("#card-candidates", CandidateList).display
        assert not screen.query_one(WrapUpPanel).display  # it was never my call


async def test_blind_transfer_pops_on_the_target_and_wraps_up_the_first_agent(floor):
    await floor.start("06-blind-transfer", speed=1.0)
    first, target = await floor.console("agent1"), await floor.console("agent2")
    async with first.run_test(size=(140, 40)) as p1, target.run_test(size=(140, 40)) as p2:
        await until(p1, lambda: first.agent_screen.call_state == "on_call")
        call = first.agent_screen.pop.call
        await until(p1, lambda: first.agent_screen.call_state == "wrap_up")
        assert first.agent_screen.query_one(WrapUpPanel).display
        await until(p2, lambda: target.agent_screen.pop is not None and target.agent_screen.pop.call == call)
        # The pop followed the call: same caller, shown on the target's console.
        assert target.agent_screen.pop.number.endswith("13811112222")


async def test_reconnect_after_the_server_restarts(floor):
    await floor.start()
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        screen, bar = app.agent_screen, app.agent_screen.query_one(StatusBar)
        await until(pilot, lambda: bar.link == "connected")
        await floor.stop_server()
        await until(pilot, lambda: bar.link == "reconnecting")
        assert screen.has_class("-reconnecting") and bar.has_class("-link-down")
        await floor.start_server()  # same port, fresh token store: the console logs in again
        await until(pilot, lambda: bar.link == "connected")
        assert not screen.has_class("-reconnecting")


async def test_the_console_paints_first_then_logs_in_and_a_refused_login_ends_it(floor):
    from console.cli.console import _connect
    from console.config import ConsoleSettings
    from console.tui.app import AgentApp, ConnectingScreen
    from tests.server.conftest import PASSWORD

    url = await floor.start()
    app = AgentApp(connect=lambda: _connect(url, ("agent1", PASSWORD, None), ConsoleSettings()))
    async with app.run_test(size=(140, 40)) as pilot:
        # Pushed is not yet composed (under load the check came in between: NoMatches).
        await until(pilot, lambda: app.agent_screen is not None and app.screen is app.agent_screen
                    and len(app.agent_screen.query(StatusBar)) == 1)
        bar = app.agent_screen.query_one(StatusBar)
        await until(pilot, lambda: bar.link == "connected")  # logged in, screen up, stream following
        assert app.ctx.user.extension == "1001" and app.ctx.center.time_zone == "Asia/Shanghai"
    refused = AgentApp(connect=lambda: _connect(url, ("agent1", "wrong-password", None), ConsoleSettings()))
    async with refused.run_test(size=(140, 40)) as pilot:
        assert isinstance(refused.screen, ConnectingScreen) or refused.login_error
        await until(pilot, lambda: refused.login_error is not None)
    assert refused.return_code == 2
