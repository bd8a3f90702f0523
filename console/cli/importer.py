"""`calldesk import customers FILE.csv`: upsert customers from a CSV file (docs/import-csv.md).

Every refused row is printed as ``FILE:LINE: reason``; the good rows are imported; a summary
ends the run. Exit status: 0 when every row was imported, 1 when some were refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="import data from files (customers from CSV)")
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    customers = kinds.add_parser("customers", help="upsert customers by client number from a UTF-8 CSV file",
                                 description="Columns and rules: docs/import-csv.md.")
    customers.add_argument("file", type=Path, metavar="FILE.csv")
    customers.set_defaults(func=_import_customers)


def _import_customers(args: argparse.Namespace) -> int:
    from console.config import load_settings
    from console.errors import CalldeskError
    from console.store.db import engine_from_settings
    from console.store.importing import import_customers

    if not args.file.is_file():
        raise CalldeskError(f"{args.file}: no such file")
    settings = load_settings(args.config)
    engine = engine_from_settings(settings)
    try:
        report = import_customers(
            engine, args.file, settings.tier_for,
            on_error=lambda line, reason: print(f"{args.file}:{line}: {reason}", file=sys.stderr),
        )
    finally:
        engine.dispose()
    print(f"{args.file}: {report.read} rows: "
          f"{report.inserted} inserted, {report.updated} updated, {report.rejected} refused")
    return 1 if report.rejected else 0
