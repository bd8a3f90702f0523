"""The phases of `calldesk bench bus` against one bus (console/cli/bench_bus.py drives it).

This process is the server that holds the AMI connections: one publishing connection. Each of
the ``servers`` subscribing servers (the publisher's own included: every server builds its
consoles' frames from the bus) is a process of its own (console/cli/bench_bus_server.py) with
its own connection, as each `calldesk serve` would be. Latency is from the publish call (its
stamp travels in a header) to the subscriber's callback, on the machine's one monotonic clock;
each delivery is also decoded (json.loads), as a server must. CPU is time.process_time of the
publisher and of each server over a phase, divided by the phase's events.

1. ``publish_only``: events published with nobody subscribed: the publisher's rate and CPU.
2. ``steady``: ``rate`` events/s for ``seconds`` (20,000 calls/h x 10 events = 55/s).
3. ``burst``: ``bursts`` times ``burst_size`` events back to back, each drained before the next.
4. ``max_throughput``: ``max_events`` published as fast as the publisher goes; the rate is the
   events the slowest server received, divided by the time from the first publish to the last
   delivery.
5. ``replay``: a server (re)subscribing from sequence N (the middle of all that was published)
   must get everything after N, once, in order; its rate and its CPU per delivery.

Order is checked on every delivery of every phase: a call's messages must come in the call's
order (``per_call_violations``), all messages in publish order (``publish_order_violations``:
one publisher, so stricter than per-PBX order) and, on a stream, with consecutive sequences.
``lost`` counts messages a server expected and never got (nothing came for ``IDLE_S``).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from console.cli.bench_bus_frames import Message, traffic
from console.cli.bench_bus_nats import OnMessage


class Bus(Protocol):
    name: str
    run: str
    """The token that names the run's stream or exchange: the server processes attach to it."""
    replay: bool
    first_seq: int

    async def open(self) -> None: ...
    async def publish(self, msg: Message, n: int) -> None: ...
    async def flush(self) -> None: ...
    async def subscribe(self, on_message: OnMessage, after: int) -> Callable[[], Awaitable[None]]: ...
    async def close(self) -> None: ...


@dataclass
class Plan:
    servers: int = 3
    publish_only: int = 5_000
    rate: float = 55.0
    seconds: float = 20.0
    bursts: int = 3
    burst_size: int = 1_000
    max_events: int = 20_000


@dataclass
class Server:
    """One subscribing server's view: what it got, how late, in what order."""

    received: int = 0
    latencies_ns: list[int] = field(default_factory=list)
    last_seq: int | None = None
    first_seq: int | None = None
    last_n: int = -1
    last_index: dict[str, int] = field(default_factory=dict)
    seq_gaps: int = 0
    per_call_violations: int = 0
    publish_order_violations: int = 0
    last_at_ns: int = 0
    target: int = 0
    reached: asyncio.Event = field(default_factory=asyncio.Event)

    def on_message(self, seq: int, sent_ns: int, call: str, index: int, n: int, body: bytes) -> None:
        now = time.perf_counter_ns()
        json.loads(body)
        self.latencies_ns.append(now - sent_ns)
        self.last_at_ns = now
        if self.first_seq is None:
            self.first_seq = seq
        elif seq != self.last_seq + 1:  # type: ignore[operator]
            self.seq_gaps += 1
        self.last_seq = seq
        if n <= self.last_n:
            self.publish_order_violations += 1
        self.last_n = n
        if index <= self.last_index.get(call, -1):
            self.per_call_violations += 1
        self.last_index[call] = index
        self.received += 1
        if self.received >= self.target:
            self.reached.set()

    def expect(self, more: int) -> None:
        self.target = self.received + more
        self.reached.clear()
        self.latencies_ns.clear()
        if more == 0:
            self.reached.set()


def _ms(ns: float) -> float:
    return round(ns / 1e6, 3)


