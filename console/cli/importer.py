"""`calldesk import customers FILE.csv`: upsert customers from a CSV file (docs/import-csv.md).

Logs in to `calldesk serve` as an administrator (`calldesk login` first;
console/cli/api_session.py) and uploads the file as it is, streamed from disk
(``POST /api/customers/import``, up to 100 MB), so the role check and the audit trail apply: every
customer written is audited with the user. Every refused row is printed as ``FILE:LINE: reason``;
the good rows are imported; a summary ends the run. Exit status: 0 when every row was imported,
1 when some were refused, 2 when the file itself is unusable (missing, too large, bad header) and
nothing was imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from console.cli.client_login import add_client_arguments

READ_TIMEOUT_S = 3600  # a big file: the server answers when the last batch is written


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="import data from files (customers from CSV)")
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    customers = kinds.add_parser("customers", help="upsert customers by client number from a UTF-8 CSV file",
                                 description="Through the server's API as an admin (`calldesk login` first). "
                                             "Columns and rules: docs/import-csv.md.")
    add_client_arguments(customers)
    customers.add_argument("file", type=Path, metavar="FILE.csv")
    customers.set_defaults(func=_import_customers)


def _import_customers(args: argparse.Namespace) -> int:
    from console.cli.api_session import run_as
    from console.errors import CalldeskError
    from console.i18n import t

    if not args.file.is_file():
        raise CalldeskError(t("cli.file.missing", file=args.file))
    return run_as(args, _upload, "admin", where=lambda a: a.file, read_timeout_s=READ_TIMEOUT_S)


async def _upload(client: Any, args: argparse.Namespace) -> int:
    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.client import ApiError

    try:
        report = await client.import_customers(args.file)
    except OSError as exc:
        raise CalldeskError(t("cli.file.cannot_read", file=args.file, reason=exc.strerror or exc)) from None
    except ApiError as exc:
        if exc.field == "header":  # the server names the file by its base name: name it as the user did
            message = exc.message.removeprefix(f"{args.file.name}:")
            raise CalldeskError(f"{args.file}:{message}") from None
        raise
    for error in report["errors"]:
        print(f"{args.file}:{error['line']}: {error['reason']}", file=sys.stderr)
    if report["errors_truncated"]:
        print(t("cli.import.more_refused", file=args.file, n=report["refused"] - len(report["errors"])),
              file=sys.stderr)
    print(t("cli.import.summary", file=args.file, rows=report["rows"], inserted=report["inserted"],
            updated=report["updated"], refused=report["refused"]))
    return 1 if report["refused"] else 0
