"""After the call: a disposition (required), notes, and the after-call-work clock running.

The panel only collects and validates; the screen sends it and, once the server has it, the
agent is made available again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select

from console.i18n import t
from console.tui.text import duration


class WrapUpPanel(Vertical):
    class WrapUpSubmitted(Message):
        def __init__(self, call: str, disposition: str, notes: str) -> None:
            super().__init__()
            self.call, self.disposition, self.notes = call, disposition, notes

    def __init__(self, clock: Callable[[], dt.datetime], **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.call: str | None = None
        self.started: dt.datetime | None = None

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

    def open(self, call: str, dispositions: list[tuple[str, str]], outcome: str = "") -> None:
        self.call, self.started = call, self.clock()
        select = self.query_one("#wrapup-disposition", Select)
        select.set_options(dispositions)
        select.clear()
        self.query_one("#wrapup-notes", Input).value = ""
        self.query_one("#wrapup-error").display = False
        self._tick()
        self.display = True
        select.focus()

    def close(self) -> None:
        self.call = self.started = None
        self.display = False

    def _tick(self) -> None:
        if self.started is not None:
            elapsed = (self.clock() - self.started).total_seconds()
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
