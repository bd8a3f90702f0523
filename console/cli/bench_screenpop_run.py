"""The body of `calldesk bench screenpop` (see console/cli/bench_screenpop.py)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from console.cli.bench_search import _rss_mb
from console.errors import CalldeskError

BENCH_PBX = "bench"
FIRST_EXTENSION = 7000
FIRST_STAFF_ID = 900_000  # the bench's consoles, created for the run and deleted after it
# Not measured: the first statements on a connection are planned, and the database's caches
# are cold for a 1M-row store (the first ~150 calls measured 20-170 ms, the rest a few ms).
WARMUP_CALLS = 200
# One agent's calls come seconds apart, never back to back: the real console is given this long
# after each call's end (its wrap-up sent, the history refetched) before it is rung again.
PAINTED_GAP_S = 0.5


def prepare_database(url: str, settings: Any, customers: int, say: Callable[[str], None]) -> tuple[Any, float | None]:
    from sqlalchemy import func, select

    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from console.store.models import Customer

    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(Customer)).scalar()
    if have == 0:
        from console.store.seed import seed_database

        say(f"seeding {customers} customers into {engine.url.render_as_string(hide_password=True)} …")
        started = time.perf_counter()
        seed_database(engine, settings, customers=customers, progress=say)
        return engine, round(time.perf_counter() - started, 1)
    if have < customers:
        raise CalldeskError(f"the database has {have} customers, fewer than --customers {customers}: "
                            "point --database at an empty database (it is seeded) or lower --customers")
    return engine, None


def sample_numbers(engine: Any, count: int, rng: random.Random) -> list[str]:
    from sqlalchemy import func, select

    from console.crm.masking import national_digits
    from console.store.models import CustomerPhone

    with engine.connect() as conn:
        top = conn.execute(select(func.max(CustomerPhone.id))).scalar() or 0
        ids = rng.sample(range(1, top + 1), min(count, top))
        numbers = conn.execute(select(CustomerPhone.e164).where(CustomerPhone.id.in_(ids))).scalars().all()
    return [national_digits(n) for n in numbers if n.startswith("+86")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run_bench(engine: Any, settings: Any, consoles: int, calls: int, unknown_share: float,
                    during_startup: bool = False, painted: bool = False,
                    warmup: int = WARMUP_CALLS, painted_gap_s: float = PAINTED_GAP_S) -> dict[str, Any]:
    """``painted``: one more console, the real agent console headless in a child process
    (console/cli/bench_painted.py), and every call rings it: the figures then include
    ``painted_*``, from the AgentCalled written to the AMI socket to the card painted."""
    import aiohttp
    from aiohttp import web
    from pydantic import SecretStr

    from console.cli.bench_screenpop_ami import ScriptedPbx
    from console.config.models import PbxSettings
    from console.server import keys
    from console.server.app import create_app
    from console.server.auth import AuthUser
    from console.server.routes.customer_index import STATE, index_ready
    from telephony.bridge import Bridge

    rng = random.Random(7)
    known = await asyncio.to_thread(sample_numbers, engine, 3000, rng)
    pbx = ScriptedPbx("bench", "bench-secret")
    await pbx.start()
    bridge = Bridge(BENCH_PBX, "127.0.0.1", pbx.port, "bench", "bench-secret")
    # The server knows its PBXs by name (after-call holds pause members on the PBX of the call).
    settings = settings.model_copy(update={"pbx": [PbxSettings(name=BENCH_PBX, port=pbx.port, username="bench",
                                                               secret=SecretStr("bench-secret"))]})
    import tempfile

    outbox_dir = tempfile.TemporaryDirectory()
    app = create_app(settings, engine=engine, bridges={BENCH_PBX: bridge},
                     outbox_path=f"{outbox_dir.name}/outbox.sqlite3")
    from console.server.gc_tuning import tune_after_startup

    tune_after_startup(app)  # as `calldesk serve` does
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    # After a start the server builds its customer search index (console.server.search_build:
    # ~25 s at 1M in a child process, which still competes with the pop path for the CPU).
    # Steady state is measured once it is built; --during-startup measures while it is built
    # (the build_* figures: the calls rung before it was ready).
    index_wait_s = 0.0
    if not during_startup:
        started = time.perf_counter()
        await index_ready(app)
        index_wait_s = time.perf_counter() - started

    written: dict[str, float] = {}
    received: dict[str, float] = {}
    matches: dict[str, int] = {}
    internal: list[float] = []  # the pop's own latency_ms: bridge hand-over to frame queued
    arrived: dict[str, asyncio.Event] = {}

    def on_written(text: str) -> None:
        if '"kind":"pop"' in text:
            now = time.perf_counter()  # before parsing: the bench's own work is not the server's
            frame = json.loads(text)
            written[frame["call"]] = now
            internal.append(frame["latency_ms"])
            matches[frame["match"]] = matches.get(frame["match"], 0) + 1

    app[keys.HUB].on_written = on_written
    # Real staff rows: every pop shown is audited (an AuditEvent per agent and customer).
    await asyncio.to_thread(_bench_staff, engine, consoles + painted)
    tokens = []
    for i in range(consoles + painted):
        user = AuthUser(id=FIRST_STAFF_ID + i, username=f"bench{i}", name=f"bench{i}", role="agent",
                        extension=str(FIRST_EXTENSION + i), queues=("retail",))
        app[keys.DIRECTORY].add(user)
        tokens.append((await app[keys.TOKENS].issue(user))[0])

    async def console(session: aiohttp.ClientSession, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with session.ws_connect(f"http://127.0.0.1:{port}/ws", headers=headers) as ws:
            async for msg in ws:
                if '"kind":"pop"' in msg.data:
                    now = time.perf_counter()
                    call = json.loads(msg.data)["call"]
                    received[call] = now
                    arrived.setdefault(call, asyncio.Event()).set()

    # No connection limit: each console holds its WebSocket's connection (the default caps at 100).
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    readers = [asyncio.create_task(console(session, t)) for t in tokens[:consoles]]
    child = await PaintedChild.start(f"http://127.0.0.1:{port}", tokens[consoles]) if painted else None
    try:
        await asyncio.wait_for(pbx.ready.wait(), 30)
        async with asyncio.timeout(60):
            while app[keys.HUB].clients < consoles + painted:  # noqa: ASYNC110 - the hub signals no count
                await asyncio.sleep(0.05)
        sent: dict[str, float] = {}
        sent_wall: dict[str, float] = {}
        load_at_start = os.getloadavg()[0]
        for n in range(calls + warmup):
            number = f"170{rng.randrange(10**8):08d}" if rng.random() < unknown_share else rng.choice(known)
            ext = str(FIRST_EXTENSION + (consoles if child else n % consoles))
            call = pbx.linkedid(n)
            event = arrived.setdefault(call, asyncio.Event())
            pbx.arrive(n, number, ext)
            await asyncio.sleep(0.005)
            wall0 = time.time()
            t0 = pbx.ring(n, number, ext)
            if n >= warmup:
                sent[call] = t0
                sent_wall[call] = wall0
            if child is None:
                await asyncio.wait_for(event.wait(), 10)
            else:
                await asyncio.wait_for(child.painted_event(call).wait(), 10)
            pbx.finish(n, number, ext)
            await asyncio.sleep(rng.uniform(0.005, 0.015) + (painted_gap_s if child else 0.0))
        await app[keys.SERVICE].settle()
        await app[keys.RECORDER].idle()
        await index_ready(app)  # for its build time and the memory it takes
    finally:
        if child is not None:
            await child.stop()
        for task in readers:
            task.cancel()
        await session.close()
        await runner.cleanup()
        await pbx.close()
        await asyncio.to_thread(_forget_bench_calls, engine)
        outbox_dir.cleanup()
    server_ms = [(written[c] - sent[c]) * 1000 for c in sent]
    painted_figures: dict[str, float] = {}
    if child is not None:
        painted_ms = [(child.painted[c] - sent_wall[c]) * 1000 for c in sent_wall]
        painted_figures = {"painted_p50_ms": round(statistics.median(painted_ms), 3),
                           "painted_p95_ms": round(percentile(painted_ms, 0.95), 3),
                           "painted_p99_ms": round(percentile(painted_ms, 0.99), 3),
                           "painted_max_ms": round(max(painted_ms), 3)}
    # Calls rung before the search index was ready competed with its build (--during-startup).
    index_state = app[STATE]
    ready_at = index_state.ready_at or float("inf")
    building_ms = [(written[c] - sent[c]) * 1000 for c in sent if sent[c] < ready_at]
    second_half = server_ms[len(server_ms) // 2:]  # once the database's caches have warmed up
    client_ms = [(received[c] - sent[c]) * 1000 for c in sent if c in received] or [0.0]  # none: --painted
    return {
        **painted_figures,
        "p50_ms": round(statistics.median(server_ms), 3), "p95_ms": round(percentile(server_ms, 0.95), 3),
        "p99_ms": round(percentile(server_ms, 0.99), 3),
        "max_ms": round(max(server_ms), 3), "second_half_p50_ms": round(statistics.median(second_half), 3),
        "second_half_p99_ms": round(percentile(second_half, 0.99), 3),
        "client_p50_ms": round(statistics.median(client_ms), 3),
        "client_p99_ms": round(percentile(client_ms, 0.99), 3),
        "service_p50_ms": round(statistics.median(internal), 3), "service_p99_ms": round(percentile(internal, 0.99), 3),
        "calls": calls, "warmup_calls": warmup, "during_startup": during_startup,
        "index_wait_s": round(index_wait_s, 1), "index_build_s": index_state.build_s, "index_mode": index_state.mode,
        "calls_during_build": len(building_ms), **_during_build(building_ms), "rss_mb": round(_rss_mb()),
        "matches": matches, "loadavg_1m_start": round(load_at_start, 2),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


class PaintedChild:
    """The headless agent console in its child process, and the wall-clock time of each pop
    it painted (what it prints: console/cli/bench_painted.py). Its standard error (a traceback,
    a refused log-in) is in ``LOG``."""

    LOG = "var/bench/painted-console.log"

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.painted: dict[str, float] = {}
        self._events: dict[str, asyncio.Event] = {}
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, server: str, token: str) -> PaintedChild:
        import sys

        os.makedirs(os.path.dirname(cls.LOG), exist_ok=True)
        log = open(cls.LOG, "wb")  # noqa: SIM115, ASYNC230 - the child's stderr, once at start
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console.cli.bench_painted", server, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=log)
        log.close()
        assert proc.stdin is not None
        proc.stdin.write(f"{token}\n".encode())  # never on the command line: every user sees it
        await proc.stdin.drain()
        return cls(proc)

    def painted_event(self, call: str) -> asyncio.Event:
        return self._events.setdefault(call, asyncio.Event())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            word, *rest = line.decode().split()
            if word == "painted":
                self.painted.setdefault(rest[0], float(rest[1]))
                self.painted_event(rest[0]).set()

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self._reader.cancel()


def _during_build(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {}
    return {"build_p50_ms": round(statistics.median(ms), 3), "build_p95_ms": round(percentile(ms, 0.95), 3),
            "build_p99_ms": round(percentile(ms, 0.99), 3), "build_max_ms": round(max(ms), 3)}


def _bench_staff(engine: Any, consoles: int) -> None:
    from sqlalchemy import insert

    from console.store.models import Staff

    _forget_bench_calls(engine)  # a run that was interrupted
    with engine.begin() as conn:
        conn.execute(insert(Staff), [
            {"id": FIRST_STAFF_ID + i, "username": f"bench{i}", "name": f"bench{i}", "role": "agent",
             "extension": str(FIRST_EXTENSION + i), "queues": "retail", "password_hash": "", "active": True}
            for i in range(consoles)])


def _forget_bench_calls(engine: Any) -> None:
    from sqlalchemy import delete

    from console.store.models import AuditEvent, Interaction, Staff

    with engine.begin() as conn:
        conn.execute(delete(Interaction).where(Interaction.pbx == BENCH_PBX))
        conn.execute(delete(AuditEvent).where(AuditEvent.actor_id >= FIRST_STAFF_ID))
        conn.execute(delete(Staff).where(Staff.id >= FIRST_STAFF_ID))
