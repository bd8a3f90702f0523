"""The console run offline (no server): for widget tests and snapshots fed with real frames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from console.tui.agent.context import AgentContext
from console.tui.agent.drafts import DraftStore
from console.tui.app import AgentApp
from console.tui.models import CenterConfig, User
from console.tui.stream import AgentStateChanged, ConnectionStateChanged, message_for
from tests.tui import frames

AGENT = User(id=1, username="agent1", name="张伟", role="agent", extension="1001", queues=["retail", "vip"])


def offline_app(tmp_path: Path, keymap: dict[str, str] | None = None, freeze_heap: bool = False) -> AgentApp:
    ctx = AgentContext(user=AGENT, center=CenterConfig.model_validate(frames.CENTER), client=None,
                       clock=frames.frozen_clock, drafts=DraftStore(tmp_path / "drafts.json"))
    return AgentApp(ctx, keymap=keymap, freeze_heap=freeze_heap)


async def feed(pilot: Any, *frame_list: dict[str, Any]) -> None:
    """Frames through the same decoder as the stream worker, into the agent screen."""
    app = pilot.app
    for frame in frame_list:
        message = message_for(frame, app.ctx.agent_id)
        assert message is not None, frame
        app.agent_screen.post_message(message)
        await pilot.pause()


async def settle(pilot: Any) -> None:
    """Connected and available, cursors not blinking: a stable picture."""
    app = pilot.app
    app.agent_screen.post_message(ConnectionStateChanged("connected"))
    app.agent_screen.post_message(AgentStateChanged("available"))
    await pilot.pause()
    for box in app.query(Input):
        box.cursor_blink = False
    await pilot.pause()
