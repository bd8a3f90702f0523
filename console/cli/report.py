"""`calldesk report`: queue figures from the contact history, by interval, agent or queue.

    calldesk report --from 2026-11-01 --to 2026-11-30 --by queue
    calldesk report --from 2026-11-22 --to 2026-11-22 --by interval --interval 30m --queue retail --format csv

Logs in as a supervisor (`calldesk login` first; console/cli/api_session.py) and asks the
server (``GET /api/supervisor/report``, docs/API.md): a supervisor gets the queues on their staff
record, a manager all of them; at most 92 days. Dates are the center's local days, both
included. CSV columns are stable ids (for spreadsheets), the server writes them; the table's
headers are translated. Output into a closed pipe (``| head``) ends quietly.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from console.cli.client_login import add_client_arguments

TABLE_COLUMNS = ("key", "queue", "offered", "answered", "abandoned", "short_abandoned", "service_level",
                 "asa_s", "aht_s", "longest_wait_s", "abandon_rate")
RATIOS = {"service_level", "service_level_perf", "service_level_perf2", "abandon_rate"}
OPTION_OF = {"from": "--from", "to": "--to", "by": "--by", "interval": "--interval", "queue": "--queue",
             "format": "--format"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="queue statistics from the contact history",
                                   description="Through the server's API as a supervisor (`calldesk login` first).")
    add_client_arguments(parser)
    parser.add_argument("--from", dest="first", metavar="DATE", required=True, help="first day, YYYY-MM-DD (local)")
    parser.add_argument("--to", dest="last", metavar="DATE", required=True, help="last day, YYYY-MM-DD (included)")
    parser.add_argument("--by", choices=("interval", "agent", "queue"), default="interval")
    parser.add_argument("--interval", default="15m", help="interval length for --by interval (15m, 30m, 1h)")
    parser.add_argument("--format", choices=("table", "csv"), default="table")
    parser.add_argument("--queue", metavar="Q", help="only this queue")
    parser.set_defaults(func=run)


def _date(option: str, value: str) -> str:
    import datetime as dt

    from console.errors import CalldeskError
    from console.i18n import t

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise CalldeskError(t("report.bad_date", option=option, value=value)) from None


def run(args: argparse.Namespace) -> int:
    from console.cli.api_session import run_as

    return run_as(args, _report, "supervisor")


async def _report(client: Any, args: argparse.Namespace) -> int:
    from console.errors import CalldeskError
    from console.tui.client import ApiError

    params = {"from": _date("--from", args.first), "to": _date("--to", args.last), "by": args.by,
              "interval": args.interval, "queue": args.queue}
    try:
        if args.format == "csv":
            text = await client.report_csv(params)
        else:
            text = table_text((await client.report(params["from"], params["to"], args.by, args.interval,
                                                   args.queue))["rows"])
    except ApiError as exc:
        if exc.field is None:
            raise
        raise CalldeskError(f"{OPTION_OF.get(exc.field, exc.field)}: {exc.message}") from None
    write_quietly(text, sys.stdout)
    return 0


def write_quietly(text: str, out: Any) -> None:
    """Write and flush; a reader that went away (``| head``) is not an error."""
    import os

    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at /dev/null so that flush is silent too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, out.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        finally:
            os.close(devnull)


def cell(column: str, value: Any, blank: str = "—") -> str:
    if value is None:
        return blank
    if column in RATIOS:
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def table_text(rows: list[dict[str, Any]]) -> str:
    from rich.cells import cell_len

    from console.i18n import t

    columns = [c for c in TABLE_COLUMNS if c != "queue" or any(r["queue"] and r["queue"] != r["key"] for r in rows)]
    grid = [[t(f"report.col.{c}") for c in columns]] + [[cell(c, r[c]) for c in columns] for r in rows]
    widths = [max(cell_len(line[i]) for line in grid) for i in range(len(columns))]
    lines = []
    for n, line in enumerate(grid):
        text = "  ".join(v + " " * (w - cell_len(v)) if c in ("key", "queue") else " " * (w - cell_len(v)) + v
                         for c, v, w in zip(columns, line, widths, strict=True))
        lines.append(text.rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
