"""The agent console App: a thin composition root.

It owns the one long-lived stream worker (exclusive) and the keymap; everything else is the
agent screen's. Two ways in: ``AgentApp(ctx)`` with a ready context (``client=None`` runs it
offline, for widget tests and snapshots), or ``AgentApp.connecting(connect)``, which paints at
once and logs in behind a "connecting" line, so the first frame does not wait for the network.
That line is all the first frame needs: the agent screen (its widgets, the models, the HTTP and
stream client) is imported after it, while logging in (issue 18: ~150 ms of imports).

``freeze_heap=True`` (for the process's owner, ``calldesk console``; never tests, which run many
apps in one process) freezes the garbage collector's view of the start-up heap once the agent
screen is up: a full collection walked Textual's and the app's tens of thousands of long-lived
objects, 70 ms on average and up to 150 ms, and landed in some pop (issue 18).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widgets import Label

from console.heap import freeze_start_up_heap
from console.i18n import t
from console.tui.keys import AGENT_KEYS, actions, install
from console.tui.quit_confirm import QUIT_KEYS, QuitConfirm

if TYPE_CHECKING:
    from console.tui.agent.context import AgentContext
    from console.tui.agent.screen import AgentScreen

Connect = Callable[[], Awaitable["AgentContext"]]
FREEZE_AFTER_S = 0.2


class ConnectingScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Label(t("console.link.connecting"), id="connecting")


class AgentApp(App[None]):
    CSS_PATH = Path(__file__).with_name("agent.tcss")  # absolute: subclasses may live anywhere

    def __init__(self, ctx: AgentContext | None = None, keymap: dict[str, str] | None = None,
                 stream: bool = True, connect: Connect | None = None, freeze_heap: bool = False) -> None:
        super().__init__()
        if (ctx is None) == (connect is None):
            raise ValueError("AgentApp needs a context or a way to connect, not both")
        self._connect, self._stream, self._freeze_heap = connect, stream, freeze_heap
        self.login_error: str | None = None  # why connecting failed; the CLI prints it
        self.ctx: AgentContext = ctx  # type: ignore[assignment] - set by _connected when connecting
        self.agent_screen: AgentScreen = None  # type: ignore[assignment] - set with the context
        if ctx is not None:
            from console.tui.agent.screen import AgentScreen

            self.agent_screen = AgentScreen(ctx)
        install(self, QUIT_KEYS)
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        if self._connect is not None:
            connecting = ConnectingScreen()
            self.push_screen(connecting)
            # Once the line is painted: logging in imports the HTTP client and the agent screen
            # on this loop before its first await, which would hold the first frame back.
            connecting.call_after_refresh(self._begin_log_in)
        else:
            self._start()

    def _begin_log_in(self) -> None:
        assert self._connect is not None
        self.run_worker(self._log_in(self._connect), name="login", exclusive=True)

    async def _log_in(self, connect: Connect) -> None:
        from console.tui.client import ApiError

        try:
            ctx = await connect()
        except ApiError as exc:
            self.login_error = exc.message
            self.exit(return_code=2)
            return
        from console.tui.agent.screen import AgentScreen

        self.ctx, self.agent_screen = ctx, AgentScreen(ctx)
        self._start()

    def _start(self) -> None:
        self.title = self.ctx.center.center_name or t("console.title")
        self.sub_title = self.ctx.user.name or self.ctx.user.username
        mounted = self.push_screen(self.agent_screen)
        if self._freeze_heap:
            # Shortly after the first paint of the agent screen, not in its frame.
            self.set_timer(FREEZE_AFTER_S, freeze_start_up_heap)
        if self._stream and self.ctx.client is not None:
            self.run_worker(self._follow(mounted), name="stream", group="stream", exclusive=True)

    async def _follow(self, mounted: Awaitable[object]) -> None:
        from console.tui.stream import follow_stream

        assert self.ctx.client is not None
        # A frame handled before the screen has composed its widgets would find none of them
        # (a hello restoring a wrap-up right after log-in): follow once it is mounted.
        await mounted
        # Messages go to the agent screen even while a dialog is on top of it.
        await follow_stream(self.ctx.client, self.agent_screen.post_message, me=self.ctx.agent_id)

    def action_request_quit(self) -> None:
        """Ctrl-C: quit, after asking if a call is ringing, up or waiting for its wrap-up."""
        state = self.agent_screen.call_state if self.agent_screen is not None else "idle"
        if state == "idle" or isinstance(self.screen, QuitConfirm):
            self.exit()
            return
        self.push_screen(QuitConfirm(state), lambda quit_now: self.exit() if quit_now else None)

    async def on_unmount(self) -> None:
        if self.ctx is not None and self.ctx.client is not None:
            await self.ctx.client.close()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is self.agent_screen:
            # Every agent action is reachable from the palette, under its translated name.
            for action, description, key in actions(AGENT_KEYS):
                yield SystemCommand(description, f"{t('console.key.hint')} {key}",
                                    lambda a=action: screen.run_action(a))
