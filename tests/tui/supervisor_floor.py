"""A floor for the supervisor app's tests: the real server (frozen clock) with today's calls in
its store, capture 10 replayed as its PBX up to the moment two agents talk and three callers
wait, and the supervisor app logged in to it.

The bridge's clock is injected (the replay carries no timestamps): it starts a minute before the
frozen "now" and steps 10 ms per event, so every wait and time in state is the same on every run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from console.server import keys
from console.store.db import session_scope
from console.store.models import Interaction
from console.tui.supervisor.app import SupervisorApp
from console.tui.supervisor.board_state import Thresholds
from console.tui.supervisor.client import SupervisorClient
from console.tui.supervisor.context import SupervisorContext
from tests.server.conftest import PASSWORD, server_settings

CAPTURE = (Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"
           / "10-supervisor-status-and-chanspy.jsonl")
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
LOCAL = dt.timezone(dt.timedelta(hours=8))

# Earlier today (local): (linkedid, queue, agent, HH:MM:SS, wait, talk, outcome)
TODAY = [
    ("t1", "retail", "1001", "08:05:00", 8, 120, "answered"),
    ("t2", "retail", "1002", "08:20:00", 35, 200, "answered"),
    ("t3", "retail", None, "08:40:00", 45, 0, "abandoned"),
    ("t4", "retail", "1001", "09:10:00", 12, 90, "answered"),
    ("t5", "retail", None, "09:12:00", 3, 0, "abandoned"),
    ("t6", "retail", "1003", "09:30:00", 25, 300, "answered"),
    ("t7", "vip", "1003", "09:45:00", 5, 400, "answered"),
]


def stepping_clock(start: float, step: float = 0.01):
    state = {"t": start}

    def clock() -> float:
        state["t"] += step
        return state["t"]

    return clock


def seed_today(engine: Any) -> None:
    with session_scope(engine) as s:
        for linkedid, queue, agent, hms, wait, talk, outcome in TODAY:
            started = dt.datetime.combine(dt.date(2026, 11, 22), dt.time.fromisoformat(hms), LOCAL)
            s.add(Interaction(pbx="main", linkedid=linkedid, queue=queue, agent_ext=agent, caller_number="1",
                              started_at=started.astimezone(dt.UTC), wait_s=wait, talk_s=talk, outcome=outcome))


@dataclass
class SupervisorFloor:
    server: TestServer
    replay: Any
    bridge: Any
    client: SupervisorClient

    @property
    def app(self) -> Any:
        return self.server.app

    def actions(self, name: str) -> list[dict[str, str]]:
        return [dict(a) for a in self.replay.actions if a.get("Action") == name]

    def supervisor_app(self, thresholds: Thresholds | None = None) -> SupervisorApp:
        ctx = SupervisorContext(user=self.client.user, client=self.client, clock=lambda: NOW,
                                thresholds=thresholds or Thresholds())
        return SupervisorApp(ctx, tick_s=0)


@asynccontextmanager
async def supervisor_floor(engine: Any, tmp_path: Path, username: str = "sup1",
                           cut_at: float = 20.0) -> AsyncIterator[SupervisorFloor]:
    from console.server.app import create_app
    from telephony import transcripts
    from telephony.bridge import Bridge
    from telephony.replay_server import ReplayServer

    seed_today(engine)
    transcript = transcripts.load(CAPTURE)
    transcript.frames = [f for f in transcript.frames if f.t < cut_at]
    replay = ReplayServer(transcript, speed=None)
    await replay.start()
    bridge = Bridge("main", "127.0.0.1", replay.port, replay.username, replay.secret,
                    clock=stepping_clock(NOW.timestamp() - 60))
    app = create_app(server_settings(), engine=engine, bridges={"main": bridge}, clock=lambda: NOW,
                     outbox_path=tmp_path / "outbox.sqlite3")
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    client = SupervisorClient(f"http://127.0.0.1:{server.port}")
    try:
        await asyncio.wait_for(replay.finished.wait(), 20)
        await app[keys.SERVICE].settle()
        await app[keys.STATS].flushed()
        await client.login(username, PASSWORD)
        yield SupervisorFloor(server, replay, bridge, client)
    finally:
        await client.close()
        await server.close()
        await replay.close()
