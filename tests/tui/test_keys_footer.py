"""The footer of key hints is rebuilt only when the keys it shows change (issue 18: a pop
recomposed it on every focus change, a fifth of the pop's time)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from console.tui.keys_footer import KeysFooter
from tests.tui import frames
from tests.tui.offline import feed, offline_app, settle


async def test_pops_that_move_the_focus_do_not_rebuild_the_footer(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        footer = app.agent_screen.query_one(KeysFooter)
        before, keys = footer.rebuilds, [k.key for k in footer.query(FooterKey)]
        for i in range(3):
            call = f"1700000000.{i}"
            # An ambiguous pop focuses the candidate list; the caller leaving hides it, and the
            # focus moves again. Each moves the focus, none changes the keys.
            await feed(pilot, frames.pop("ambiguous", call=call),
                       frames.event("ring_stopped", call=call, agent="1001", reason="caller_left"))
        await pilot.pause()
        assert footer.rebuilds == before
        assert [k.key for k in footer.query(FooterKey)] == keys
        assert "f5" in keys


class Extra(Button):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f7", "press", "extra")]


class Keys(App[None]):
    def compose(self) -> ComposeResult:
        yield Button("plain", id="plain")
        yield Extra("extra", id="extra")
        yield KeysFooter()


async def test_the_footer_follows_keys_that_do_change():
    app = Keys()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        assert "f7" not in [k.key for k in footer.query(FooterKey)]
        app.query_one("#extra").focus()
        await pilot.pause()
        await pilot.pause()
        assert "f7" in [k.key for k in footer.query(FooterKey)]
        rebuilt = footer.rebuilds
        app.query_one("#plain").focus()
        await pilot.pause()
        await pilot.pause()
        assert "f7" not in [k.key for k in footer.query(FooterKey)]
        assert footer.rebuilds == rebuilt + 1
