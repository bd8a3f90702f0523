"""The body of `calldesk bench failover` (see console/cli/bench_failover.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import CalldeskError
from telephony.simulator.ledger import Ledger, QueueLogLine

PBX = "main"
# The servers read the simulator's queue_log (written into the run's database, as Asterisk's
# realtime would) this often, for passes ended this long ago: the calls no server saw.
RECONCILE_EVERY_S, RECONCILE_SETTLE_S = 10.0, 5.0
AMI_USER, AMI_SECRET = "calldesk", "bench-failover"
Say = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    servers: int = 3
    agents: int = 500
    rate: float = 20_000.0
    talk_s: float = 20.0
    warmup_s: float = 30.0
    every_s: float = 30.0
    kills: int = 2
    restart_after_s: float = 10.0
    lease_ttl_s: float = 3.0
    database: str = ""
    nats: str = "nats://127.0.0.1:4222"
    seed: int = 15
    console_procs: int = 2


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the store ------------------------------------------------------------------------------------
def prepare_database(url: str, agents: int, say: Say) -> Any:
    """A fresh database for the run: dropped and made again, migrated, a small floor seeded, and
    agents with extensions 1001… up to ``agents``."""
    from sqlalchemy import create_engine, insert, text
    from sqlalchemy.engine import make_url

    from console.config import Settings
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from console.store.models import Staff
    from console.store.seed import seed_database

    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        raise CalldeskError(f"--database {url}: the failover benchmark runs on PostgreSQL")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    say(f"seeding a small floor into {target.render_as_string(hide_password=True)} …")
    seed_database(engine, Settings(), customers=2_000)
    with engine.begin() as conn:
        have = {row[0] for row in conn.execute(text("SELECT extension FROM staff WHERE extension IS NOT NULL"))}
        rows = [{"username": f"bench{ext}", "name": f"坐席{ext}", "role": "agent", "extension": str(ext),
                 "queues": "retail,vip", "password_hash": "", "active": True}
                for ext in range(1001, 1001 + agents) if str(ext) not in have]
        if rows:
            conn.execute(insert(Staff), rows)
    return engine


async def issue_tokens(engine: Any, agents: int) -> dict[str, str]:
    """Extension -> a session token of that agent, in the shared session table (any server takes it)."""
    from datetime import timedelta

    from console.server.clock import utc_now
    from console.server.directory import load_directory
    from console.server.tokens import TokenStore

    directory = await asyncio.to_thread(load_directory, engine)
    store = TokenStore(lambda: engine, timedelta(hours=2), utc_now)
    tokens: dict[str, str] = {}
    for user in directory.users.values():
        ext = user.extension
        if user.role == "agent" and ext and 1001 <= int(ext) < 1001 + agents:
            tokens[ext] = (await store.issue(user))[0]
    return tokens


# --- the servers ----------------------------------------------------------------------------------
@dataclass
class Server:
    name: str
    port: int
    config: Path
    log: Path
    proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "console", "--config", str(self.config), "serve",
                stdout=out, stderr=out, env=env, cwd=self.config.parent)

    async def ready(self, timeout_s: float = 120.0) -> None:
        import aiohttp

        async with aiohttp.ClientSession() as http, asyncio.timeout(timeout_s):
            while True:
                if self.proc is not None and self.proc.returncode is not None:
                    raise CalldeskError(f"server {self.name} exited ({self.proc.returncode}); see {self.log}")
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.url}/healthz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.2)

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.proc.wait(), 20)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


def write_config(path: Path, plan: Plan, port: int, sim_port: int, prefix: str, server_id: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[database]\nurl = "{plan.database}"\n\n[server]\nport = {port}\n\n'
        f'[[pbx]]\nname = "{PBX}"\nhost = "127.0.0.1"\nport = {sim_port}\nusername = "{AMI_USER}"\n'
        f'secret = "{AMI_SECRET}"\nqueue_log_table = "queue_log"\n\n'
        f'[reconcile]\nevery_s = {RECONCILE_EVERY_S}\nsettle_s = {RECONCILE_SETTLE_S}\n\n'
        f'[bus]\nurl = "{plan.nats}"\nprefix = "{prefix}"\nserver_id = "{server_id}"\n'
        f'lease_ttl_s = {plan.lease_ttl_s}\n',
        encoding="utf-8")


# --- the consoles ---------------------------------------------------------------------------------
@dataclass
class Seen:
    """What one agent's console saw (console.cli.bench_failover_consoles.Console.seen)."""

    ext: str
    pops: dict[str, float]  # call -> perf_counter when the pop was read
    restored: set[str]  # calls a hello carried
    gaps: list[float]  # s without a server, each time it lost one
    wrapups: int
    served_ms: list[float]  # each pop's own latency_ms: journal applied -> queued


