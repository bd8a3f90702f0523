"""``calldesk serve``'s app on a real port, in a thread of its own, over a freshly seeded store.

Blocking clients (schemathesis sends with ``requests``) can then talk to it from the test's
thread. The app is made as ``calldesk serve`` makes it (``create_app(settings)``: the engine
opened from ``[database] url``, no PBX) on a SQLite file that ``calldesk db upgrade`` and
``calldesk seed`` (``console.store.seed.seed_database``) have filled.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from pathlib import Path

import requests
from aiohttp import web

from console.config import Settings


def seeded_settings(tmp: Path, *, locale: str = "zh_CN", customers: int = 60, agents: int = 3) -> Settings:
    """Settings of a server over a new SQLite store in ``tmp`` seeded with a small floor (demo
    password ``calldesk``: admin, sup1, agent1001…)."""
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from console.store.seed import seed_database

    url = f"sqlite:///{tmp / 'calldesk.db'}"
    settings = Settings(database={"url": url}, center={"locale": locale})
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed_database(engine, settings, customers=customers, agents=agents, workers=0)
    finally:
        engine.dispose()
    return settings


@dataclass
class LiveServer:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is ``http://127.0.0.1:<port>``."""

    settings: Settings
    outbox: Path
    url: str = ""
    _loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    def start(self) -> LiveServer:
        from console.server.app import create_app

        self._thread = threading.Thread(target=self._loop.run_forever, name="live-server", daemon=True)
        self._thread.start()

        async def serve() -> str:
            app = create_app(self.settings, outbox_path=self.outbox)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            host, port = self._runner.addresses[0][:2]
            return f"http://{host}:{port}"

        self.url = asyncio.run_coroutine_threadsafe(serve(), self._loop).result(timeout=120)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._loop.close()

    def login(self, username: str, password: str = "calldesk") -> str:
        resp = requests.post(f"{self.url}/api/login", json={"username": username, "password": password}, timeout=30)
        resp.raise_for_status()
        return str(resp.json()["token"])
