"""Shared by the TCP tests: run a Bridge against a replay server until everything is consumed."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from telephony import actions
from telephony.bridge import Bridge
from telephony.replay_plan import ConnPlan
from telephony.replay_server import ReplayServer
from telephony.transcripts import Frame, Transcript


def transcript_of(path: Path, messages: Iterable[tuple[dict[str, str], float]]) -> Transcript:
    """Parsed AMI events (with their times) as the text Asterisk sends, ``Event`` first, for the
    replay server: a peer recording, or a scripted call."""
    frames = [Frame(t=t, dir="recv", raw="".join(
        f"{k}: {v}\r\n" for k, v in sorted(m.items(), key=lambda kv: kv[0] != "Event")).encode())
        for m, t in messages]
    return Transcript(path=path, frames=frames)


def without_t(events: list[Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in ev.to_json().items() if k != "t"} for ev in events]


class SleepLog:
    """The Bridge's injected sleep: records the backoff delays, waits no wall time."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


async def run_through_bridge(
    source: Transcript | Sequence[ConnPlan], *, encoding: str = "utf-8", bridge_kw: dict[str, Any] | None = None,
    **server_kw: Any,
) -> tuple[list[Any], Bridge, ReplayServer]:
    """Serve ``source``, let a Bridge consume all of it; return (domain events, bridge, server)."""
    server = ReplayServer(source, encoding=encoding, **server_kw)
    kw: dict[str, Any] = {"sleep": SleepLog(), "rng": random.Random(3), "clock": lambda: 0.0, "boot_timeout_s": 5}
    kw.update(bridge_kw or {})
    async with server:
        bridge = Bridge("pbx", "127.0.0.1", server.port, server.username, server.secret, encoding=encoding, **kw)
        stream = bridge.events()
        task = asyncio.create_task(bridge.run())
        async with asyncio.timeout(30):
            await server.finished.wait()
            while not bridge.connected or bridge.conn.protocol is None or bridge.conn.protocol.closed:
                await asyncio.sleep(0.01)
            await bridge.conn.send(actions.ping())  # answered after every frame before it
        await bridge.close()
        await task
    events = []
    while True:
        try:
            events.append(await asyncio.wait_for(anext(stream), 0.001))
        except (TimeoutError, StopAsyncIteration):
            break
    return events, bridge, server
