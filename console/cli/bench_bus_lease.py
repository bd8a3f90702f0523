"""The lease of `calldesk bench bus`: "one AMI connection per PBX, held by one server under a
lease", three ways:

* ``nats-kv``: a JetStream key-value bucket whose ``ttl`` (the stream's max_age) is the lease:
  ``create`` succeeds only when the key is absent, the holder renews with ``update(last=rev)``
  (compare-and-set) every ttl/3, and a holder that stops renewing loses the key ttl after its
  last renewal. The revision is a fencing token.
* ``rabbitmq-exclusive``: an exclusive queue: declaring it is refused (RESOURCE_LOCKED) while the
  holder's connection lives; the broker drops it when that connection closes or misses its
  heartbeats (heartbeat = ttl).
* ``postgresql-advisory``: ``pg_try_advisory_lock`` held by the holder's session, which sets
  ``idle_session_timeout`` = ttl and runs ``SELECT 1`` every ttl/3, so that a hung holder's
  session (and its lock) is ended by the server.

The holder runs in a child process (``python -m console.cli.bench_bus_lease hold KIND URL TTL``)
so that it can really fail: ``crash`` is SIGKILL (the kernel closes its sockets), ``hang`` is
SIGSTOP (its sockets stay open and it says nothing: a frozen VM, a partition). The contender
tries every 50 ms; ``takeover_*_s`` runs from the signal to the contender holding the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

POLL_S = 0.05


async def _timed(make: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await make()
    return round((time.perf_counter() - start) * 1000, 3), result


# --- the three ways: each gives try_acquire() -> bool on its own connection ------------------

class NatsKv:
    kind = "nats-kv"

    def __init__(self, url: str, ttl: float, bucket: str, key: str) -> None:
        self.url, self.ttl, self.bucket, self.key = url, ttl, bucket, f"pbx.{key}"

    async def open(self, create: bool = False, holder: bool = False) -> None:
        from console.cli.bench_bus_nats import connect

        self.nc = await connect(self.url)
        js = self.nc.jetstream()
        self.kv = await (js.create_key_value(bucket=self.bucket, ttl=self.ttl, history=1) if create
                         else js.key_value(self.bucket))
        self.rev = 0

    async def try_acquire(self) -> bool:
        from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

        try:
            self.rev = await self.kv.create(self.key, b"server-a")
        except KeyWrongLastSequenceError:
            return False
        except KeyNotFoundError:
            # nats-py's create: refused (the key was there), it reads the key to tell a deleted
            # one from a live one, and finds nothing: the lease expired in between. Next try.
            return False
        return True

    async def renew(self) -> None:
        self.rev = await self.kv.update(self.key, b"server-a", last=self.rev)

    async def close(self, drop: bool = False) -> None:
        if drop:
            await self.nc.jetstream().delete_key_value(self.bucket)
        await self.nc.close()


class RabbitExclusive:
    kind = "rabbitmq-exclusive"

    def __init__(self, url: str, ttl: float, bucket: str, key: str) -> None:
        sep = "&" if "?" in url else "?"
        self.url, self.queue = f"{url}{sep}heartbeat={max(1, round(ttl))}", f"{bucket}.{key}"

    async def open(self, create: bool = False, holder: bool = False) -> None:
        import aio_pika

        self.conn = await aio_pika.connect(self.url, timeout=3)

    async def try_acquire(self) -> bool:
        from aiormq.exceptions import ChannelLockedResource

        channel = await self.conn.channel()  # a refusal closes the channel: one per try
        try:
            await channel.declare_queue(self.queue, exclusive=True)
        except ChannelLockedResource:
            return False
        return True

    async def renew(self) -> None:
        return None  # the client's heartbeats keep it

    async def close(self, drop: bool = False) -> None:
        await self.conn.close()


class PgAdvisory:
    kind = "postgresql-advisory"

    def __init__(self, url: str, ttl: float, bucket: str, key: str) -> None:
        digest = hashlib.blake2b(f"{bucket}.{key}".encode(), digest_size=8).digest()
        self.url, self.ttl, self.lock = url, ttl, int.from_bytes(digest, "big", signed=True)

    async def open(self, create: bool = False, holder: bool = False) -> None:
        import psycopg

        self.conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True, connect_timeout=3)
        if holder:  # the server ends the session of a holder silent for ttl, and so its lock
            await self.conn.execute(f"SET idle_session_timeout = {int(self.ttl * 1000)}")

    async def try_acquire(self) -> bool:
        row = await (await self.conn.execute("SELECT pg_try_advisory_lock(%s)", (self.lock,))).fetchone()
        return bool(row and row[0])

    async def renew(self) -> None:
        await self.conn.execute("SELECT 1")

    async def close(self, drop: bool = False) -> None:
        await self.conn.close()


KINDS = {k.kind: k for k in (NatsKv, RabbitExclusive, PgAdvisory)}


async def _hold(kind: str, url: str, ttl: float, bucket: str, key: str) -> None:
    """The child: take the lease, say so, renew it every ttl/3 until killed."""
    lease = KINDS[kind](url, ttl, bucket, key)
    await lease.open(holder=True)
    while not await lease.try_acquire():  # noqa: ASYNC110 - the lease is the broker's: asked, not signalled
        await asyncio.sleep(POLL_S)
    print("held", flush=True)
    while True:
        await asyncio.sleep(ttl / 3)
        await lease.renew()


async def _takeover(kind: str, url: str, ttl: float, bucket: str, key: str, how: signal.Signals) -> float | None:
    contender = KINDS[kind](url, ttl, bucket, key)
    await contender.open()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "console.cli.bench_bus_lease", "hold", kind, url, str(ttl), bucket, key,
        stdout=asyncio.subprocess.PIPE)
    try:
        line = await asyncio.wait_for(child.stdout.readline(), 20)  # type: ignore[union-attr]
        if line.strip() != b"held":
            raise RuntimeError(f"{kind}: the holder did not take the lease")
        await asyncio.sleep(ttl / 2)  # between two renewals
        os.kill(child.pid, how)
        start = time.perf_counter()
        while time.perf_counter() < start + ttl * 5 + 5:
            if await contender.try_acquire():
                return round(time.perf_counter() - start, 3)
            await asyncio.sleep(POLL_S)
        return None  # still held by a holder that does nothing
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
        await child.wait()
        await contender.close()


async def measure_lease(kind: str, url: str, ttl: float) -> dict[str, Any]:
    """Acquire / refusal / renewal latency (medians of 5) and the takeover after a crash and a hang."""
    bucket = f"calldesk-bench-lease-{secrets.token_hex(4)}"
    admin = KINDS[kind](url, ttl, bucket, "admin")
    await admin.open(create=True)  # the KV bucket; a plain connection for the others
    try:
        acquire, refused, renew = [], [], []
        for i in range(5):
            holder, contender = (KINDS[kind](url, ttl, bucket, f"round{i}") for _ in range(2))
            await holder.open(holder=True)
            await contender.open()
            ms, held = await _timed(holder.try_acquire)
            if not held:
                raise RuntimeError(f"{kind}: a free lease was refused")
            acquire.append(ms)
            refused.append((await _timed(contender.try_acquire))[0])
            renew.append((await _timed(holder.renew))[0])
            await contender.close()
            await holder.close()
        out: dict[str, Any] = {"kind": kind, "ttl_s": ttl, "acquire_ms": statistics.median(acquire),
                               "refused_ms": statistics.median(refused),
                               "renew_ms": None if kind == "rabbitmq-exclusive" else statistics.median(renew)}
        out["takeover_after_crash_s"] = await _takeover(kind, url, ttl, bucket, "crash", signal.SIGKILL)
        out["takeover_after_hang_s"] = await _takeover(kind, url, ttl, bucket, "hang", signal.SIGSTOP)
        return out
    finally:
        await admin.close(drop=True)


if __name__ == "__main__" and sys.argv[1:2] == ["hold"]:
    _, _, kind_arg, url_arg, ttl_arg, bucket_arg, key_arg = sys.argv
    asyncio.run(_hold(kind_arg, url_arg, float(ttl_arg), bucket_arg, key_arg))