def latency(values_ns: list[int]) -> dict[str, float | None]:
    values = sorted(values_ns)
    if not values:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}

    def pick(q: float) -> float:
        return _ms(values[min(len(values) - 1, int(len(values) * q))])

    return {"p50_ms": pick(0.50), "p99_ms": pick(0.99), "max_ms": _ms(values[-1])}


IDLE_S = 10.0
"""A server that has had nothing for this long while it still expects messages has lost them."""


async def received_all(server: Server, idle_s: float = IDLE_S) -> None:
    """Return when the server has all it expects, or nothing has come for ``idle_s``: a slow
    bus is waited for, however slow, and a lost message does not hang the run."""
    since = time.perf_counter_ns()
    while not server.reached.is_set():
        try:
            await asyncio.wait_for(server.reached.wait(), 1)
        except TimeoutError:
            if time.perf_counter_ns() - max(server.last_at_ns, since) > idle_s * 1e9:
                return


def wakeup_cpu_us(rate: float = 200.0, count: int = 200) -> float:
    """CPU microseconds this machine spends on one bare wake-up of an asyncio loop (a sleep):
    the floor under every per-event CPU figure at a steady rate, where each event is one."""

    async def paced() -> float:
        cpu, start = time.process_time(), time.perf_counter()
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        return (time.process_time() - cpu) * 1e6 / count

    return round(asyncio.run(paced()), 1)


def make_bus(name: str, url: str, run: str | None = None) -> Bus:
    """A bus by its name; RabbitMQ's client is imported only when asked for (the bench extra)."""
    if name.startswith("nats"):
        from console.cli.bench_bus_nats import CoreNats, JetStream

        return (JetStream if name == "nats-jetstream" else CoreNats)(url, run)
    from console.cli.bench_bus_rabbit import RabbitClassic, RabbitStream

    return (RabbitStream if name == "rabbitmq-stream" else RabbitClassic)(url, run)


