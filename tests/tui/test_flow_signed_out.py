"""Against a real server: an admin disables the account of an agent whose console is open. The
console says so and stops reconnecting (it used to retry the refused log-in forever)."""

from __future__ import annotations

from console.tui.agent.status_bar import StatusBar
from console.tui.client import Client
from tests.server.conftest import PASSWORD
from tests.tui.floor import until


async def test_a_disabled_agent_console_is_signed_out_and_stops_reconnecting(floor, seed):
    base = await floor.start_server()
    app = await floor.console("agent1")
    admin = Client(base)
    await admin.login("admin", PASSWORD)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            bar = app.agent_screen.query_one(StatusBar)
            await until(pilot, lambda: bar.link == "connected")
            logins = []
            original = app.ctx.client.login

            async def counting_login(username: str, password: str):
                logins.append(username)
                return await original(username, password)

            app.ctx.client.login = counting_login
            await admin.request("PATCH", f"/api/staff/{seed.staff['agent1']}", json_body={"active": False})
            await until(pilot, lambda: bar.link == "signed_out")
            await pilot.pause(1.5)  # a reconnecting console would have tried again by now (back-off 0.25 s)
            assert bar.link == "signed_out" and len(logins) <= 1
            assert app.agent_screen.has_class("-reconnecting")
            assert any("停用" in str(n.message) for n in app._notifications)
    finally:
        await admin.close()
