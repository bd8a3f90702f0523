"""Ctrl-C quits the console; in the middle of a call it asks first.

Textual takes Ctrl-C as a key (copy, or a hint that Ctrl+Q quits); an agent in a terminal
expects it to quit. Quitting during a ring, a call or a pending wrap-up would drop the
customer's context and an unsaved wrap-up, so then a small dialog asks. Ctrl-C pressed again
in the dialog quits: the second press is the answer.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from console.i18n import t
from console.tui.keys import KeySpec, install

QUIT_KEYS: tuple[KeySpec, ...] = (
    # Priority: an Input would otherwise take Ctrl-C as "copy" and the console would not quit.
    KeySpec("app.quit_ctrl_c", "ctrl+c", "request_quit", "console.key.quit", show=False, priority=True),
)

CONFIRM_KEYS: tuple[KeySpec, ...] = (
    KeySpec("quit.yes", "y", "quit_now", "console.quit.yes"),
    KeySpec("quit.no", "escape,n", "stay", "console.quit.no"),
)


class QuitConfirm(ModalScreen[bool]):
    """Returns True to quit, False to stay."""

    def __init__(self, state: str, *, title: str | None = None, body: str | None = None) -> None:
        """``title`` and ``body`` replace the agent console's texts (the supervisor app's)."""
        super().__init__()
        self.state = state
        self.title_text = title or t("console.quit.title")
        self.body_text = body or t("console.quit.body", state=t(f"console.state.{state}"))
        install(self, CONFIRM_KEYS)

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-form", classes="form"):
            yield Label(self.title_text, classes="form-title")
            yield Label(self.body_text, id="quit-body")
            with Horizontal(classes="form-buttons"):
                yield Button(t("console.quit.yes"), id="quit-yes", variant="error")
                yield Button(t("console.quit.no"), id="quit-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#quit-no", Button).focus()  # Enter by reflex keeps the call

    @on(Button.Pressed, "#quit-yes")
    def action_quit_now(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#quit-no")
    def action_stay(self) -> None:
        self.dismiss(False)
