"""Every capture through the replay server and a real Bridge over TCP = the offline replay."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest

from telephony import actions
from telephony.bridge import Bridge
from telephony.replay import replay
from telephony.replay_server import ReplayServer
from telephony.transcripts import Transcript, load

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami-transcripts"
CAPTURES = sorted(FIXTURES.glob("*.jsonl"))


def without_t(events: list[Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in ev.to_json().items() if k != "t"} for ev in events]


async def fast_sleep(_delay: float) -> None:
    await asyncio.sleep(0)


async def run_through_bridge(source: Transcript | ReplayServer, *, encoding: str = "utf-8", **server_kw: Any):
    """Serve, let a Bridge consume everything, return (domain events, bridge, server)."""
    server = source if isinstance(source, ReplayServer) else ReplayServer(source, **server_kw)
    async with server:
        user, secret = server.username, server.secret
        bridge = Bridge("pbx", "127.0.0.1", server.port, user, secret, encoding=encoding,
                        sleep=fast_sleep, rng=random.Random(3), clock=lambda: 0.0, boot_timeout_s=5)
        stream = bridge.events()
        task = asyncio.create_task(bridge.run())
        async with asyncio.timeout(30):
            await server.finished.wait()
            while not bridge.connected:
                await asyncio.sleep(0.01)
            await bridge.conn.send(actions.ping())  # answered after every frame before it
        await bridge.close()
        await task
    events = []
    while True:
        try:
            events.append(await asyncio.wait_for(anext(stream), 0.001))
        except (asyncio.TimeoutError, StopAsyncIteration):
            break
    return events, bridge, server


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
async def test_capture_over_tcp_gives_the_offline_events(path: Path) -> None:
    expected = without_t(list(replay(path)))
    got, bridge, server = await run_through_bridge(load(path), chunk=(1, 97), seed=len(path.stem), timestamps=True)
    assert without_t(got) == expected
    conns = len({f.conn for f in load(path).frames})
    assert server.connections == conns and bridge.reconnects == conns - 1