class Consoles:
    """The agents' consoles, spread over ``procs`` processes of their own."""

    def __init__(self, log: Path) -> None:
        self._log = log
        self._procs: list[asyncio.subprocess.Process] = []

    async def start(self, consoles: list[tuple[str, str, list[str]]], procs: int, timeout_s: float = 60.0) -> None:
        with self._log.open("ab") as err:
            for k in range(procs):
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "console.cli.bench_failover_consoles", stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, stderr=err, limit=1 << 26)
                self._procs.append(proc)
                assert proc.stdin is not None
                proc.stdin.write(json.dumps({"consoles": consoles[k::procs]}).encode() + b"\n")
                await proc.stdin.drain()
        for proc in self._procs:
            assert proc.stdout is not None
            try:
                line = await asyncio.wait_for(proc.stdout.readline(), timeout_s)
            except TimeoutError:
                line = b""
            if line.strip() != b"connected":
                raise CalldeskError(f"the consoles did not all connect within {timeout_s:g} s; see {self._log}")

    async def stop(self) -> list[Seen]:
        seen: list[Seen] = []
        for proc in self._procs:
            assert proc.stdin is not None
            proc.stdin.write(b"stop\n")
            await proc.stdin.drain()
        for proc in self._procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), 60.0)
            for c in json.loads(line):
                seen.append(Seen(c["ext"], c["pops"], set(c["restored"]), c["gaps"], c["wrapups"], c["served_ms"]))
            await proc.wait()
        self._procs = []
        return seen

    def kill(self) -> None:
        for proc in self._procs:
            if proc.returncode is None:
                proc.kill()


# --- the simulator's queue_log, into the database as Asterisk's realtime writes it ------------------
class QueueLogWriter:
    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._lines: list[QueueLogLine] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, line: QueueLogLine) -> None:
        self._lines.append(line)

    def start(self) -> None:
        self._task = asyncio.create_task(self._forever())

    async def _forever(self) -> None:
        while True:
            await asyncio.sleep(0.2)
            await self.flush()

    async def flush(self) -> None:
        lines, self._lines = self._lines, []
        if lines:
            await asyncio.to_thread(self._write, lines)

    def _write(self, lines: list[QueueLogLine]) -> None:
        import datetime as dt

        from sqlalchemy import insert

        from console.store.models import QueueLog

        with self._engine.begin() as conn:
            conn.execute(insert(QueueLog), [
                {"time": dt.datetime.fromtimestamp(t, dt.UTC).replace(tzinfo=None), "callid": callid,
                 "queuename": queue, "agent": agent, "event": event,
                 **{f"data{i}": (data[i - 1] if i <= len(data) else None) for i in range(1, 6)}}
                for t, callid, queue, agent, event, data in lines])

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()


# --- the journal, watched from outside ------------------------------------------------------------
@dataclass
class Watch:
    """Every ``up`` entry of the PBX's journal (a holder's link resynced), when it came and its term."""

    ups: list[tuple[float, int]] = field(default_factory=list)

    async def start(self, nats_url: str, prefix: str) -> Any:
        import nats
        from nats.js.api import DeliverPolicy

        nc = await nats.connect(nats_url)
        js = nc.jetstream()

        async def seen(msg: Any) -> None:
            if b'"k":"up"' in msg.data:
                self.ups.append((time.perf_counter(), int((msg.headers or {}).get("Calldesk-Term", "0"))))

        await js.subscribe(f"{prefix}.pbx.{PBX}", stream=f"{prefix}-pbx", cb=seen, ordered_consumer=True,
                           deliver_policy=DeliverPolicy.NEW)
        return nc

    async def next_up(self, after: float, timeout_s: float) -> float | None:
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            for at, _term in self.ups:
                if at > after:
                    return at
            await asyncio.sleep(0.05)
        return None


async def holder(nats_url: str, prefix: str) -> str | None:
    import nats

    nc = await nats.connect(nats_url)
    try:
        kv = await nc.jetstream().key_value(f"{prefix}-lease")
        try:
            entry = await kv.get(f"pbx.{PBX}")
        except Exception:  # no holder now
            return None
        return entry.value.decode() if entry.value else None
    finally:
        await nc.close()


