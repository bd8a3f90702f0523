"""The supervisor app against a real server (capture 10 replayed as the PBX, today's calls in the
store, frozen clocks): the wallboard and agent board, alerts, actions reaching the PBX, the
report screen, roles; SVG snapshots in Chinese and English."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from console.errors import CalldeskError
from console.i18n import set_locale, t
from console.tui.supervisor.agent_table import AgentTable
from console.tui.supervisor.board_state import Thresholds
from console.tui.supervisor.messages import QueueStatsReceived
from console.tui.supervisor.queue_table import QueueTable
from console.tui.supervisor.report_screen import ReportScreen
from tests.tui.floor import until
from tests.tui.supervisor_floor import supervisor_floor

SIZE = (150, 36)
# Outside __snapshots__: syrupy owns that folder and fails the run on files it did not write.
SNAPSHOTS = Path(__file__).parent / "supervisor_snapshots"


async def loaded(pilot) -> tuple[QueueTable, AgentTable]:
    queues, agents = pilot.app.screen.query_one(QueueTable), pilot.app.screen.query_one(AgentTable)

    def boards_loaded() -> bool:
        """the queue board and the three agents of retail are on screen"""
        return "retail" in queues.rows and agents.row_count == 3 and "钱进" in str(agents.get_cell("1001", "caller"))

    await until(pilot, boards_loaded)
    await pilot.pause()
    return queues, agents


async def test_wallboard_and_agent_board_show_the_floor(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            queues, agents = await loaded(pilot)
            row = {c: str(queues.get_cell("retail", c)) for c in ("waiting", "sl", "offered", "answered",
                                                                  "abandoned", "asa", "aht", "abandon_rate")}
            # store: 5 offered (t5 is a short abandon), 4 answered (2 within 20 s), t3 abandoned after SL
            assert row == {"waiting": "2", "sl": "⚠ 40%", "offered": "5", "answered": "4", "abandoned": "1",
                           "asa": "00:20", "aht": "02:57", "abandon_rate": "20%"}
            assert [agents.get_cell(a, "handled") for a in ("1001", "1002", "1003")] == ["2", "1", "2"]
            assert agents.get_cell("1003", "state") == "暂停" and agents.get_cell("1003", "reason") == "coaching"
            assert agents.get_cell("1002", "tier") == "银卡"
            assert "服务水平 40% 低于目标 80%" in str(pilot.app.screen.query_one("#alerts").render())


async def test_cells_change_in_place_and_the_table_is_never_rebuilt(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            queues, _ = await loaded(pilot)
            cleared = []
            queues.clear = lambda *a, **k: cleared.append(a)  # type: ignore[method-assign]
            stats = dict(app.board_screen.board.queues["retail"], waiting=7, service_level=0.9)
            app.board_screen.post_message(QueueStatsReceived(stats))
            await until(pilot, lambda: queues.get_cell("retail", "waiting") == "7")
            assert str(queues.get_cell("retail", "sl")) == "90%" and queues.row_count == 1 and not cleared
            assert "服务水平" not in str(app.board_screen.query_one("#alerts").render())


async def test_frames_from_the_server_update_the_boards_live(seeded_engine, tmp_path):
    from console.server import keys
    from telephony.events import AgentState, Ended
    from tests.tui.supervisor_floor import NOW

    async with (
        supervisor_floor(seeded_engine, tmp_path) as floor,
        floor.supervisor_app().run_test(size=SIZE) as pilot,
    ):
        queues, agents = await loaded(pilot)
        service, t0 = floor.app[keys.SERVICE], NOW.timestamp()
        await service.handle("main", AgentState(t=t0 - 120, agent="1003", state="paused", reason="lunch",
                                                queue="retail"), 0.0)
        await until(pilot, lambda: agents.get_cell("1003", "reason") == "午餐")
        assert agents.get_cell("1003", "in_state") == "02:00"
        await service.handle("main", Ended(t=t0, call="x1", caller="13700000000", agent="1001", queue="retail",
                                           outcome="answered", hangup_by="caller", wait_s=4, talk_s=30), 0.0)
        await floor.app[keys.STATS].flushed()
        await until(pilot, lambda: queues.get_cell("retail", "offered") == "6")
        assert queues.get_cell("retail", "answered") == "5"


async def test_actions_on_the_selected_agent_reach_the_pbx(seeded_engine, tmp_path):
    async with (
        supervisor_floor(seeded_engine, tmp_path) as floor,
        floor.supervisor_app().run_test(size=SIZE) as pilot,
    ):
        _, agents = await loaded(pilot)
        agents.focus()
        agents.move_cursor(row=0)  # 1001, talking
        for key, data in (("f2", "qE"), ("f3", "qEw"), ("f4", "qEB")):
            await pilot.press(key)
            await until(pilot, lambda d=data: [a for a in floor.actions("Originate") if a["Data"].endswith("," + d)])
        spy = floor.actions("Originate")[0]
        assert (spy["Channel"], spy["Application"]) == ("Local/1900@agents", "ChanSpy")
        assert spy["Data"].startswith("PJSIP/1001-")
        agents.move_cursor(row=1)  # 1002
        await pilot.press("f6")
        await until(pilot, lambda: floor.actions("QueuePause"))
        pause = floor.actions("QueuePause")[0]
        assert (pause["Interface"], pause["Paused"]) == ("PJSIP/1002", "true")
        agents.move_cursor(row=2)  # 1003, in retail and vip: out of retail only (vip is not sup1's)
        await pilot.press("f8")
        await until(pilot, lambda: [a["Queue"] for a in floor.actions("QueueRemove")] == ["retail"])
        agents.move_cursor(row=2)
        await pilot.press("f2")  # 1003 is on no call: the server's 409 is shown, nothing dialled
        await pilot.pause(0.3)
        assert len(floor.actions("Originate")) == 3


async def test_a_manager_sees_every_queue_and_the_vip_alert(seeded_engine, tmp_path):
    async with supervisor_floor(seeded_engine, tmp_path, username="mgr1") as floor:
        app = floor.supervisor_app(Thresholds(vip_wait_alert_s=10, pause_alert_min=0.5))
        async with app.run_test(size=SIZE) as pilot:
            queues = pilot.app.screen.query_one(QueueTable)
            await until(pilot, lambda: {"retail", "vip"} <= {k.value for k in queues.rows})
            await until(pilot, lambda: "VIP" in str(pilot.app.screen.query_one("#alerts").render()))
            text = str(pilot.app.screen.query_one("#alerts").render())
            assert "队列 vip VIP 客户已等待" in text and "坐席 1003 李强 暂停已" in text


async def test_the_report_screen_shows_todays_rows_and_a_chart(seeded_engine, tmp_path):
    async with (
        supervisor_floor(seeded_engine, tmp_path) as floor,
        floor.supervisor_app().run_test(size=SIZE) as pilot,
    ):
        await loaded(pilot)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReportScreen))
        screen = pilot.app.screen
        table = screen.query_one("#rows")
        await until(pilot, lambda: table.row_count > 0)
        chart = screen.query_one("#chart")
        assert sum(chart.data) == 5 and len(chart.data) == 96  # today's retail calls, per 15 min
        assert table.row_count == 5  # the intervals with calls in them
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(pilot.app.screen, ReportScreen))


async def test_an_agent_cannot_open_the_supervisor_app(seeded_engine, tmp_path, monkeypatch):
    from console.cli.supervisor import connect

    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        monkeypatch.delenv("CALLDESK_TOKEN", raising=False)
        monkeypatch.setenv("CALLDESK_PASSWORD", "s3cret-pass")
        with pytest.raises(CalldeskError, match="agent1"):
            await connect(floor.client.base_url, "agent1")
        ctx = await connect(floor.client.base_url, "sup1")
        assert ctx.user.role == "supervisor"


def check_svg(name: str, svg: str) -> None:
    """Compare with the stored snapshot; CALLDESK_UPDATE_SNAPSHOTS=1 (re)writes it."""
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("CALLDESK_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
    assert svg == path.read_text(encoding="utf-8"), (
        f"{path} differs (look at it; CALLDESK_UPDATE_SNAPSHOTS=1 to accept)")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_snapshot_of_the_board(seeded_engine, tmp_path, locale):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        # After the server starts: create_app sets the (process-wide) locale from the center's.
        set_locale(locale)
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            queues, agents = pilot.app.screen.query_one(QueueTable), pilot.app.screen.query_one(AgentTable)
            await until(pilot, lambda: "retail" in queues.rows and agents.row_count == 3
                        and "钱进" in str(agents.get_cell("1001", "caller")))
            # The link line flips as the socket opens: wait for "connected", then blank it (blanking
            # it earlier raced the first frame, which wrote "connected" into the picture).
            link = app.board_screen.query_one("#link")
            await until(pilot, lambda: str(link.render()) == t("sup.link.connected"))
            link.update("")
            await pilot.pause(0.2)
            check_svg(f"board[{locale}]", app.export_screenshot(title="supervisor"))


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_snapshot_of_the_report(seeded_engine, tmp_path, locale):
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        # After the server starts: create_app sets the (process-wide) locale from the center's.
        set_locale(locale)
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await pilot.press("f9")
            await until(pilot, lambda: isinstance(pilot.app.screen, ReportScreen)
                        and pilot.app.screen.query_one("#rows").row_count == 5)
            await pilot.pause(0.2)
            check_svg(f"report[{locale}]", app.export_screenshot(title="supervisor report"))



async def test_a_ticket_past_its_sla_is_announced_on_the_board(seeded_engine, tmp_path):
    """The server's SLA watch escalates a breached ticket; the supervisor's board says so at once."""
    import datetime as dt

    from sqlalchemy import insert

    from console.server import keys
    from console.store.models import Customer, Ticket
    from tests.tui.supervisor_floor import NOW

    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        with seeded_engine.begin() as conn:
            customer = conn.execute(Customer.__table__.select().limit(1)).first()
            conn.execute(insert(Ticket.__table__).values(
                number="T20261122-000777", customer_id=customer.id, category="complaint", priority="high",
                status="open", subject="投诉佣金收取", sla_due_at=NOW - dt.timedelta(minutes=1),
                created_at=NOW - dt.timedelta(hours=24), updated_at=NOW - dt.timedelta(hours=24)))
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            assert await floor.app[keys.SLA_WATCH].check() == 1
            await until(pilot, lambda: any("T20261122-000777" in str(n.message) for n in app._notifications))
            (note,) = [str(n.message) for n in app._notifications if "T20261122-000777" in str(n.message)]
            assert note == f"工单 T20261122-000777（{customer.name}：投诉佣金收取）已超过处理时限，优先级升为紧急"
