"""Numbers in national form on the screen, and the digits the quick search is pre-filled with."""

from __future__ import annotations

import pytest

from console.tui.agent.call_banner import CallBanner
from console.tui.phone_text import dialable_digits, display_number
from tests.tui import frames
from tests.tui.offline import feed, offline_app, settle


@pytest.mark.parametrize(("e164", "shown", "digits"), [
    ("+8618031746010", "180 3174 6010", "18031746010"),
    ("+8617912345678", "179 1234 5678", "17912345678"),  # a real range phonenumbers calls invalid
    ("+8657185168151", "0571-8516 8151", "057185168151"),
    ("+862161234567", "021-6123 4567", "02161234567"),
    ("+861061234567", "010-6123 4567", "01061234567"),  # Beijing: starts with 1, not a mobile
    ("+864008001234", "400 800 1234", "4008001234"),
    ("95555", "95555", "95555"),
    ("+14155552671", "+1 415-555-2671", "0014155552671"),
    ("153****5833", "153****5833", ""),  # masked by the server: shown as is, never searched
])
def test_numbers_read_as_a_chinese_agent_reads_them(e164, shown, digits):
    assert display_number(e164) == shown
    assert dialable_digits(e164) == digits


@pytest.mark.parametrize(("caller_id", "shown"), [
    ("13800000001", "138 0000 0001"), ("02161234567", "021-6123 4567"), ("4008001234", "400 800 1234"),
    ("95555", "95555"), ("8613800000001", "138 0000 0001"), ("1380000000", "1380000000"),
])
def test_a_caller_id_as_the_pbx_gives_it_is_read_as_a_chinese_number(caller_id, shown):
    assert display_number(caller_id) == shown


def test_what_does_not_parse_is_shown_untouched():
    assert display_number("+86abc") == "+86abc"
    assert display_number(None) == ""


async def test_an_unknown_landline_shows_national_and_searches_with_the_trunk_zero(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("unknown", call="1700000000.7", number="+8657185168151"))
        await settle(pilot)
        screen = app.agent_screen
        assert "0571-8516 8151" in str(screen.query_one(CallBanner).render())
        assert screen.query_one("#search-input").value == "057185168151"
        assert "+8657185168151" not in app.export_screenshot()
