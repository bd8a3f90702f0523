"""NATS for `calldesk bench bus`: JetStream (a file-backed stream, ordered push consumers) and,
as the floor under it, core NATS (fan-out with no persistence and no replay).

Every run makes its own stream, ``calldesk-bench-<hex>`` over ``bench.<hex>.>``, and deletes it,
so that it meets nothing of calldesk's own on a shared server. Each subscriber is a connection of
its own, as each server would hold one.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy, StorageType, StreamConfig

from console.cli.bench_bus_frames import Message

OnMessage = Callable[[int, int, str, int, int, bytes], None]
"""(bus sequence, publish stamp ns, call, index in call, publish number, body)."""

PENDING_ACKS = 4_000
"""Publishes in flight before the publisher waits for acks (nats-py's own default window)."""


async def _quiet(error: Exception) -> None:
    """nats-py logs every failed attempt with its traceback; the caller reports the last one."""


async def connect(url: str, name: str = "calldesk-bench") -> nats.NATS:
    """A connection that gives up after two attempts (nats-py's ``max_reconnect_attempts=0``
    would retry for ever) and reconnects never: a bench must not wait out a dead bus."""
    return await nats.connect(url, name=name, connect_timeout=2, max_reconnect_attempts=1, reconnect_time_wait=0.2,
                              allow_reconnect=False, error_cb=_quiet)


class _NatsBase:
    name = "nats"
    replay = False
    first_seq = 1

    def __init__(self, url: str, run: str | None = None) -> None:
        self.url = url
        self.run = run = run or secrets.token_hex(4)
        self.stream = f"calldesk-bench-{run}"
        self.prefix = f"bench.{run}"
        self._conns: list[nats.NATS] = []
        self.nc: nats.NATS | None = None
        self.version: str | None = None

    async def _connect(self, name: str) -> nats.NATS:
        conn = await connect(self.url, name)
        self._conns.append(conn)
        version = conn.connected_server_version
        self.version = f"{version.major}.{version.minor}.{version.patch}"
        return conn

    @staticmethod
    def _headers(msg: Message, n: int) -> dict[str, str]:
        return {"t": str(time.perf_counter_ns()), "c": msg.call, "i": str(msg.index), "n": str(n)}

    async def close(self) -> None:
        for conn in self._conns:
            if not conn.is_closed:
                await conn.close()


class JetStream(_NatsBase):
    """A JetStream stream on file storage; subscribers are ordered push consumers (no acks, flow
    control, the stream sequence of each message in its metadata) from a given sequence."""

    name = "nats-jetstream"
    replay = True

    async def open(self) -> None:
        self.nc = await self._connect("bench-publisher")
        self.js = self.nc.jetstream()
        self._pending: list[asyncio.Future] = []
        await self.js.add_stream(StreamConfig(name=self.stream, subjects=[f"{self.prefix}.>"],
                                              storage=StorageType.FILE, max_age=3600, num_replicas=1))

    async def publish(self, msg: Message, n: int) -> None:
        future = await self.js.publish_async(f"{self.prefix}.{msg.subject}", msg.body, headers=self._headers(msg, n))
        self._pending.append(future)
        if len(self._pending) >= PENDING_ACKS:
            await self.flush()

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        await asyncio.gather(*pending)

    async def subscribe(self, on_message: OnMessage, after: int) -> Callable[[], Awaitable[None]]:
        conn = await self._connect("bench-server")
        js = conn.jetstream()

        async def deliver(msg) -> None:
            h = msg.headers
            on_message(msg.metadata.sequence.stream, int(h["t"]), h["c"], int(h["i"]), int(h["n"]), msg.data)

        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after + 1)
        sub = await js.subscribe(f"{self.prefix}.>", stream=self.stream, cb=deliver, ordered_consumer=True,
                                 config=config)
        return sub.unsubscribe

    async def close(self) -> None:
        if self.nc is not None and not self.nc.is_closed:
            await self.js.delete_stream(self.stream)
        await super().close()


class CoreNats(_NatsBase):
    """Plain NATS subjects: at-most-once fan-out, nothing kept, nothing to replay."""

    name = "nats-core"

    async def open(self) -> None:
        self.nc = await self._connect("bench-publisher")

    async def publish(self, msg: Message, n: int) -> None:
        await self.nc.publish(f"{self.prefix}.{msg.subject}", msg.body, headers=self._headers(msg, n))

    async def flush(self) -> None:
        await self.nc.flush()

    async def subscribe(self, on_message: OnMessage, after: int) -> Callable[[], Awaitable[None]]:
        conn = await self._connect("bench-server")
        seq = after

        async def deliver(msg) -> None:
            nonlocal seq
            seq += 1
            h = msg.headers
            on_message(seq, int(h["t"]), h["c"], int(h["i"]), int(h["n"]), msg.data)

        sub = await conn.subscribe(f"{self.prefix}.>", cb=deliver, pending_msgs_limit=512 * 1024)
        await conn.flush()  # the subscription is at the server before anything is published
        return sub.unsubscribe
