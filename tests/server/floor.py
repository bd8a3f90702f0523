"""A call-center floor for tests: a recorded capture served by the replay server as the PBX,
the real Bridge (connection, tracker, resync) inside a real server, consoles on real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from console.server import keys
from telephony.bridge import Bridge
from telephony.replay_server import ReplayServer
from telephony.transcripts import Frame, load
from tests.server.conftest import bearer, login

CAPTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"
# The replay server streams once the client sends this list action (the bridge never does),
# so the test connects its consoles first.
GO = "QueueSummary"


@dataclass
class Console:
    username: str
    ws: aiohttp.ClientWebSocketResponse
    frames: list[dict[str, Any]] = field(default_factory=list)

    async def read_until(self, kind: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """The next frame of this kind (and these fields), keeping every frame read on the way."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.ws.receive_json()
                self.frames.append(frame)
                if frame["kind"] == kind and all(frame.get(k) == v for k, v in match.items()):
                    return frame

    async def drain(self) -> list[dict[str, Any]]:
        """Every frame already sent (call after the floor settled)."""
        while True:
            try:
                frame = await self.ws.receive_json(timeout=0.2)
            except TimeoutError:
                return self.frames
            self.frames.append(frame)

    def kinds(self) -> list[str]:
        return [f["kind"] for f in self.frames]


@dataclass
class Floor:
    client: TestClient
    server: ReplayServer
    bridge: Bridge
    consoles: dict[str, Console] = field(default_factory=dict)

    async def connect(self, *usernames: str) -> None:
        for username in usernames:
            token = await login(self.client, username)
            ws = await self.client.ws_connect("/ws", headers=bearer(token))
            console = Console(username, ws)
            await console.read_until("hello")
            self.consoles[username] = console

    async def go(self) -> None:
        async with asyncio.timeout(10):
            while not self.bridge.connected:
                await asyncio.sleep(0.01)
        await self.bridge.conn.send({"Action": GO})

    async def settle(self) -> None:
        """Wait until the capture is streamed and every event is handled and recorded."""
        await asyncio.wait_for(self.server.finished.wait(), 30)
        await self.client.app[keys.SERVICE].settle()
        await asyncio.wait_for(self.client.app[keys.RECORDER].idle(), 30)

    async def close(self) -> None:
        for console in self.consoles.values():
            await console.ws.close()


@asynccontextmanager
async def replay_floor(make_client: Any, capture: str, *, hold_until: str | None = GO,
                       cut_at: float | None = None, engine: Any = None, outbox_path: Any = None,
                       settings: Any = None, edit: Callable[[list[Frame]], list[Frame]] | None = None,
                       **server_kw: Any) -> AsyncIterator[Floor]:
    """``cut_at``: serve only the frames recorded before this time (the call stays up);
    ``edit``: rewrite the recorded frames first (e.g. add a channel variable)."""
    transcript = load(CAPTURES / f"{capture}.jsonl")
    if edit is not None:
        transcript.frames = edit(transcript.frames)
    if cut_at is not None:
        transcript.frames = [f for f in transcript.frames if f.t < cut_at]
    server = ReplayServer(transcript, speed=None, hold_until=hold_until, **server_kw)
    await server.start()
    bridge = Bridge("main", "127.0.0.1", server.port, server.username, server.secret)
    client = await make_client(bridges={"main": bridge}, engine=engine, outbox_path=outbox_path, settings=settings)
    floor = Floor(client, server, bridge)
    try:
        yield floor
    finally:
        await floor.close()
        await server.close()
