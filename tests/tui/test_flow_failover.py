"""A console fails over (issue 15): configured with several servers, it moves to the next when
the one in use dies, resumes there and keeps the call on screen from that server's ``hello``.

End to end on the simulated PBX: two servers on one store, each with its own AMI connection to
the PBX (as two `calldesk serve` do today). The agent answers a call on server A; A stops; the
console is on B within seconds with the call still up, and hangs it up through B.
"""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from console.tui.agent.status_bar import StatusBar
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.client import Client
from tests.server.conftest import KNOWN_NUMBER, PASSWORD, server_settings
from tests.tui.floor import ring_direct, until

pytestmark = pytest.mark.slow


async def test_the_console_moves_to_the_next_server_and_keeps_the_call(floor):
    from console.server.app import create_app
    from telephony.bridge import Bridge
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import SimulatorConfig

    config = SimulatorConfig(seed=7, agents=AgentSetup(count=1, manual={"1001"}))
    first = await floor.start_simulated(config)
    bridge = Bridge("main", "127.0.0.1", floor.simulator.port, config.username, config.secret)
    second_app = create_app(server_settings(), engine=floor.engine, bridges={"main": bridge}, clock=floor.clock,
                            outbox_path=floor.tmp_path / "outbox-b.sqlite3")
    second = TestServer(second_app, host="127.0.0.1")
    await second.start_server()
    try:
        app = await floor.console("agent1")
        client = app.ctx.client
        client.base_urls = [first, f"http://127.0.0.1:{second.port}"]  # as `--server A,B` gives it
        async with app.run_test(size=(140, 40)) as pilot:
            screen, bar = app.agent_screen, app.agent_screen.query_one(StatusBar)
            await until(pilot, lambda: bar.link == "connected")
            ring_direct(floor, KNOWN_NUMBER)
            await until(pilot, lambda: screen.call_state == "ringing")
            await pilot.press("f5")
            await until(pilot, lambda: screen.call_state == "on_call")
            call = screen.live_call

            await floor.stop_server()  # server A is gone; the call goes on at the PBX
            await until(pilot, lambda: client.base_url == client.base_urls[1] and bar.link == "connected")
            assert screen.call_state == "on_call" and screen.live_call == call  # restored from B's hello
            await pilot.press("f6")  # hung up through server B
            await until(pilot, lambda: screen.call_state == "wrap_up")
            assert screen.query_one(WrapUpPanel).call == call
    finally:
        await second.close()


async def test_a_request_goes_to_the_next_server_when_the_first_does_not_answer(floor):
    url = await floor.start()
    client = Client(["http://127.0.0.1:9", url])  # nothing listens on port 9 (discard)
    try:
        await client.login("agent1", PASSWORD)
        assert client.base_url == url and client.user is not None
        assert await client.fail_over() and client.base_url == "http://127.0.0.1:9"
        # The stream and a request both found `url` down: the second to say so moves nobody.
        assert await client.fail_over(url) and client.base_url == "http://127.0.0.1:9"
        assert await Client(url).fail_over() is False  # one server: nowhere to go
    finally:
        await client.close()
