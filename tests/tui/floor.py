"""A call floor on loopback for the console's end-to-end tests: the real server, a replayed
capture as its PBX, and agent consoles logged in to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from console.tui.agent.context import AgentContext
from console.tui.agent.drafts import DraftStore
from console.tui.app import AgentApp
from console.tui.client import Client
from console.tui.recording_player import RecordingPlayer
from tests.server.conftest import PASSWORD, server_settings
from tests.tui.frames import frozen_clock as console_clock

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"


class Floor:
    def __init__(self, engine: Any, tmp_path: Path, clock: Any) -> None:
        self.engine, self.tmp_path, self.clock = engine, tmp_path, clock
        self.replay: Any = None
        self.simulator: Any = None
        self.server: TestServer | None = None
        self.port = 0
        self.clients: list[Client] = []

    async def start(self, transcript: str | None = None, *, speed: float | None = None) -> str:
        """Start the server (with ``transcript`` replayed as its PBX); returns its base URL."""
        bridges = {}
        if transcript is not None:
            from telephony import transcripts
            from telephony.bridge import Bridge
            from telephony.replay_server import ReplayServer

            self.replay = ReplayServer(transcripts.load(TRANSCRIPTS / f"{transcript}.jsonl"), speed=speed)
            await self.replay.start()
            bridges["main"] = Bridge("main", "127.0.0.1", self.replay.port, self.replay.username,
                                     self.replay.secret)
        return await self.start_server(bridges)

    async def start_simulated(self, config: Any) -> str:
        """Start the server with the PBX simulator (``telephony.simulator``) as its PBX."""
        from telephony.bridge import Bridge
        from telephony.simulator.runner import Simulator

        self.simulator = Simulator(config)
        port = await self.simulator.start()
        return await self.start_server({"main": Bridge("main", "127.0.0.1", port, config.username, config.secret)})

    async def start_server(self, bridges: dict[str, Any] | None = None, settings: Any = None) -> str:
        from console.server.app import create_app

        app = create_app(settings or server_settings(), engine=self.engine, bridges=bridges or {}, clock=self.clock,
                         outbox_path=self.tmp_path / "outbox.sqlite3")
        # The same port on a restart, as a real `calldesk serve` would have.
        self.server = TestServer(app, host="127.0.0.1", port=self.port or None)
        await self.server.start_server()
        self.port = self.server.port
        return f"http://127.0.0.1:{self.port}"

    async def stop_server(self) -> None:
        if self.server is not None:
            await self.server.close()
            self.server = None

    async def console(self, username: str = "agent1", player: str = "") -> AgentApp:
        """An agent console logged in as ``username`` (not yet running); recordings it is asked
        for go to ``tmp_path/recordings-<username>``, played with the command ``player``."""
        client = Client(f"http://127.0.0.1:{self.port}")
        await client.login(username, PASSWORD)
        center = await client.config()
        self.clients.append(client)
        assert client.user is not None
        ctx = AgentContext(user=client.user, center=center, client=client, clock=console_clock,
                           drafts=DraftStore(self.tmp_path / f"drafts-{username}.json"),
                           recordings=RecordingPlayer(client, self.tmp_path / f"recordings-{username}", player))
        return AgentApp(ctx)

    async def close(self) -> None:
        for client in self.clients:
            await client.close()
        await self.stop_server()
        if self.replay is not None:
            await self.replay.close()
        if self.simulator is not None:
            await self.simulator.close()


async def until(pilot: Any, predicate: Any, timeout_s: float = 30.0) -> None:
    """Wait (yielding to the app) until ``predicate()`` holds; fail with a clear message if it never does.

    The timeout is generous: it guards against a hang, it does not measure speed.
    """
    import time

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition never held: {getattr(predicate, '__doc__', None) or predicate}")
        await pilot.pause(0.05)


async def pause_for_lunch(pilot: Any, app: Any) -> None:
    """F8, reason 'lunch', submit: the agent console's pause dialog as an agent uses it."""
    from textual.widgets import Select

    from console.tui.agent.call_controls import PauseDialog

    await pilot.press("f8")
    await until(pilot, lambda: isinstance(app.screen, PauseDialog))
    app.screen.query_one("#pause-reason", Select).value = "lunch"
    await pilot.click("#dialog-submit")


def ring_direct(floor: Floor, number: str, extension: str = "1001") -> None:
    """A caller dials an agent's own number on the simulated PBX (``Dial(PJSIP/<ext>,20)``): it
    rings that phone whether or not the queues hold the agent (paused, or owing a wrap-up)."""
    from telephony.simulator import inbound
    from telephony.simulator.model import CallSpec

    pbx = floor.simulator.pbx
    spec = CallSpec(number, did="95557", direct_to=extension, talk_s=None)
    pbx.clock.call_later(0, lambda: inbound.place_call(pbx, spec))
