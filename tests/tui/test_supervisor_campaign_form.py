"""Creating and editing campaigns, and adding leads, inside the supervisor app, against the real
server (capture 10 replayed as its PBX, the seeded store): what the form sends is what the
database holds, an edit writes only what changed, a refusal keeps the form open with the text,
leads come in by a customer filter and from a CSV file with its bad row reported; Ctrl-C asks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from console.i18n import set_locale
from console.store.models import Lead
from console.tui.quit_confirm import QuitConfirm
from console.tui.supervisor.campaign_form import CampaignForm
from console.tui.supervisor.campaigns_screen import CampaignsScreen
from console.tui.supervisor.leads_dialog import LeadsDialog
from tests.tui.floor import until
from tests.tui.supervisor_floor import supervisor_floor
from tests.tui.test_supervisor import SIZE, check_svg, loaded


async def open_campaigns(pilot) -> CampaignsScreen:
    await loaded(pilot)
    await pilot.press("f10")
    await until(pilot, lambda: isinstance(pilot.app.screen, CampaignsScreen))
    return pilot.app.screen


async def open_form(pilot, key: str) -> CampaignForm:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, CampaignForm))
    form = pilot.app.screen
    # The queues and the knowledge-base articles have arrived from the server.
    await until(pilot, lambda: len(form.query_one("#f-script_slug")._options) > 2)
    return form


def fill(form: CampaignForm, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#f-{name}").value = value


def error(form: CampaignForm, name: str) -> str:
    label = form.query_one(f"#err-{name}")
    return str(label.render()) if label.display else ""


async def campaign(floor, campaign_id: int) -> dict:
    return next(c for c in await floor.client.campaigns() if c["id"] == campaign_id)


async def test_a_campaign_made_in_the_form_is_the_one_the_server_holds(seeded_engine, tmp_path):
    async with (
        supervisor_floor(seeded_engine, tmp_path) as floor,
        floor.supervisor_app().run_test(size=SIZE) as pilot,
    ):
        screen = await open_campaigns(pilot)
        form = await open_form(pilot, "f2")
        assert [o[1] for o in form.query_one("#f-queue")._options] == ["retail"]
        # The obvious mistakes are named under their fields and nothing is sent.
        fill(form, kind="marketing", window_start="21:00", window_end="9:5", retry_busy_min="x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error(form, "name") == "请填写活动名称"
        assert "请按 时:分 填写" in error(form, "window_end")
        assert error(form, "retry_busy_min") == "请填写不小于 0 的整数"
        assert error(form, "product_risk") == "营销活动必须选择产品风险等级"
        assert form.query_one("#hint-product_risk").display  # marketing: why the risk matters
        fill(form, window_end="20:00")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error(form, "window_end") == "结束时间 20:00 须晚于开始时间 21:00"
        assert await floor.client.campaigns() == []
        fill(form, name="两融风险提示回访", kind="marketing", mode="preview", product_risk="R3",
             window_start="9:30", window_end="18:00", max_attempts="4", retry_busy_min="5",
             retry_noanswer_min="120", retry_failed_min="15", caller_id="95555",
             script_slug="outbound-callback-script")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: pilot.app.screen is screen)
        rows = await floor.client.campaigns()
        assert len(rows) == 1
        row = rows[0]
        assert {k: row[k] for k in ("name", "kind", "mode", "queue", "window_start", "window_end",
                                    "max_attempts", "retry_busy_min", "retry_noanswer_min",
                                    "retry_failed_min", "caller_id", "product_risk", "script_slug",
                                    "status")} == {
            "name": "两融风险提示回访", "kind": "marketing", "mode": "preview", "queue": "retail",
            "window_start": "09:30:00", "window_end": "18:00:00", "max_attempts": 4, "retry_busy_min": 5,
            "retry_noanswer_min": 120, "retry_failed_min": 15, "caller_id": "95555", "product_risk": "R3",
            "script_slug": "outbound-callback-script", "status": "draft"}
        table = screen.query_one("#campaign-table")
        await until(pilot, lambda: str(row["id"]) in table.rows)
        assert table.get_cell(str(row["id"]), "window") == "09:30–18:00"


async def test_an_edit_writes_only_the_field_that_changed(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        made = await floor.client.create_campaign({"name": "回拨", "mode": "preview", "caller_id": "95555"})
        async with floor.supervisor_app().run_test(size=SIZE) as pilot:
            screen = await open_campaigns(pilot)
            await until(pilot, lambda: screen.query_one("#campaign-table").row_count == 1)
            form = await open_form(pilot, "f3")
            assert form.query_one("#f-name").value == "回拨" and form.query_one("#f-mode").value == "preview"
            assert form.query_one("#f-window_start").value == "09:00"
            # Someone renames the campaign meanwhile: saving the form must not put the old name back.
            await floor.client.edit_campaign(made["id"], {"name": "回拨（新）", "caller_id": "4008"})
            fill(form, max_attempts="6")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: pilot.app.screen is screen)
        after = await campaign(floor, made["id"])
        assert after == {**made, "name": "回拨（新）", "caller_id": "4008", "max_attempts": 6, "leads": after["leads"]}


async def test_a_refusal_from_the_server_keeps_the_form_and_what_was_typed(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        async with floor.supervisor_app().run_test(size=SIZE) as pilot:
            await open_campaigns(pilot)
            form = await open_form(pilot, "f2")
            too_many = " ".join(str(2000 + n) for n in range(201))  # the server takes 200; the form leaves that to it
            fill(form, name="年末回访", kind="survey", caller_id="95555", agents=too_many)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: error(form, "agents") != "")
            assert "字段 agents 无效" in error(form, "agents") and "200" in error(form, "agents")
            assert pilot.app.screen is form and form.focused is form.query_one("#f-agents")
            assert form.query_one("#f-name").value == "年末回访" and form.query_one("#f-kind").value == "survey"
            assert form.query_one("#f-caller_id").value == "95555" and form.query_one("#f-agents").value == too_many
            assert await floor.client.campaigns() == []
            fill(form, agents="1001")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(pilot.app.screen, CampaignsScreen))
        assert [c["name"] for c in await floor.client.campaigns()] == ["年末回访"]


async def open_leads(pilot, floor, body: dict) -> tuple[int, LeadsDialog]:
    made = await floor.client.create_campaign(body)
    screen = await open_campaigns(pilot)
    await until(pilot, lambda: screen.query_one("#campaign-table").row_count == 1)
    await pilot.press("f4")
    await until(pilot, lambda: isinstance(pilot.app.screen, LeadsDialog))
    return made["id"], pilot.app.screen


async def click(pilot, dialog: LeadsDialog, button: str) -> None:
    """Click a button again once its press has ended (a button ignores clicks while it shows one)."""
    await until(pilot, lambda: not dialog.query_one(button).has_class("-active"))
    await pilot.click(button)


async def refused(pilot, dialog: LeadsDialog, button: str, field: str) -> str:
    """Click, and the message shown under ``field``."""
    await click(pilot, dialog, button)
    await until(pilot, lambda: dialog.query_one(f"#err-{field}").display)
    return str(dialog.query_one(f"#err-{field}").render())


async def reported(pilot, dialog: LeadsDialog, button: str) -> str:
    """Click, and the server's report as the dialog shows it."""
    await click(pilot, dialog, button)
    result = dialog.query_one("#leads-result")
    await until(pilot, lambda: "已添加" in str(result.render()))
    return str(result.render())