class ServerProc:
    """A subscribing server in its own process (console/cli/bench_bus_server.py)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, name: str, url: str, run: str, after: int) -> ServerProc:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console.cli.bench_bus_server", name, url, run, str(after),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26)
        server = cls(proc)
        await server._line(b"ready", 60)
        return server

    async def _line(self, expected: bytes | None = None, timeout: float = 30) -> bytes:
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)  # type: ignore[union-attr]
        if not line or (expected is not None and line.strip() != expected):
            raise RuntimeError(f"bench bus: a server process said {line[:200]!r}, not {expected!r}")
        return line

    async def expect(self, count: int) -> None:
        self.proc.stdin.write(f"expect {count}\n".encode())  # type: ignore[union-attr]
        await self._line(b"ok")

    async def result(self) -> dict[str, Any]:
        return json.loads(await self._line(timeout=3600))  # it answers once IDLE_S passed without news

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.stdin.write(b"quit\n")  # type: ignore[union-attr]
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


class Runner:
    def __init__(self, bus: Bus, plan: Plan, name: str, url: str) -> None:
        self.bus, self.plan, self.name, self.url = bus, plan, name, url
        self.msgs: Iterator[Message] = traffic()
        self.published = 0
        self.servers: list[ServerProc] = []
        self.lost = 0
        self.order: dict[str, int] = {}

    async def _publish(self, count: int, rate: float | None = None) -> None:
        start = time.perf_counter()
        for i in range(count):
            if rate:
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            await self.bus.publish(next(self.msgs), self.published)
            self.published += 1
        await self.bus.flush()

    async def _phase(self, count: int, rate: float | None = None) -> dict[str, Any]:
        for server in self.servers:
            await server.expect(count)
        cpu, start = time.process_time(), time.perf_counter_ns()
        await self._publish(count, rate)
        publisher_cpu = time.process_time() - cpu
        reports = await asyncio.gather(*(s.result() for s in self.servers))
        self.lost += sum(r["target"] - r["received"] for r in reports if r["received"] < r["target"])
        for key in ("per_call_violations", "publish_order_violations", "seq_gaps"):
            self.order[key] = sum(r[key] for r in reports)
        end = max(r["last_at_ns"] for r in reports)
        per_event = max(count, 1)
        return {"events": count, "deliveries": sum(len(r["latencies_ns"]) for r in reports),
                "delivered_per_s": round(min(len(r["latencies_ns"]) for r in reports) / max((end - start) / 1e9, 1e-9)),
                **latency([v for r in reports for v in r["latencies_ns"]]),
                "publisher_cpu_us_per_event": round(publisher_cpu * 1e6 / per_event, 1),
                "server_cpu_us_per_event": round(statistics.mean(r["cpu_s"] for r in reports) * 1e6 / per_event, 1),
                "elapsed_ms": _ms(end - start)}

    async def run(self) -> dict[str, Any]:
        plan, bus = self.plan, self.bus
        out: dict[str, Any] = {"bus": bus.name, "version": getattr(bus, "version", None), "servers": plan.servers}
        cpu, start = time.process_time(), time.perf_counter()
        await self._publish(plan.publish_only)
        took = time.perf_counter() - start
        cpu_us = (time.process_time() - cpu) * 1e6
        out["publish_only"] = {"events": plan.publish_only, "per_s": round(plan.publish_only / max(took, 1e-9)),
                               "cpu_us_per_event": round(cpu_us / max(plan.publish_only, 1), 1)}
        after = bus.first_seq + self.published - 1
        try:
            self.servers = list(await asyncio.gather(
                *(ServerProc.start(self.name, self.url, bus.run, after) for _ in range(plan.servers))))
            out["steady"] = {"rate_per_s": plan.rate, **await self._phase(round(plan.rate * plan.seconds), plan.rate)}
            bursts = []
            for _ in range(plan.bursts):
                await asyncio.sleep(0.3)
                bursts.append(await self._phase(plan.burst_size))
            out["burst"] = {"bursts": plan.bursts, "size": plan.burst_size, **{
                key: max((b[key] for b in bursts if b[key] is not None), default=None)
                for key in ("p50_ms", "p99_ms", "max_ms", "elapsed_ms", "publisher_cpu_us_per_event",
                            "server_cpu_us_per_event")}}
            await asyncio.sleep(0.3)
            top = await self._phase(plan.max_events)
            out["max_throughput"] = {"events": plan.max_events, **{key: top[key] for key in (
                "delivered_per_s", "p50_ms", "p99_ms", "publisher_cpu_us_per_event", "server_cpu_us_per_event")}}
        finally:
            await asyncio.gather(*(s.stop() for s in self.servers))
        out["replay"] = await self._replay() if bus.replay else None
        out["ordering"] = {**self.order, "lost": self.lost}
        return out

    async def _replay(self) -> dict[str, Any]:
        """A server (re)subscribing after sequence N: everything after N, once, in order."""
        after = self.bus.first_seq - 1 + self.published // 2
        expected = self.published - self.published // 2
        server = Server()
        server.expect(expected)
        cpu, start = time.process_time(), time.perf_counter_ns()
        close = await self.bus.subscribe(server.on_message, after)
        await received_all(server)
        self.lost += max(0, expected - server.received)
        took_ns = max(server.last_at_ns - start, 1)
        await close()
        for key in self.order:
            self.order[key] += getattr(server, key)
        return {"after": after, "expected": expected, "received": server.received,
                "first_seq": server.first_seq, "last_seq": server.last_seq,
                "complete": server.received == expected and server.first_seq == after + 1 and server.seq_gaps == 0,
                "per_s": round(server.received / (took_ns / 1e9)),
                "cpu_us_per_delivery": round((time.process_time() - cpu) * 1e6 / max(server.received, 1), 1)}


async def measure(name: str, url: str, plan: Plan) -> dict[str, Any]:
    bus = make_bus(name, url)
    await bus.open()
    try:
        return await Runner(bus, plan, name, url).run()
    finally:
        await bus.close()
