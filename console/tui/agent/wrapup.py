"""After the call: a disposition (required), notes, and the after-call-work clock running.

The panel shows one :class:`~console.tui.agent.wrapups.PendingWrapUp` at a time, named in its
title, and writes what was typed back into it when it turns to another call or hides (a call
ringing over it), so nothing typed is lost. It only collects and validates; the screen sends it
and, once the server has it, the agent is made available again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select

from console.i18n import t
from console.tui.agent.wrapups import PendingWrapUp
from console.tui.text import duration


class WrapUpPanel(Vertical):
    class WrapUpSubmitted(Message):
        def __init__(self, call: str, disposition: str, notes: str) -> None:
            super().__init__()
            self.call, self.disposition, self.notes = call, disposition, notes

    def __init__(self, clock: Callable[[], dt.datetime], tz: ZoneInfo, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock, self.tz = clock, tz
        self.item: PendingWrapUp | None = None

    @property
    def call(self) -> str | None:
        return self.item.call if self.item is not None else None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(t("console.wrapup.disposition"), classes="form-label")
            yield Select([], prompt=t("console.wrapup.choose"), id="wrapup-disposition")
        yield Label("", id="wrapup-error", classes="error")
        with Horizontal(classes="form-row"):
            yield Label(t("console.wrapup.notes"), classes="form-label")
            yield Input(id="wrapup-notes")
        with Horizontal(classes="form-row"):
            yield Label("", id="wrapup-timer")
            yield Button(t("console.wrapup.submit"), id="wrapup-submit", variant="primary")

    def on_mount(self) -> None:
        self.border_title = t("console.wrapup.title")
        self.query_one("#wrapup-error").display = False
        self.set_interval(1.0, self._tick)

    def show(self, item: PendingWrapUp, dispositions: list[tuple[str, str]]) -> None:
        """Show ``item``'s wrap-up with its draft (already on it: only the focus moves)."""
        select = self.query_one("#wrapup-disposition", Select)
        if item is not self.item or not self.display:
            self.stash()
            self.item = item
            select.set_options(dispositions)
            if item.disposition is not None and any(value == item.disposition for _, value in dispositions):
                select.value = item.disposition
            else:
                select.clear()
            self.query_one("#wrapup-notes", Input).value = item.notes
            self.query_one("#wrapup-error").display = False
            self._tick()
            self.display = True
        self.border_title = t("console.wrapup.title_for", caller=item.caller(self.tz))
        select.focus()

    def hide(self) -> None:
        """Out of the way, the draft kept in its wrap-up (a call rings, or it was sent)."""
        self.stash()
        self.item = None
        self.display = False

    def stash(self) -> None:
        if self.item is None:
            return
        value = self.query_one("#wrapup-disposition", Select).value
        self.item.disposition = None if value is Select.NULL else str(value)
        self.item.notes = self.query_one("#wrapup-notes", Input).value

    def _tick(self) -> None:
        if self.item is not None:
            elapsed = (self.clock() - self.item.started).total_seconds()
            self.query_one("#wrapup-timer", Label).update(t("console.wrapup.timer", time=duration(elapsed)))

    def show_error(self, text: str) -> None:
        error = self.query_one("#wrapup-error", Label)
        error.update(text)
        error.display = True

    @on(Button.Pressed, "#wrapup-submit")
    @on(Input.Submitted, "#wrapup-notes")
    def submit(self) -> None:
        select = self.query_one("#wrapup-disposition", Select)
        if select.value is Select.NULL or select.is_blank():
            self.show_error(t("console.wrapup.required"))
            select.focus()
            return
        if self.call is not None:
            self.post_message(self.WrapUpSubmitted(self.call, str(select.value),
                                                   self.query_one("#wrapup-notes", Input).value.strip()))
