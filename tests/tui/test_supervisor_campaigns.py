"""The supervisor's campaigns screen against a real server: the list, the figures of the selected
campaign (with the suitability exclusions), and start/pause from the keyboard."""

from __future__ import annotations

from console.tui.supervisor.campaigns_screen import CampaignsScreen
from tests.tui.floor import until
from tests.tui.supervisor_floor import supervisor_floor
from tests.tui.test_supervisor import SIZE, loaded


async def test_campaigns_screen_lists_figures_and_moves(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        campaign = await floor.client.request("POST", "/api/campaigns", json_body={
            "name": "理财产品推介", "kind": "marketing", "mode": "preview", "product_risk": "R4"})
        import_url = f"{floor.client.base_url}/api/campaigns/{campaign['id']}/leads/import"
        async with floor.client.session.post(import_url, data=b"number\n13700137000\n13800138000\n",
                                             headers={"Authorization": f"Bearer {floor.client.token}"}) as resp:
            assert resp.status == 200
        async with floor.supervisor_app().run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await pilot.press("f10")
            await until(pilot, lambda: isinstance(pilot.app.screen, CampaignsScreen))
            screen = pilot.app.screen
            table, detail = screen.query_one("#campaign-table"), screen.query_one("#campaign-detail")
            await until(pilot, lambda: table.row_count == 1 and "风险测评已过期 1" in str(detail.render()))
            key = str(campaign["id"])
            assert table.get_cell(key, "status") == "草稿" and table.get_cell(key, "left") == "1"
            await pilot.press("f6")
            await until(pilot, lambda: table.get_cell(key, "status") == "进行中")
            await pilot.press("f7")
            await until(pilot, lambda: table.get_cell(key, "status") == "已暂停")
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(pilot.app.screen, CampaignsScreen))
