"""`calldesk churn`: the churn warning from a shell, through the server's API.

``recompute`` scores every customer from the stored facts (an admin; run it nightly, e.g. from
cron); ``import-aum FILE`` sends the brokerage's AUM snapshots (``client_no,as_of,aum``; a manager),
bad rows reported as FILE:LINE; ``list`` prints the customers at risk, highest first (a
supervisor; ``--mine`` an account manager's own). docs/churn.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from console.cli.client_login import add_client_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("churn",
                                   help="the churn warning: recompute scores, import AUM snapshots, list risks",
                                   description="The churn warning through the server's API (docs/churn.md).")
    sub = parser.add_subparsers(dest="churn_cmd", metavar="ACTION", required=True)

    recompute = sub.add_parser("recompute", help="score every customer from the stored facts (nightly)")
    add_client_arguments(recompute)
    recompute.set_defaults(func=lambda args: _run(args, _recompute, "admin"))

    aum = sub.add_parser("import-aum", help="import AUM snapshots from a CSV file (client_no,as_of,aum)")
    add_client_arguments(aum)
    aum.add_argument("file", type=Path)
    aum.set_defaults(func=lambda args: _run(args, _import_aum, "manager"))

    lst = sub.add_parser("list", help="customers at risk, highest first")
    add_client_arguments(lst)
    lst.add_argument("--level", choices=("high", "medium"), default="high")
    lst.add_argument("--mine", action="store_true", help="only my own customers (an account manager)")
    lst.add_argument("--limit", type=int, default=50)
    lst.add_argument("--json", action="store_true", help="one JSON object per line")
    lst.set_defaults(func=lambda args: _run(args, _list, "supervisor"))


def _run(args: argparse.Namespace, work: Any, role: str) -> int:
    from console.cli.api_session import run_as

    return run_as(args, work, role, where=lambda a: getattr(a, "file", None))


async def _recompute(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    report = await client.request("POST", "/api/churn/recompute")
    print(t("cli.churn.recomputed", **report))
    return 0


async def _import_aum(client: Any, args: argparse.Namespace) -> int:
    from console.errors import CalldeskError
    from console.i18n import t

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CalldeskError(f"{args.file}: {exc.strerror}") from None
    report = await client.request("POST", "/api/churn/aum", data=data, content_type="text/csv")
    for error in report["errors"]:
        print(f"{args.file}:{error['line']}: {error['reason']}", file=sys.stderr)
    print(t("cli.churn.imported", **{k: report[k] for k in ("rows", "added", "updated", "unchanged", "rescored")},
            errors=len(report["errors"])))
    return 1 if report["errors"] else 0


async def _list(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    params = {"level": args.level, "limit": args.limit, "manager": "me" if args.mine else None}
    for row in (await client.request("GET", "/api/customers/at-risk", params=params))["customers"]:
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
            continue
        reasons = ", ".join(f"{t('crm.churn.' + r['factor'])} {r['value']:g}" for r in row["churn"]["reasons"])
        print("\t".join([str(row["churn"]["score"]), row["client_no"], row["name"], row["tier"],
                         (row["manager"] or {}).get("name") or "—", reasons]))
    return 0
