"""The real agent console of `calldesk bench screenpop --painted`, run headless in a child process.

    python -m console.cli.bench_painted SERVER_URL   (the token on standard input)

It is `calldesk console` as an agent runs it (the same log-in, stream worker, screens and
widgets), on Textual's headless driver. Each time a pop's card has been painted (the agent
screen's ``PopShown``, posted after the refresh that drew it) it prints one line,
``painted CALL WALL_TIME``, wall-clock seconds: the parent compares them with the moment it wrote
the call's ``AgentCalled`` to the AMI socket (same machine, same clock). ``ready`` is printed
once the console has its stream.
"""

from __future__ import annotations

import os
import sys
import time

from textual.widgets import Select

from console.tui.agent.screen import AgentScreen
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.app import AgentApp
from console.tui.text import choices


def tell(line: str) -> None:
    """One line to the parent: straight to the file descriptor (Textual captures ``print``)."""
    os.write(1, f"{line}\n".encode())


class PaintedConsole(AgentApp):
    """The agent console, telling its parent when each pop is on screen; and the agent's hand:
    a call's wrap-up is sent as soon as its panel is up (the after-call hold keeps an agent out
    of the queue until then; never sent, the owed wrap-ups would pile up as no agent's would)."""

    def on_mount(self) -> None:
        # Textual calls every class's on_mount along the MRO: AgentConsole's runs without a call here.
        self.set_interval(0.05, self._wrap_up)

    def on_agent_screen_pop_shown(self, message: AgentScreen.PopShown) -> None:
        tell(f"painted {message.call} {time.time():.6f}")

    def _wrap_up(self) -> None:
        screen = self.agent_screen
        if screen is None or screen.call_state != "wrap_up" or not screen.is_mounted:
            return
        panel = screen.query_one(WrapUpPanel)
        if not panel.display or panel.item is None:
            return
        (_, first), *_ = choices(self.ctx.center.dispositions, "disposition")
        panel.query_one("#wrapup-disposition", Select).value = first
        panel.submit()


def main(argv: list[str]) -> int:
    from console.cli.console import _connect
    from console.config import ConsoleSettings
    from console.i18n import set_locale

    set_locale("zh_CN")
    server, token = argv[0], sys.stdin.readline().strip()

    async def connect():  # AgentApp's own connect type
        ctx = await _connect(server, ("", None, token), ConsoleSettings())
        tell("ready")
        return ctx

    app = PaintedConsole(connect=connect, freeze_heap=True)
    app.run(headless=True, size=(140, 40))
    return 0 if app.login_error is None else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
