"""Benchmark of the agent console: time to first frame, and frame-to-pop-on-screen latency.

    .venv/bin/python scripts/bench_console.py [--runs 5] [--pops 100]

* first frame: from launching a fresh Python process to the agent screen's first refresh
  (imports, App, layout, first paint; headless driver, no server: login is one HTTP round trip
  before this and is not counted).
* pop: from the moment a ``pop`` frame's text is in hand (as the stream worker receives it) to
  the card being refreshed on screen: JSON decode, typed model, message, handler, layout and
  paint. The server's own share is in the frame's ``latency_ms``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = """
import time, sys
sys.path.insert(0, {root!r})
from pathlib import Path
import tempfile
from tests.tui.offline import offline_app
from console.tui.app import AgentApp
ctx = offline_app(Path(tempfile.mkdtemp())).ctx
class Timed(AgentApp):
    def on_ready(self):
        # Ready: the first frame has been displayed; then wait for the agent screen's own paint.
        def painted():
            print(time.time(), time.process_time(), flush=True)
            self.exit()
        self.agent_screen.call_after_refresh(painted)
Timed(ctx).run(headless=True, size=(140, 40))
"""


def first_frame(runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock seconds from launch to the first paint, and the CPU seconds the process used."""
    wall, cpu = [], []
    for _ in range(runs):
        start = time.time()
        proc = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT))], capture_output=True,
                              text=True, check=True, cwd=ROOT)
        painted, used = proc.stdout.strip().splitlines()[-1].split()
        wall.append(float(painted) - start)
        cpu.append(float(used))
    return wall, cpu


async def pop_latency(pops: int) -> list[float]:
    import tempfile

    from console.tui.agent.screen import AgentScreen
    from console.tui.stream import CallOffered, message_for
    from tests.tui import frames
    from tests.tui.offline import offline_app, settle

    shown: list[float] = []
    cpu: list[float] = []
    cpu_start = [0.0]
    hook_done = asyncio.Event()

    def hook(message: object) -> None:
        # PopShown bubbles from the screen to the App: count each pop once.
        if isinstance(message, AgentScreen.PopShown) and not hook_done.is_set():
            shown.append(time.perf_counter() - message.received)
            cpu.append(time.process_time() - cpu_start[0])
            hook_done.set()

    app = offline_app(Path(tempfile.mkdtemp()))
    async with app.run_test(size=(140, 40), message_hook=hook) as pilot:
        await settle(pilot)
        for i in range(pops):
            call = f"1700000000.{i}"
            text = json.dumps(frames.pop("known" if i % 3 else "ambiguous", call=call), ensure_ascii=False)
            hook_done.clear()
            received = time.perf_counter()
            cpu_start[0] = time.process_time()
            offered = message_for(json.loads(text), "1001")
            assert isinstance(offered, CallOffered)
            offered.received = received
            app.agent_screen.post_message(offered)
            await hook_done.wait()
            stop = message_for(frames.event("ring_stopped", call=call, agent="1001", reason="caller_left"), "1001")
            app.agent_screen.post_message(stop)
            await pilot.pause()
    return shown, cpu


def describe(name: str, values: list[float], unit: float = 1000.0, label: str = "ms") -> None:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    print(f"{name}: n={len(values)} median {statistics.median(values) * unit:.1f} {label}, "
          f"p95 {p95 * unit:.1f} {label}, max {values[-1] * unit:.1f} {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="process starts to time")
    parser.add_argument("--pops", type=int, default=100, help="pops to time")
    args = parser.parse_args()
    wall, cpu = first_frame(args.runs)
    describe("first frame (process start -> agent screen painted), wall clock", wall)
    describe("first frame, CPU time of the console process", cpu)
    wall, cpu = asyncio.run(pop_latency(args.pops))
    describe("pop (frame text in hand -> card painted), wall clock", wall)
    describe("pop, CPU time of this process over the same span", cpu)
    print(f"load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs (other work on the machine stretches the wall-clock figures)")


if __name__ == "__main__":
    main()
