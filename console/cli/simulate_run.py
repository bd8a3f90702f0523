"""Running the simulator from the CLI: standalone until Ctrl-C, or as a benchmark."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telephony.simulator.runner import Simulator, SimulatorConfig


async def serve(config: SimulatorConfig, note: str, duration: float | None, status_every: float) -> int:
    from telephony.simulator.runner import Simulator

    sim = Simulator(config)
    try:
        port = await sim.start()
    except OSError as exc:
        from console.errors import CalldeskError

        raise CalldeskError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from None
    agents = len(sim.pbx.phones)
    rate = f"{config.traffic.calls_per_hour:g} calls/h" if config.traffic else "no random calls"
    print(f"calldesk simulate: AMI on {config.host}:{port} (user {config.username}), {agents} agents, "
          f"{rate}, speed x{config.speed:g}; {note}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started, cpu0 = time.monotonic(), time.process_time()
    try:
        while not stop.is_set():
            timeout = status_every if status_every > 0 else None
            if duration is not None:
                left = duration - (time.monotonic() - started)
                if left <= 0:
                    break
                timeout = min(timeout, left) if timeout else left
            try:
                await asyncio.wait_for(stop.wait(), timeout)
            except TimeoutError:
                if status_every > 0:
                    _print_status(sim, started, cpu0)
    finally:
        await sim.close()
    print("calldesk simulate: stopped", flush=True)
    return 0


def _print_status(sim: Simulator, started: float, cpu0: float) -> None:
    s = sim.status()
    elapsed = max(time.monotonic() - started, 1e-9)
    cpu = (time.process_time() - cpu0) / elapsed * 100
    print(f"t={sim.clock.now:8.0f}s placed {s['placed']} active {s['active']} waiting {s['waiting']} "
          f"talking {s['talking']} events {s['events']} ({s['events'] / elapsed:.0f}/s) clients {s['clients']} "
          f"cpu {cpu:.0f}%", flush=True)


async def bench(config: SimulatorConfig, virtual_s: float) -> int:
    """Simulate ``virtual_s`` seconds as fast as possible with one AMI client reading every event.

    The figure that matters is CPU seconds per simulated second: below 1 the simulator keeps up
    in real time on one core (client parsing included, it runs in the same process)."""
    from telephony.framing import FrameDecoder
    from telephony.simulator.runner import Simulator

    sim = Simulator(config)
    await sim.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    decoder = FrameDecoder()
    received = 0
    writer.write(f"Action: Login\r\nUsername: {config.username}\r\nSecret: {config.secret}\r\n\r\n".encode())

    async def read() -> None:
        nonlocal received
        while data := await reader.read(1 << 16):
            received += len(decoder.feed(data))

    task = asyncio.create_task(read())
    await asyncio.sleep(0.05)
    wall0, cpu0, events0 = time.monotonic(), time.process_time(), sim.pbx.events_emitted
    step = 1.0
    while sim.clock.now < virtual_s:
        sim.clock.advance(step)
        await asyncio.sleep(0)  # let the client read
    expected = sim.pbx.events_emitted - events0
    deadline = time.monotonic() + 60
    while received < expected and time.monotonic() < deadline:  # noqa: ASYNC110 - a count, with a deadline
        await asyncio.sleep(0.01)
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    events = sim.pbx.events_emitted - events0
    s = sim.status()
    writer.close()
    await sim.close()
    task.cancel()
    print(f"agents {len(sim.pbx.phones)}, rate {config.traffic.calls_per_hour:g} calls/h, "
          f"{virtual_s:g} s simulated: calls placed {s['placed']}, in progress at end {s['active']} "
          f"(waiting {s['waiting']}, talking {s['talking']})")
    print(f"events emitted {events} ({events / virtual_s:.0f} per simulated s), client read {received}")
    print(f"wall {wall:.2f} s, cpu {cpu:.2f} s: {cpu / virtual_s * 100:.1f}% of one core at real time, "
          f"{events / max(cpu, 1e-9):.0f} events per cpu-second; pid {os.getpid()}", file=sys.stdout)
    return 0
