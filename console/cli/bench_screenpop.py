"""`calldesk bench screenpop`: screen-pop latency on a database of N customers, consoles connected.

The server runs in this process as in production (create_app on a real TCP port, the real
Bridge on a real AMI socket, the real WebSocket hub), with ``--consoles`` agent consoles
connected over WebSocket. A scripted PBX (console/cli/bench_screenpop_ami.py) plays real
Asterisk calls, one after another, each ringing a different console; the latency of a call is
from the moment its ``AgentCalled`` frame is written to the AMI socket (the event read) to the
moment the server has written the ``pop`` frame to that console's WebSocket. The consoles'
own receive time is reported as well (``client_p99_ms``).

``--painted`` is the end-to-end measure: one more console, the real agent console (`calldesk
console`'s app on Textual's headless driver, in a child process: console/cli/bench_painted.py),
and every call rings it; ``painted_*`` runs from the AgentCalled written to the AMI socket to the
card painted on that console (wall clocks of one machine). The console sends each call's wrap-up
as an agent would and is rung again half a second after the call ended.

The database is seeded when it is empty (a database with fewer customers is refused rather
than wiped). Calls are recorded under the PBX name ``bench`` and deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from console.cli import bench_subparsers


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser("screenpop",
                                                     help="screen-pop latency, AMI read to WebSocket write")
    parser.add_argument("--customers", type=int, default=10_000, help="customers in the database (seeded when empty)")
    parser.add_argument("--database", help="database URL (default: a SQLite file var/bench/screenpop-N.db)")
    parser.add_argument("--consoles", type=int, default=200, help="agent consoles connected over WebSocket")
    parser.add_argument("--calls", type=int, default=1000, help="calls to place")
    parser.add_argument("--unknown-share", type=float, default=0.1, help="share of calls from numbers not in the store")
    parser.add_argument("--during-startup", action="store_true",
                        help="measure while the server still builds its search index (default: wait for it)")
    parser.add_argument("--painted", action="store_true",
                        help="end to end: every call rings a real agent console (headless, in a child process) "
                             "and painted_* is AMI event read -> card painted")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object (last line)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from console.cli.bench_screenpop_run import prepare_database, run_bench
    from console.config import load_settings

    settings = load_settings(args.config)
    url = args.database or f"sqlite:///{Path('var/bench').resolve() / f'screenpop-{args.customers}.db'}"
    engine, seeded_s = prepare_database(url, settings, args.customers, say=lambda m: print(m, file=sys.stderr))
    try:
        figures = asyncio.run(run_bench(engine, settings, args.consoles, args.calls, args.unknown_share,
                                         during_startup=args.during_startup, painted=args.painted))
    finally:
        engine.dispose()
    figures = {"customers": args.customers, "consoles": args.consoles, **figures, "seed_s": seeded_s,
               "database": engine.url.get_backend_name()}
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>16}: {value}")
    return 0
