"""`calldesk report`: queue figures from the contact history, by interval, agent or queue.

    calldesk report --from 2026-11-01 --to 2026-11-30 --by queue
    calldesk report --from 2026-11-22 --to 2026-11-22 --by interval --interval 30m --queue retail --format csv

Reads the Interactions straight from the database of the config (as `calldesk serve` would) and
computes them with telephony.stats (definitions in its docstring and docs/supervisor.md). Dates
are the center's local days, both included. CSV columns are stable ids (for spreadsheets), the
table's headers are translated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

TABLE_COLUMNS = ("key", "queue", "offered", "answered", "abandoned", "short_abandoned", "service_level",
                 "asa_s", "aht_s", "longest_wait_s", "abandon_rate")
RATIOS = {"service_level", "service_level_perf", "service_level_perf2", "abandon_rate"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="queue statistics from the contact history")
    parser.add_argument("--from", dest="first", metavar="DATE", required=True, help="first day, YYYY-MM-DD (local)")
    parser.add_argument("--to", dest="last", metavar="DATE", required=True, help="last day, YYYY-MM-DD (included)")
    parser.add_argument("--by", choices=("interval", "agent", "queue"), default="interval")
    parser.add_argument("--interval", default="15m", help="interval length for --by interval (15m, 30m, 1h)")
    parser.add_argument("--format", choices=("table", "csv"), default="table")
    parser.add_argument("--queue", metavar="Q", help="only this queue")
    parser.set_defaults(func=run)


def _date(option: str, value: str) -> dt.date:
    from console.errors import CalldeskError
    from console.i18n import t

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CalldeskError(t("report.bad_date", option=option, value=value)) from None


def run(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from console.config import load_settings
    from console.crm.report import load_calls, local_period, parse_interval, report, row_dict, targets_of
    from console.errors import CalldeskError
    from console.i18n import set_locale
    from console.store.db import engine_from_settings

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    first, last = _date("--from", args.first), _date("--to", args.last)
    tz = ZoneInfo(settings.center.time_zone)
    try:
        interval_s = parse_interval(args.interval)
        start, end = local_period(first, last, tz)
    except ValueError as exc:
        raise CalldeskError(str(exc)) from None
    if args.queue and settings.queue(args.queue) is None:
        names = ", ".join(q.name for q in settings.queues)
        raise CalldeskError(f"--queue {args.queue!r} is not a configured queue ({names})")
    engine = engine_from_settings(settings)
    try:
        calls = [c for _, c in load_calls(engine, start, end, args.queue)]
    finally:
        engine.dispose()
    names = [args.queue] if args.queue else [q.name for q in settings.queues]
    rows = [row_dict(r) for r in report(
        calls, by=args.by, start=start.timestamp(), end=end.timestamp(), tz=tz, targets=targets_of(settings),
        short_abandon_s=settings.stats.short_abandon_s, interval_s=interval_s,
        queues=names if args.by != "agent" else ())]
    write = write_csv if args.format == "csv" else write_table
    write(rows, sys.stdout)
    return 0


def cell(column: str, value: Any, blank: str = "—") -> str:
    if value is None:
        return blank
    if column in RATIOS:
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def write_csv(rows: list[dict[str, Any]], out: Any) -> None:
    import csv

    from console.crm.report import COLUMNS

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else (round(row[c], 4) if isinstance(row[c], float) else row[c])
                         for c in COLUMNS])


def write_table(rows: list[dict[str, Any]], out: Any) -> None:
    from rich.cells import cell_len

    from console.i18n import t

    columns = [c for c in TABLE_COLUMNS if c != "queue" or any(r["queue"] and r["queue"] != r["key"] for r in rows)]
    grid = [[t(f"report.col.{c}") for c in columns]] + [[cell(c, r[c]) for c in columns] for r in rows]
    widths = [max(cell_len(line[i]) for line in grid) for i in range(len(columns))]
    for n, line in enumerate(grid):
        text = "  ".join(v + " " * (w - cell_len(v)) if c in ("key", "queue") else " " * (w - cell_len(v)) + v
                         for c, v, w in zip(columns, line, widths))
        out.write(text.rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