async def drop_bus(nats_url: str, prefix: str) -> None:
    import nats

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    for drop in (js.delete_stream(f"{prefix}-pbx"), js.delete_key_value(f"{prefix}-lease")):
        with contextlib.suppress(Exception):
            await drop
    await nc.close()


# --- the run --------------------------------------------------------------------------------------
async def bench(plan: Plan, say: Say) -> dict[str, Any]:
    from console.cli.simulate_store import read_population
    from console.config import Settings
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import Simulator, SimulatorConfig
    from telephony.simulator.traffic import TrafficConfig

    engine = await asyncio.to_thread(prepare_database, plan.database, plan.agents, say)
    callers, roster, note = await asyncio.to_thread(read_population, Settings(), plan.database, plan.agents)
    say(f"simulator: {note}")
    tokens = await issue_tokens(engine, plan.agents)
    traffic = TrafficConfig(calls_per_hour=plan.rate, customers=callers, talk_median_s=plan.talk_s,
                            patience_mean_s=60.0, direct_share=0.0, transfer_share=0.0, break_every_s=0.0)
    sim = Simulator(SimulatorConfig(username=AMI_USER, secret=AMI_SECRET, seed=plan.seed, timestamps=True,
                                    agents=AgentSetup(count=plan.agents, roster=roster), traffic=traffic))
    writer = QueueLogWriter(engine)
    sim.pbx.ledger.on_queue_log = writer.add
    prefix = f"bfo{secrets.token_hex(4)}"
    workdir = Path(tempfile.mkdtemp(prefix="calldesk-failover-"))
    servers: list[Server] = []
    watcher_nc = None
    fleet = Consoles(workdir / "consoles.log")
    try:
        sim_port = await sim.start()
        writer.start()
        watch = Watch()
        for k in range(plan.servers):
            port = free_port()
            server = Server(f"s{k + 1}", port, workdir / f"s{k + 1}" / "config.toml", workdir / f"s{k + 1}.log")
            write_config(server.config, plan, port, sim_port, prefix, server.name)
            servers.append(server)
            await server.start()
            await server.ready()
            if k == 0:
                watcher_nc = await watch.start(plan.nats, prefix)
            say(f"server {server.name} up on {server.url}")
        # PBX time -> this process's perf_counter: the simulator's clock runs at real speed.
        offset = time.perf_counter() - (sim.clock.live_unix() - sim.clock.epoch)
        urls = [s.url for s in servers]
        await fleet.start([(ext, token, urls[n % len(urls):] + urls[:n % len(urls)])
                           for n, (ext, token) in enumerate(sorted(tokens.items()))], plan.console_procs)
        say(f"{len(tokens)} consoles connected ({plan.console_procs} processes); warming up {plan.warmup_s:g} s")
        measured_from = sim.clock.now
        await asyncio.sleep(plan.warmup_s)

        failovers: list[float | None] = []
        kill_times: list[float] = []
        load_at_start = os.getloadavg()[0]
        kills = plan.kills if plan.servers > 1 else 1
        for k in range(kills):
            held_by = await holder(plan.nats, prefix)
            victim = next((s for s in servers if s.name == held_by), None)
            if victim is None:
                raise CalldeskError(f"no server holds the link before kill {k + 1} (lease says {held_by!r})")
            killed_at = time.perf_counter()
            kill_times.append(sim.clock.live_unix() - sim.clock.epoch)
            victim.kill()
            say(f"killed {victim.name} (the link holder)")
            if plan.servers == 1:
                await asyncio.sleep(plan.restart_after_s)
                await victim.start()
                say(f"started {victim.name} again")
            up = await watch.next_up(killed_at, 60.0 + plan.restart_after_s)
            failovers.append(None if up is None else round(up - killed_at, 3))
            say(f"  link resynced by the next holder after {failovers[-1]} s")
            await asyncio.sleep(plan.every_s)

        assert sim.traffic is not None
        sim.traffic.stop()
        measured_to = sim.clock.now
        say(f"traffic stopped; {len(sim.pbx.calls)} calls still up, waiting for them to end")
        async with asyncio.timeout(300):
            while sim.pbx.calls:  # noqa: ASYNC110
                await asyncio.sleep(0.5)
        await writer.stop()
        # The last calls' ends, through the journal into the store; and a reconciliation round
        # after the last pass settled (the calls no server saw).
        await asyncio.sleep(RECONCILE_EVERY_S + RECONCILE_SETTLE_S + 3.0)
        counted = await asyncio.to_thread(count_interactions, engine, sim.pbx.ledger, measured_from)
        consoles = await fleet.stop()
    finally:
        fleet.kill()
        for server in servers:
            await server.stop()
        if watcher_nc is not None:
            await watcher_nc.close()
        await sim.close()
        await drop_bus(plan.nats, prefix)
        engine.dispose()

    pops_ms: list[float] = []
    missed: list[list[Any]] = []
    by_ext = {c.ext: c for c in consoles}
    first_ring: dict[tuple[str, str], tuple[float, float]] = {}  # -> (PBX time, AgentCalled written)
    epoch = sim.clock.epoch
    for call, ext, t, sent in sim.pbx.ledger.rung:
        first_ring.setdefault((call, ext), (t, sent - epoch))
    # Rings while no server held the link pop when the next holder's snapshot shows them: their
    # latency is the failover's, reported apart from the pops through the bus.
    gaps = [(k, k + (f if f is not None else float("inf"))) for k, f in zip(kill_times, failovers, strict=True)]
    gap_ms: list[float] = []
    for (call, ext), (t, sent) in first_ring.items():
        console = by_ext.get(ext)
        if console is None or not measured_from <= t <= measured_to:
            continue
        if call in console.pops:
            latency = (console.pops[call] - (offset + sent)) * 1000
            (gap_ms if any(a <= t <= b for a, b in gaps) else pops_ms).append(latency)
        elif call not in console.restored:
            missed.append([call, ext, round(t - measured_from, 2)])
    moves = [g for c in consoles for g in c.gaps]
    write_lag_ms = [(sent - t) * 1000 for t, sent in first_ring.values() if measured_from <= t <= measured_to]
    served = [ms for c in consoles for ms in c.served_ms]
    return {
        "servers": plan.servers, "agents": plan.agents, "rate_per_h": plan.rate, "lease_ttl_s": plan.lease_ttl_s,
        "kills": kills, "failover_s": failovers, "failover_max_s": max((f for f in failovers if f is not None),
                                                                       default=None),
        **counted, "rings": len(first_ring), "pops_missed": len(missed),
        "missed": missed[:20], "kills_at_s": [round(k - measured_from, 2) for k in kill_times],
        "consoles_reconnected_s": round(max(moves), 3) if moves else 0.0, "consoles_moved": len(moves),
        "wrapups": sum(c.wrapups for c in consoles),
        "pop_p50_ms": round(statistics.median(pops_ms), 3) if pops_ms else None,
        "pop_p99_ms": round(percentile(pops_ms, 0.99), 3) if pops_ms else None, "pops": len(pops_ms),
        "pop_server_p99_ms": round(percentile(served, 0.99), 3) if served else None,
        "sim_write_lag_p99_ms": round(percentile(write_lag_ms, 0.99), 3) if write_lag_ms else None,
        "pops_rung_during_failover": len(gap_ms),
        "pop_during_failover_max_ms": round(max(gap_ms), 3) if gap_ms else None,
        "loadavg_1m_start": round(load_at_start, 2), "loadavg_1m": round(os.getloadavg()[0], 2),
        "reconciled": reconciled(servers), "logs": str(workdir),
    }


