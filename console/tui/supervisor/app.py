"""The supervisor App: a thin composition root, like the agent console's.

It owns the one long-lived stream worker (exclusive), a one-second tick and Ctrl-C (which asks
first, as the agent console does during a call: a supervisor may be typing a campaign); the board
screen does the rest.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path

from textual.app import App

from console.i18n import t
from console.tui.keys import install
from console.tui.quit_confirm import QUIT_KEYS, QuitConfirm
from console.tui.stream import follow_stream
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.messages import supervisor_message
from console.tui.supervisor.screen import BoardScreen


class SupervisorApp(App[None]):
    CSS_PATH = Path(__file__).with_name("supervisor.tcss")

    def __init__(self, ctx: SupervisorContext, keymap: dict[str, str] | None = None, stream: bool = True,
                 tick_s: float = 1.0) -> None:
        super().__init__()
        self.ctx = ctx
        self.stream = stream
        self.tick_s = tick_s
        self.board_screen = BoardScreen(ctx)
        install(self, QUIT_KEYS)
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        self.title = self.ctx.center.center_name or t("sup.title")
        self.sub_title = self.ctx.user.name or self.ctx.user.username
        if self.ctx.user.role == "qa":  # a QA reviewer: the reviews are the whole app (no live board)
            from console.tui.supervisor.qa_screen import QaScreen

            self.push_screen(QaScreen(self.ctx))
            return
        mounted = self.push_screen(self.board_screen)
        if self.stream:
            self.run_worker(self._follow(mounted), name="stream", group="stream", exclusive=True)
        if self.tick_s:
            self.set_interval(self.tick_s, self.board_screen.tick)

    async def _follow(self, mounted: Awaitable[object]) -> None:
        await mounted  # the board's widgets exist before the first frame is handled
        # Messages go to the board even while the report screen is on top of it.
        await follow_stream(self.ctx.client, self.board_screen.post_message, translate=supervisor_message)

    def action_request_quit(self) -> None:
        """Ctrl-C asks; Ctrl-C again (or Y) in the dialog quits."""
        if isinstance(self.screen, QuitConfirm):
            self.exit()
            return
        self.push_screen(QuitConfirm("board", title=t("sup.quit.title"), body=t("sup.quit.body")),
                         lambda quit_now: self.exit() if quit_now else None)

    async def on_unmount(self) -> None:
        await self.ctx.client.close()
