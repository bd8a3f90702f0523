"""The agents' consoles of `calldesk bench failover`, in a process of their own.

Run by the benchmark as ``python -m console.cli.bench_failover_consoles``: one JSON line on stdin
(``{"consoles": [[ext, token, [server urls in the order it tries them]], ...]}``), ``connected``
on stdout once every console has its ``hello``, then, after ``stop`` on stdin, one JSON line of
what each console saw.

Why a process of its own: 500 consoles each read every queue's figures (thousands of frames a
second). In the simulator's process they delayed the simulator's own writes (its AgentCalled went
out up to 100 ms after it was due, and the agents it freed meanwhile were all rung in one burst)
and the moment a pop was read: the benchmark measured itself. Real consoles are other machines.
Times are ``time.perf_counter()``: CLOCK_MONOTONIC on Linux, the same clock in every process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

WRAP_UP_S = 2.0  # an agent's console sends the disposition this long after the call


@dataclass
class Console:
    """One agent's console: a WebSocket that moves to the next server when its own is gone."""

    ext: str
    token: str
    order: list[str]
    pops: dict[str, float] = field(default_factory=dict)  # call -> perf_counter when the pop was read
    restored: list[str] = field(default_factory=list)  # calls a hello carried
    gaps: list[float] = field(default_factory=list)  # s without a server, each time it lost one
    connected: bool = False
    wrapups: int = 0
    served_ms: list[float] = field(default_factory=list)  # each pop's own latency_ms: journal applied -> queued

    def seen(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in ("token", "order", "connected")}

    async def _wrap_up(self, session: Any, base: str, call: str) -> None:
        import aiohttp

        from console.crm.wrapup import DISPOSITIONS

        await asyncio.sleep(WRAP_UP_S)
        with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
            async with session.post(f"{base}/api/interactions/{call}/wrapup",
                                    headers={"Authorization": f"Bearer {self.token}"},
                                    json={"disposition": DISPOSITIONS[0], "notes": ""}) as resp:
                if resp.status == 202:
                    self.wrapups += 1

    async def run(self, session: Any, stop: asyncio.Event, tasks: set[asyncio.Task[None]]) -> None:
        import aiohttp

        since: int | None = None
        epoch: str | None = None
        lost_at: float | None = None
        i = 0
        while not stop.is_set():
            base = self.order[i % len(self.order)]
            query = f"?since={since}&epoch={epoch}" if since is not None and epoch else ""
            try:
                async with session.ws_connect(f"{base}/ws{query}", headers={"Authorization": f"Bearer {self.token}"},
                                              heartbeat=5.0) as ws:
                    async for msg in ws:
                        if msg.type != aiohttp.WSMsgType.TEXT:
                            break
                        now = time.perf_counter()
                        data: str = msg.data
                        if data.startswith('{"seq":'):  # every frame: its seq without parsing it all
                            since = int(data[7:data.index(",", 7)])
                        if not any(f'"kind":"{k}"' in data for k in ("hello", "pop", "ended")):
                            continue  # a queue's figures, a state: not parsed by 500 consoles
                        frame = json.loads(data)
                        kind = frame.get("kind")
                        if kind == "hello":
                            epoch = frame.get("epoch")
                            self.connected = True
                            if lost_at is not None:
                                self.gaps.append(now - lost_at)
                                lost_at = None
                            self.restored.extend(c["call"] for c in frame.get("calls") or [] if "call" in c)
                        elif kind == "pop":
                            if frame["call"] not in self.pops and isinstance(frame.get("latency_ms"), (int, float)):
                                self.served_ms.append(frame["latency_ms"])
                            self.pops.setdefault(frame["call"], now)
                        elif kind == "ended":
                            ended = frame.get("event") or {}
                            if ended.get("outcome") == "answered" and ended.get("agent") == self.ext:
                                # As an agent does: the disposition, a moment after the call (the
                                # server holds the agent out of the queues until it comes).
                                task = asyncio.create_task(self._wrap_up(session, base, ended["call"]))
                                tasks.add(task)
                                task.add_done_callback(tasks.discard)
            except (aiohttp.ClientError, OSError, TimeoutError):
                pass
            if stop.is_set():
                return
            self.connected = False
            if lost_at is None:
                lost_at = time.perf_counter()
            i += 1
            await asyncio.sleep(0.1 if i % len(self.order) else 0.5)


async def _lines() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def serve() -> None:
    import aiohttp

    stdin = await _lines()
    spec = json.loads(await stdin.readline())
    consoles = [Console(ext, token, list(order)) for ext, token, order in spec["consoles"]]
    stop = asyncio.Event()
    wrap_ups: set[asyncio.Task[None]] = set()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tasks = [asyncio.create_task(c.run(session, stop, wrap_ups)) for c in consoles]
        while not all(c.connected for c in consoles):  # noqa: ASYNC110 - polled, nothing signals it
            await asyncio.sleep(0.1)
        print("connected", flush=True)
        while (await stdin.readline()).strip() not in (b"stop", b""):
            pass
        stop.set()
        for task in [*tasks, *wrap_ups]:
            task.cancel()
        await asyncio.gather(*tasks, *wrap_ups, return_exceptions=True)
    print(json.dumps([c.seen() for c in consoles]), flush=True)


if __name__ == "__main__":
    asyncio.run(serve())
