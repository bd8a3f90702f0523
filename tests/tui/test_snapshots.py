"""Snapshots (SVG) of the key screens, in Chinese and in English, with a frozen clock."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from console.i18n import set_locale
from console.tui.agent.search import SearchPanel
from console.tui.models import Customer
from tests.tui import frames
from tests.tui.offline import feed, offline_app, settle

SIZE = (140, 40)
LOCALES = pytest.mark.parametrize("locale", ["zh_CN", "en"])


def app_in(locale, tmp_path):
    set_locale(locale)
    return offline_app(tmp_path)


async def _still(pilot) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@LOCALES
def test_idle(snap_compare, locale, tmp_path):
    assert snap_compare(app_in(locale, tmp_path), terminal_size=SIZE, run_before=settle)


@LOCALES
def test_pop(snap_compare, locale, tmp_path):
    async def ring(pilot):
        await settle(pilot)
        await feed(pilot, frames.pop("known"))

    assert snap_compare(app_in(locale, tmp_path), terminal_size=SIZE, run_before=ring)


@LOCALES
def test_ambiguous_pop(snap_compare, locale, tmp_path):
    async def ring(pilot):
        await settle(pilot)
        await feed(pilot, frames.pop("ambiguous"))

    assert snap_compare(app_in(locale, tmp_path), terminal_size=SIZE, run_before=ring)


@LOCALES
def test_ticket_form(snap_compare, locale, tmp_path):
    async def open_form(pilot):
        await settle(pilot)
        await feed(pilot, frames.pop("known"))
        await pilot.press("f9")
        await pilot.pause()
        await _still(pilot)

    assert snap_compare(app_in(locale, tmp_path), terminal_size=SIZE, run_before=open_form)


@LOCALES
def test_wrap_up(snap_compare, locale, tmp_path):
    async def end_call(pilot):
        await settle(pilot)
        call = "1700000000.1"
        await feed(pilot, frames.pop("known", call=call), frames.event("answered", call=call, agent="1001"),
                   frames.event("ended", call=call, caller="13800000001", agent="1001", queue="vip",
                                outcome="answered", hangup_by="caller", talk_s=65))
        await _still(pilot)

    assert snap_compare(app_in(locale, tmp_path), terminal_size=SIZE, run_before=end_call)


@LOCALES
def test_call_ringing_over_a_wrap_up(snap_compare, locale, tmp_path):
    """A's wrap-up waits (counted on the status bar) while B's call has the card and the keys."""
    async def ring_over(pilot):
        await settle(pilot)
        a, b = "1700000000.1", "1700000001.1"
        await feed(pilot, frames.pop("known", call=a), frames.event("answered", call=a, agent="1001"),
                   frames.event("ended", call=a, caller="13800000001", agent="1001", queue="vip",
                                outcome="answered", hangup_by="caller", talk_s=65),
                   frames.pop("ambiguous", call=b, number="+8613900000002"))
        await _still(pilot)

    assert snap_compare(app_in(locale, tmp_path), terminal_size=SIZE, run_before=ring_over)


@LOCALES
def test_search_results(snap_compare, locale, tmp_path):
    async def search(pilot):
        await settle(pilot)
        await pilot.press("f3")
        found = [Customer.model_validate(frames.customer()),
                 Customer.model_validate(frames.customer(id=43, name="张珊", client_no="310000654321",
                                                         tier="silver", branch="北京营业部"))]
        pilot.app.agent_screen.query_one(SearchPanel).show_results("zs", found)
        await _still(pilot)

    assert snap_compare(app_in(locale, tmp_path), terminal_size=SIZE, run_before=search)
