"""`calldesk bench supervisor`: what the live board costs.

Two figures, each the median of several runs: (1) the server side — adding one finished call to
today's figures and building one ``queue_stats`` event with ``--calls`` calls already in the day
(telephony.stats_live; the server does this on the event loop, at most once a second per queue);
(2) the app side — the supervisor app offline with ``--agents`` agents on its board, the time to
apply one ``agent_state`` frame (cells updated by row key, alerts recomputed). The last line is a
JSON object of the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import time

from console.cli import bench_subparsers


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser("supervisor", help="live queue statistics and board update cost")
    parser.add_argument("--calls", type=int, default=50_000, help="calls already in the day (default 50000)")
    parser.add_argument("--agents", type=int, default=200, help="agents on the board (default 200)")
    parser.add_argument("--frames", type=int, default=1000, help="agent_state frames applied (default 1000)")
    parser.set_defaults(func=run)


def stats_figures(calls: int, runs: int = 5) -> dict[str, float]:
    from telephony.stats import QueueCall
    from telephony.stats_live import DayStats, QueueTarget, live_queue, queue_stats

    rng = random.Random(7)
    adds, snaps = [], []
    for _ in range(runs):
        day = DayStats(day_start=0, targets={"retail": QueueTarget(20, 80, 3)}, short_abandon_s=5)
        passes = [QueueCall("retail", rng.uniform(0, 86_399), rng.choice(("answered",) * 8 + ("abandoned",) * 2),
                            rng.uniform(0, 90), rng.uniform(0, 600), 0, "1001") for _ in range(calls)]
        start = time.perf_counter()
        for n, call in enumerate(passes):
            day.add(("main", str(n), "retail"), call)
        adds.append((time.perf_counter() - start) / calls)
        live = live_queue("retail", [], {}, 50_000)
        start = time.perf_counter()
        for _ in range(200):
            queue_stats(day, "retail", live, 50_000)
        snaps.append((time.perf_counter() - start) / 200)
    return {"add_us": round(statistics.median(adds) * 1e6, 2),
            "queue_stats_us": round(statistics.median(snaps) * 1e6, 1)}


async def board_figures(agents: int, frames: int) -> dict[str, float]:
    from console.tui.models import User
    from console.tui.supervisor.agent_table import AgentTable
    from console.tui.supervisor.app import SupervisorApp
    from console.tui.supervisor.client import SupervisorClient
    from console.tui.supervisor.context import SupervisorContext
    from console.tui.supervisor.messages import AgentStateReceived
    from console.tui.supervisor.screen import BoardsLoaded

    now = dt.datetime(2026, 11, 22, 2, tzinfo=dt.UTC)
    t = now.timestamp()
    ctx = SupervisorContext(user=User(username="bench", role="supervisor"),
                            client=SupervisorClient("http://127.0.0.1:9"), clock=lambda: now)
    app = SupervisorApp(ctx, stream=False, tick_s=0)
    async with app.run_test(size=(150, 40)) as pilot:
        screen = app.board_screen
        await pilot.pause(0.3)
        rows = [{"agent": str(10_000 + i), "name": f"A{i}", "queues": ["retail"], "handled_today": 0, "calls": [],
                 "state": {"t": t - 60, "agent": str(10_000 + i), "state": "available"}} for i in range(agents)]
        start = time.perf_counter()
        screen.post_message(BoardsLoaded([], rows))
        table = screen.query_one(AgentTable)
        while table.row_count < agents:
            await pilot.pause(0.005)
        first = time.perf_counter() - start
        start = time.perf_counter()
        for i in range(frames):
            screen.post_message(AgentStateReceived({"t": t - i, "agent": str(10_000 + i % agents),
                                                    "state": "paused" if i % 2 else "available", "reason": "lunch"}))
        while screen._message_queue.qsize():
            await pilot.pause(0.005)
        await pilot.pause()
        per_frame = (time.perf_counter() - start) / frames
    return {"board_first_load_ms": round(first * 1000), "agent_state_frame_ms": round(per_frame * 1000, 2)}


def run(args: argparse.Namespace) -> int:
    figures = {"calls": args.calls, "agents": args.agents, **stats_figures(args.calls)}
    print(f"stats: add a call {figures['add_us']} us, queue_stats with {args.calls} calls in the day "
          f"{figures['queue_stats_us']} us")
    figures.update(asyncio.run(board_figures(args.agents, args.frames)))
    print(f"board: {args.agents} agents loaded in {figures['board_first_load_ms']} ms, "
          f"one agent_state frame applied in {figures['agent_state_frame_ms']} ms")
    print(json.dumps(figures))
    return 0