def leads_of(engine, campaign_id: int) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Lead.number, Lead.status, Lead.exclusion_reason)
                            .where(Lead.campaign_id == campaign_id).order_by(Lead.number))
        return [tuple(r) for r in rows]


async def test_leads_by_customer_filter_with_the_suitability_exclusions(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        async with floor.supervisor_app().run_test(size=SIZE) as pilot:
            campaign_id, dialog = await open_leads(pilot, floor, {
                "name": "高风险产品推介", "kind": "marketing", "product_risk": "R4"})
            assert "请至少设一个条件" in await refused(pilot, dialog, "#leads-filter", "days")
            dialog.query_one("#tier-gold").value = True
            dialog.query_one("#tier-diamond").value = True
            text = await reported(pilot, dialog, "#leads-filter")
            # gold: 赵敏 (assessed 2023: expired), 周杰 (never assessed); diamond: 单田芳 (C5, assessed
            # 2026), 吴静 (never assessed): only 单田芳 suits R4
            assert "符合条件的客户：4" in text and "已添加 1 条线索" in text
            assert "已排除（风险测评已过期）：1" in text and "已排除（未做风险测评）：2" in text
            assert not dialog.query_one("#err-days").display
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(pilot.app.screen, CampaignsScreen))
        statuses = sorted(status for _, status, _ in leads_of(seeded_engine, campaign_id))
        assert statuses == ["excluded", "excluded", "excluded", "pending"]


