"""Benchmark of the agent console: time to first frame, and frame-to-pop-on-screen latency.

    .venv/bin/python scripts/bench_console.py [--runs 5] [--pops 100]

* first frame: from launching a fresh Python process that does what ``calldesk console`` does
  (the entry point's parser, settings, the App) to its first frame painted, the "connecting"
  line; and to the agent screen painted after an offline log-in (headless driver, no server:
  the log-in's HTTP round trips are not counted).
* pop: from the moment a ``pop`` frame's text is in hand (as the stream worker receives it) to
  the card being refreshed on screen: JSON decode, typed model, message, handler, layout and
  paint. The server's own share is in the frame's ``latency_ms``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
def tell(what):
    os.write(1, f"{{what}} {{time.time()}} {{time.process_time()}}\\n".encode())
# What `calldesk console` does, in its order: the entry point's parser, settings and locale,
# the App, which paints its "connecting" line and logs in. The log-in here is offline (the
# test context, no server): the network round trip is not counted.
from console.cli import build_parser
args = build_parser().parse_args(["console"])
from console.config import load_settings
from console.i18n import set_locale
settings = load_settings(args.config)
set_locale(settings.center.locale)
from console.tui.app import AgentApp, ConnectingScreen

async def connect():
    import tempfile
    from pathlib import Path
    from tests.tui.offline import offline_app
    return offline_app(Path(tempfile.mkdtemp())).ctx

class Timed(AgentApp):
    def push_screen(self, screen, *args, **kwargs):
        if isinstance(screen, ConnectingScreen):
            # The "connecting" line: the first frame, while the log-in runs.
            screen.call_after_refresh(tell, "first")
        return super().push_screen(screen, *args, **kwargs)

    def _start(self):
        super()._start()
        def painted():
            tell("agent")
            self.exit()
        self.agent_screen.call_after_refresh(painted)

Timed(connect=connect, keymap=dict(settings.console.keys), freeze_heap=True).run(headless=True, size=(140, 40))
"""


def first_frame(runs: int) -> dict[str, list[float]]:
    """Per start: wall-clock seconds from launch to the first frame and to the agent screen
    painted, and the CPU seconds the process had used by then."""
    figures: dict[str, list[float]] = {"first": [], "first_cpu": [], "agent": [], "agent_cpu": []}
    for _ in range(runs):
        start = time.time()
        proc = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT))], capture_output=True,
                              text=True, check=True, cwd=ROOT)
        for line in proc.stdout.splitlines():
            what, wall, cpu = line.split()
            figures[what].append(float(wall) - start)
            figures[f"{what}_cpu"].append(float(cpu))
    return figures


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

    # As `calldesk console` runs it: the start-up heap frozen shortly after the first paint.
    app = offline_app(Path(tempfile.mkdtemp()), freeze_heap=True)
    async with app.run_test(size=(140, 40), message_hook=hook) as pilot:
        await settle(pilot)
        while not gc.get_freeze_count():
            await pilot.pause(0.05)
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


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values``: the smallest value with at least ``q``% at or
    below it (with 100 pops, p99 is the second largest; with 5 starts, p95 and p99 are the max)."""
    rank = math.ceil(q / 100 * len(values))
    return values[max(0, rank - 1)]


def describe(name: str, values: list[float], unit: float = 1000.0, label: str = "ms") -> None:
    values = sorted(values)
    figures = ", ".join(f"p{q} {percentile(values, q) * unit:.1f}" for q in (50, 95, 99))
    print(f"{name}: n={len(values)} {figures}, max {values[-1] * unit:.1f} {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="process starts to time")
    parser.add_argument("--pops", type=int, default=100, help="pops to time")
    args = parser.parse_args()
    starts = first_frame(args.runs)
    describe("first frame (process start -> first frame painted: the connecting line), wall clock", starts["first"])
    describe("first frame, CPU time of the console process", starts["first_cpu"])
    describe("agent screen (process start -> agent screen painted, offline log-in), wall clock", starts["agent"])
    describe("agent screen, CPU time of the console process", starts["agent_cpu"])
    wall, cpu = asyncio.run(pop_latency(args.pops))
    describe("pop (frame text in hand -> card painted), wall clock", wall)
    describe("pop, CPU time of this process over the same span", cpu)
    print(f"load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs (other work on the machine stretches the wall-clock figures)")


if __name__ == "__main__":
    main()
