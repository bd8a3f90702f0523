"""The administrator's staff screen in the supervisor app, against the real server (seeded store, no
PBX needed): what the form sends is what the store holds, refusals land under their field, a
password reset, disable and enable, a CSV import with its bad row, a manager's customers handed
over; only administrators get the key; SVG snapshots in Chinese and English."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from sqlmodel import select

from console.i18n import set_locale
from console.store.db import session_scope
from console.store.models import Customer, Staff
from console.tui.supervisor.app import SupervisorApp
from console.tui.supervisor.client import SupervisorClient
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.staff_customers import CustomersDialog
from console.tui.supervisor.staff_dialogs import ConfirmDialog, ImportDialog, PasswordDialog
from console.tui.supervisor.staff_form import StaffForm
from console.tui.supervisor.staff_screen import StaffScreen
from tests.server.conftest import PASSWORD, server_settings
from tests.tui.floor import until
from tests.tui.test_supervisor import SIZE, check_svg

NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)


@asynccontextmanager
async def staff_app(engine, tmp_path: Path, username: str = "admin",
                    locale: str | None = None) -> AsyncIterator[tuple[SupervisorApp, SupervisorClient]]:
    """The supervisor app of ``username`` on a server with no PBX (staff administration needs none),
    in ``locale`` (default: the center's)."""
    from console.server.app import create_app

    app = create_app(server_settings(), engine=engine, clock=lambda: NOW, outbox_path=tmp_path / "outbox.sqlite3")
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    client = SupervisorClient(f"http://127.0.0.1:{server.port}")
    try:
        await client.login(username, PASSWORD)
        ctx = SupervisorContext(user=client.user, client=client, center=await client.config(), clock=lambda: NOW)
        if locale:
            set_locale(locale)  # after create_app, which sets the center's; before the screens are built
        yield SupervisorApp(ctx, stream=False, tick_s=0), client
    finally:
        await client.close()
        await server.close()


async def open_staff(pilot) -> StaffScreen:
    await pilot.press("f11")
    await until(pilot, lambda: isinstance(pilot.app.screen, StaffScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.query_one("#staff-table").row_count == 6)
    return screen


async def dialog(pilot, kind: type):
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


def error(form, name: str) -> str:
    label = form.query_one(f"#err-{name}")
    return str(label.render()) if label.display else ""


def staff_row(engine, username: str) -> Staff | None:
    with session_scope(engine) as s:
        return s.exec(select(Staff).where(Staff.username == username)).first()


async def test_an_account_is_made_and_edited_in_the_form(seeded_engine, tmp_path):
    async with (
        staff_app(seeded_engine, tmp_path) as (app, _),
        app.run_test(size=SIZE) as pilot,
    ):
        screen = await open_staff(pilot)
        table = screen.query_one("#staff-table")
        assert [table.get_cell(k, "username") for k in ("6", "5", "4")] == ["admin", "mgr1", "sup1"]
        assert table.get_cell("5", "role") == "客户经理" and table.get_cell("5", "customers") == "2"
        await pilot.press("f2")
        form = await dialog(pilot, StaffForm)
        roles = [str(o[0]) for o in form.query_one("#f-role")._options]
        assert roles == ["坐席", "质检员", "班长", "客户经理", "管理员"]
        assert [str(b.label) for b in form.query("#f-queues Checkbox")] == ["retail", "vip", "ringall"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error(form, "username") == "请填写用户名" and error(form, "name") == "请填写姓名"
        form.query_one("#f-username").value = "zhaoli"
        form.query_one("#f-name").value = "赵丽"
        form.query_one("#f-extension").value = "1001"
        form.query_one("#q-0").value = True
        form.query_one("#q-1").value = True
        form.query_one("#f-password").value = "Lotus-Pond-2026"
        form.query_one("#f-password2").value = "Lotus-Pond-2027"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error(form, "password2") == "两次输入的密码不一致"
        form.query_one("#f-password2").value = "Lotus-Pond-2026"
        await pilot.press("ctrl+s")  # the server refuses 1001: under the extension, the form stays
        await until(pilot, lambda: error(form, "extension") != "")
        assert error(form, "extension") == "分机 1001 已分配给 agent1（张伟），一个分机只能属于一名在职员工"
        assert pilot.app.screen is form and form.query_one("#f-name").value == "赵丽"
        form.query_one("#f-extension").value = "1010"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: pilot.app.screen is screen)
        made = staff_row(seeded_engine, "zhaoli")
        assert (made.extension, made.queues, made.role, bool(made.password_hash)) == (
            "1010", "retail,vip", "agent", True)
        key = str(made.id)
        await until(pilot, lambda: key in table.rows)
        assert table.get_row_index(key) == table.cursor_row  # the new account is selected
        await pilot.press("f3")
        form = await dialog(pilot, StaffForm)
        assert form.query_one("#f-extension").value == "1010" and not form.query("#f-password")
        form.query_one("#q-1").value = False
        await pilot.press("ctrl+s")
        await until(pilot, lambda: pilot.app.screen is screen)
        await until(pilot, lambda: table.get_cell(key, "queues") == "retail")
        assert staff_row(seeded_engine, "zhaoli").queues == "retail"


async def test_password_disable_enable_import_and_customers(seeded_engine, seed, tmp_path):
    csv = tmp_path / "staff.csv"
    csv.write_text("username,name,role,extension,queues\nmgr2,林经理,manager,2002,\nbad,坏行,agent,1x,\n",
                   encoding="utf-8")
    async with staff_app(seeded_engine, tmp_path) as (app, client), app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        table = screen.query_one("#staff-table")
        table.move_cursor(row=table.get_row_index(str(seed.staff["agent2"])))
        await pilot.press("f4")
        box = await dialog(pilot, PasswordDialog)
        box.query_one("#f-password").value = box.query_one("#f-password2").value = "short"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: error(box, "password") == "密码至少 10 个字符（现为 5 个）")
        box.query_one("#f-password").value = box.query_one("#f-password2").value = "New-Pass-2026"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: pilot.app.screen is screen)
        await client.login("agent2", "New-Pass-2026")
        await client.login("admin", PASSWORD)
        await pilot.press("f6")
        await dialog(pilot, ConfirmDialog)
        await pilot.press("y")
        key = str(seed.staff["agent2"])
        await until(pilot, lambda: table.get_cell(key, "state") == "已停用")
        assert staff_row(seeded_engine, "agent2").active is False
        await pilot.press("f6")  # enabling asks nothing
        await until(pilot, lambda: table.get_cell(key, "state") == "在职")
        await pilot.press("f7")
        box = await dialog(pilot, ImportDialog)
        box.query_one("#import-file").value = str(csv)
        await pilot.press("enter")
        result = box.query_one("#import-result")
        await until(pilot, lambda: "第 3 行" in str(result.render()))
        assert "共 2 行：新增 1，修改 0，未变 0，拒绝 1" in str(result.render())
        assert "extension: 分机号「1x」无效" in str(result.render())
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == 7)
        table.move_cursor(row=table.get_row_index(str(seed.staff["mgr1"])))
        await pilot.press("f8")
        box = await dialog(pilot, CustomersDialog)
        customers = box.query_one("#customers-table")
        await until(pilot, lambda: customers.row_count == 2)
        box.query_one("#customers-transfer").press()
        await until(pilot, lambda: error(box, "to") == "请选择接收的客户经理")
        box.query_one("#customers-to").value = staff_row(seeded_engine, "mgr2").id
        box.query_one("#customers-transfer").press()
        await until(pilot, lambda: customers.row_count == 0)
        await pilot.press("escape")
        await until(pilot, lambda: table.get_cell(str(seed.staff["mgr1"]), "customers") == "0")
        with session_scope(seeded_engine) as s:
            assert s.get(Customer, seed.known).manager_id == staff_row(seeded_engine, "mgr2").id