async def test_leads_from_a_csv_file_report_the_bad_line_and_keep_the_good_rows(seeded_engine, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("number,priority\n13700137000,5\n138-不是号码,1\n13912345678,\n", encoding="utf-8")
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        async with floor.supervisor_app().run_test(size=SIZE) as pilot:
            campaign_id, dialog = await open_leads(pilot, floor, {"name": "回访名单"})
            dialog.query_one("#leads-file").value = str(tmp_path / "missing.csv")
            assert "missing.csv" in await refused(pilot, dialog, "#leads-import", "file")
            dialog.query_one("#leads-file").value = str(path)
            text = await reported(pilot, dialog, "#leads-import")
            assert "文件行数：3" in text and "已添加 2 条线索" in text
            assert "第 3 行有误：号码 '138-不是号码' 不是有效的电话号码" in text
        assert leads_of(seeded_engine, campaign_id) == [("+8613700137000", "pending", None),
                                                        ("+8613912345678", "pending", None)]


async def test_ctrl_c_asks_before_the_supervisor_app_quits(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_campaigns(pilot)
            await open_form(pilot, "f2")
            await pilot.press("ctrl+c")  # the focus is in the name Input, whose own Ctrl-C copies
            await until(pilot, lambda: isinstance(app.screen, QuitConfirm))
            assert "退出班长台" in str(app.screen.query_one(".form-title").render())
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, CampaignForm))
            assert not app._exit
            await pilot.press("ctrl+c")
            await until(pilot, lambda: isinstance(app.screen, QuitConfirm))
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app._exit


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_snapshot_of_the_campaign_form(seeded_engine, tmp_path, locale):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        set_locale(locale)  # after the server starts: create_app sets the locale from the center's
        await floor.client.create_campaign({"name": "理财产品推介", "kind": "marketing", "product_risk": "R4",
                                            "script_slug": "outbound-callback-script"})
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_campaigns(pilot)
            await until(pilot, lambda: screen.query_one("#campaign-table").row_count == 1)
            form = await open_form(pilot, "f3")
            fill(form, window_end="8:00")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: error(form, "window_end") != "")
            await pilot.pause(0.2)
            check_svg(f"campaign_form[{locale}]", app.export_screenshot(title="supervisor campaign form"))


async def test_the_agents_who_take_the_calls_are_set_and_cleared_in_the_form(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        async with floor.supervisor_app().run_test(size=SIZE) as pilot:
            screen = await open_campaigns(pilot)
            form = await open_form(pilot, "f2")
            fill(form, name="白金客户回访", agents="1001，1003 x")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: error(form, "agents") != "")
            assert error(form, "agents") == "不是分机号：x"
            fill(form, agents="1001，1003 1001")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: pilot.app.screen is screen)
            (made,) = await floor.client.campaigns()
            assert made["agents"] == ["1001", "1003"]
            await until(pilot, lambda: str(made["id"]) in screen.query_one("#campaign-table").rows)
            form = await open_form(pilot, "f3")
            assert form.query_one("#f-agents").value == "1001 1003"
            fill(form, agents="")  # back to every member of the queue
            await pilot.press("ctrl+s")
            await until(pilot, lambda: pilot.app.screen is screen)
        after = await campaign(floor, made["id"])
        assert after["agents"] == [] and {**after, "agents": ["1001", "1003"]} == {**made, "leads": after["leads"]}
