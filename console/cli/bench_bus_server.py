"""One subscribing server of `calldesk bench bus`, in a process of its own, as each `calldesk
serve` would be: ``python -m console.cli.bench_bus_server BUS URL RUN AFTER``.

It subscribes to the run's stream (or exchange) after sequence AFTER, prints ``ready``, then
obeys lines on stdin: ``expect N`` (answered ``ok`` at once; once N more messages are in, or
none has come for IDLE_S, one JSON line: what came, each latency, this process's CPU seconds
since the ``expect``) and ``quit``. Its clock is the parent's: time.perf_counter_ns is
CLOCK_MONOTONIC, one clock for every process of the machine.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from console.cli.bench_bus_run import Server, make_bus, received_all


def _report(server: Server, cpu_s: float) -> dict[str, Any]:
    return {"received": server.received, "target": server.target, "latencies_ns": server.latencies_ns,
            "last_at_ns": server.last_at_ns, "cpu_s": cpu_s,
            **{key: getattr(server, key) for key in ("per_call_violations", "publish_order_violations", "seq_gaps")}}


async def serve(name: str, url: str, run: str, after: int) -> None:
    bus = make_bus(name, url, run)
    server = Server()
    close = await bus.subscribe(server.on_message, after)
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    print("ready", flush=True)
    try:
        while line := await stdin.readline():
            command, *args = line.decode().split()
            if command == "quit":
                break
            cpu = time.process_time()
            server.expect(int(args[0]))
            print("ok", flush=True)
            await received_all(server)
            print(json.dumps(_report(server, time.process_time() - cpu)), flush=True)
    finally:
        await close()
        await bus.close()


if __name__ == "__main__":
    _, bus_arg, url_arg, run_arg, after_arg = sys.argv
    asyncio.run(serve(bus_arg, url_arg, run_arg, int(after_arg)))