async def test_a_supervisor_has_no_staff_key(seeded_engine, tmp_path):
    async with staff_app(seeded_engine, tmp_path, username="sup1") as (app, _), app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await pilot.pause(0.2)
        assert not isinstance(pilot.app.screen, StaffScreen)
        assert "f11" not in app.board_screen._bindings.key_to_bindings


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_snapshot_of_the_staff_screen(seeded_engine, tmp_path, locale):
    async with staff_app(seeded_engine, tmp_path, locale=locale) as (app, _), app.run_test(size=SIZE) as pilot:
        await open_staff(pilot)
        await pilot.pause(0.2)
        check_svg(f"staff[{locale}]", app.export_screenshot(title="supervisor staff"))


async def test_a_locked_account_is_shown_and_unlocked_with_f9(seeded_engine, seed, tmp_path):
    from console.store.models import LoginLock

    with session_scope(seeded_engine) as s:  # agent3 failed [login] lockout_after times
        s.add(LoginLock(username="agent3", failures=20, last_failure_at=NOW, locked_at=NOW))
    async with staff_app(seeded_engine, tmp_path) as (app, client), app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        table = screen.query_one("#staff-table")
        key = str(seed.staff["agent3"])
        assert table.get_cell(key, "state") == "在职 · 已锁定"
        assert table.get_cell(str(seed.staff["agent2"]), "state") == "在职"
        table.move_cursor(row=table.get_row_index(key))
        await pilot.pause()
        assert "已锁定" in str(screen.query_one("#staff-detail").render())
        await pilot.press("f9")
        await until(pilot, lambda: table.get_cell(key, "state") == "在职")
        await client.login("agent3", PASSWORD)
        with session_scope(seeded_engine) as s:
            assert s.exec(select(LoginLock)).all() == []