def reconciled(servers: list[Server]) -> int:
    """Passes the servers recorded from the queue_log because no server had seen them (their logs)."""
    import re

    found = 0
    for server in servers:
        text = server.log.read_text(encoding="utf-8", errors="replace") if server.log.exists() else ""
        found += sum(int(n) for n in re.findall(r"pbx \S+: (\d+) of \d+ queue pass\(es\)", text))
    return found


def count_interactions(engine: Any, ledger: Ledger, start: float) -> dict[str, int]:
    """Each queue call the simulator ended since ``start`` (every call has ended when this is
    called) against its Interaction rows: a pass with no row is lost, a row more than the passes
    is doubled."""
    from sqlalchemy import text

    calls = {call for call, t in ledger.ended.items() if t >= start and ledger.joins.get(call)}
    with engine.connect() as conn:
        found = conn.execute(text("SELECT linkedid, count(*) FROM interaction WHERE pbx = :p GROUP BY linkedid"),
                             {"p": PBX})
        rows = {linkedid: count for linkedid, count in found}  # noqa: C416 - dict() would take a Result for a mapping
    lost = sum(max(0, ledger.joins[c] - rows.get(c, 0)) for c in calls)
    doubled = sum(max(0, rows.get(c, 0) - ledger.joins[c]) for c in calls)
    return {"queue_calls": len(calls), "interactions_expected": sum(ledger.joins[c] for c in calls),
            "interactions_lost": lost, "interactions_doubled": doubled}
