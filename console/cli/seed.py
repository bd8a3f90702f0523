"""`calldesk seed`: fill the database with realistic, deterministic demo data.

All seeded staff share the password ``calldesk`` — demo data only, never a real center.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seed", help="fill the database with demo customers, staff and history",
        description="Seed realistic, deterministic demo data (same --seed and --now, same data). "
                    "Staff: agent1001…, sup1, sup2, mgr1, admin, account managers am2001…; "
                    "every password is 'calldesk' (demo only).",
    )
    parser.add_argument("--customers", type=_count, default=10_000, metavar="N",
                        help="number of customers (default 10000)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument("--agents", type=int, default=20, metavar="N", help="number of agents, 1-99 (default 20)")
    parser.add_argument("--now", type=_moment, metavar="ISO",
                        help="the moment the history leads up to (default: now); with --seed it fixes every row")
    parser.add_argument("--replace", action="store_true", help="delete all existing data first")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    parser.set_defaults(func=_seed)


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _moment(text: str):
    import datetime as dt

    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone offset, e.g. {text}+08:00")
    return value.astimezone(dt.UTC)


def _seed(args: argparse.Namespace) -> int:
    from console.config import load_settings
    from console.store.db import describe, engine_from_settings
    from console.store.seed import seed_database

    settings = load_settings(args.config)
    engine = engine_from_settings(settings)
    progress = None if args.quiet else (lambda msg: print(f"  {msg}", file=sys.stderr, flush=True))
    try:
        report = seed_database(engine, settings, customers=args.customers, seed=args.seed, now=args.now,
                               agents=args.agents, replace=args.replace, progress=progress)
    finally:
        engine.dispose()
    counts = ", ".join(f"{name} {count:,}" for name, count in report.counts.items())
    print(f"seeded {describe(engine)} in {report.total_seconds:.1f} s: {counts}")
    if not args.quiet:
        print("phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
    print(f"staff logins: agent1001…agent{1000 + args.agents}, sup1, sup2, mgr1, admin, am2001… — "
          f"password '{report.password}' (demo data only)")
    return 0
