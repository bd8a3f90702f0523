"""The agent console App: a thin composition root.

It owns the one long-lived stream worker (exclusive) and the keymap; everything else is the
agent screen's. ``client=None`` in the context runs it offline, for widget tests and snapshots.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from console.i18n import t
from console.tui.agent.context import AgentContext
from console.tui.agent.screen import AgentScreen
from console.tui.keys import AGENT_KEYS, actions
from console.tui.stream import follow_stream


class AgentApp(App[None]):
    CSS_PATH = Path(__file__).with_name("agent.tcss")  # absolute: subclasses may live anywhere

    def __init__(self, ctx: AgentContext, keymap: dict[str, str] | None = None,
                 stream: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.stream = stream and ctx.client is not None
        self.agent_screen = AgentScreen(ctx)
        if keymap:
            self.set_keymap(keymap)

    def on_mount(self) -> None:
        self.title = self.ctx.center.center_name or t("console.title")
        self.sub_title = self.ctx.user.name or self.ctx.user.username
        self.push_screen(self.agent_screen)
        if self.stream:
            self.run_worker(self._follow(), name="stream", group="stream", exclusive=True)

    async def _follow(self) -> None:
        assert self.ctx.client is not None
        # Messages go to the agent screen even while a dialog is on top of it.
        await follow_stream(self.ctx.client, self.agent_screen.post_message, me=self.ctx.agent_id)

    async def on_unmount(self) -> None:
        if self.ctx.client is not None:
            await self.ctx.client.close()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, AgentScreen):
            # Every agent action is reachable from the palette, under its translated name.
            for action, description, key in actions(AGENT_KEYS):
                yield SystemCommand(description, f"{t('console.key.hint')} {key}",
                                    lambda a=action: screen.run_action(a))
