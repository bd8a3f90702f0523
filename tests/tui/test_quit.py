"""Ctrl-C quits the console at once when no call is up, and asks first during a call."""

from __future__ import annotations

from console.i18n import set_locale
from console.tui.quit_confirm import QuitConfirm
from tests.tui import frames
from tests.tui.offline import feed, offline_app, settle

CALL = "1700000000.9"


async def test_ctrl_c_quits_an_idle_console_even_from_the_search_box(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")  # focus in an Input, whose own Ctrl-C is "copy"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app._exit, "an idle console quits on Ctrl-C"
    assert app.return_code == 0


async def test_ctrl_c_during_a_ring_asks_in_chinese_and_escape_keeps_the_call(tmp_path):
    set_locale("zh_CN")
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("known", call=CALL))
        assert app.agent_screen.call_state == "ringing"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, QuitConfirm)
        assert "振铃" in str(app.screen.query_one("#quit-body").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not app._exit and app.screen is app.agent_screen
        assert app.agent_screen.pop is not None and app.agent_screen.pop.call == CALL
        await pilot.press("ctrl+c")
        await pilot.press("y")
        await pilot.pause()
        assert app._exit


async def test_a_second_ctrl_c_in_the_dialog_quits(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("known", call=CALL))
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, QuitConfirm) and not app._exit
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app._exit


async def test_the_ctrl_c_quit_key_is_remapped_by_config(tmp_path):
    app = offline_app(tmp_path, keymap={"app.quit_ctrl_c": "ctrl+x"})
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert app._exit
