"""`calldesk campaign create|edit|list|start|pause|stop|stats|leads import|leads add-filter`.

Logs in to `calldesk serve` as a supervisor and goes through its API (docs/API.md "Campaigns";
console/cli/api_session.py: `calldesk login` once, or ``CALLDESK_TOKEN``, or ``--user`` with
``CALLDESK_PASSWORD`` or a prompt), so the role check and the audit trail apply as they do in the
supervisor app; the running dialer picks a change up at once. The server judges every value: a
refusal is one line naming the option (``--retry-busy: …``) or ``FILE:LINE`` for a bad CSV row,
whose good rows are kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from console.cli.client_login import add_client_arguments

FIELDS = {  # option -> API field
    "name": "name", "kind": "kind", "mode": "mode", "queue": "queue", "max_attempts": "max_attempts",
    "retry_busy": "retry_busy_min", "retry_noanswer": "retry_noanswer_min", "retry_failed": "retry_failed_min",
    "caller_id": "caller_id", "product_risk": "product_risk", "script": "script_slug",
}
STATS_TITLES = {"leads": "cli.campaign.stats_leads", "results": "cli.campaign.stats_results",
                "dispositions": "cli.campaign.stats_dispositions", "excluded": "cli.campaign.stats_excluded"}
OPTION_OF = {field: "--" + option.replace("_", "-") for option, field in FIELDS.items()} | {
    "window_start": "--window", "window_end": "--window", "agents": "--agents"}


def _spec_options(parser: argparse.ArgumentParser, create: bool) -> None:
    parser.add_argument("--name", required=create)
    parser.add_argument("--kind", choices=["callback", "survey", "compliance", "marketing"])
    parser.add_argument("--mode", choices=["preview", "progressive", "predictive"])
    parser.add_argument("--queue", help="the queue whose agents take the calls (default retail)")
    parser.add_argument("--window", metavar="HH:MM-HH:MM", help="calling window, center time (default 09:00-20:00)")
    parser.add_argument("--max-attempts", type=int)
    parser.add_argument("--retry-busy", type=int, metavar="MIN")
    parser.add_argument("--retry-noanswer", type=int, metavar="MIN")
    parser.add_argument("--retry-failed", type=int, metavar="MIN")
    parser.add_argument("--caller-id")
    parser.add_argument("--product-risk", help="R1-R5: marketing excludes customers it does not suit")
    parser.add_argument("--script", help="slug of the KB article shown to the agent")
    parser.add_argument("--agents", metavar="EXT,EXT", help="extensions of the agents who take the calls "
                        "(made members of the queue while it runs); \"\" = every member of the queue")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("campaign", help="outbound campaigns: create, run, add leads, statistics",
                                   description="Through the server's API as a supervisor (`calldesk login` first). "
                                               "docs/campaigns.md.")
    sub = parser.add_subparsers(dest="campaign_cmd", metavar="ACTION", required=True)

    def action(parent: Any, name: str, help_text: str, work: Callable[..., Awaitable[int]]) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text)
        add_client_arguments(p)
        p.set_defaults(func=lambda args: _run(args, work))
        return p

    _spec_options(action(sub, "create", "create a campaign (draft)", _create), True)
    edit = action(sub, "edit", "change a campaign's settings", _edit)
    edit.add_argument("id", type=int)
    _spec_options(edit, False)
    action(sub, "list", "every campaign with its leads by status", _list)
    for name in ("start", "pause", "stop"):
        action(sub, name, f"{name} a campaign", _move).add_argument("id", type=int)
    stats = action(sub, "stats", "attempts, contacts, dispositions, abandon rate, leads left", _stats)
    stats.add_argument("id", type=int)
    stats.add_argument("--json", action="store_true")
    leads = sub.add_parser("leads", help="add leads").add_subparsers(dest="leads_cmd", metavar="SOURCE", required=True)
    imp = action(leads, "import", "leads from a UTF-8 CSV file: number[,client_no][,priority][,not_before]", _import)
    imp.add_argument("id", type=int)
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    flt = action(leads, "add-filter", "leads from a customer filter", _filter)
    flt.add_argument("id", type=int)
    flt.add_argument("--risk-expiring-days", type=int, metavar="N", help="risk assessment expires within N days")
    flt.add_argument("--tier", action="append", default=[], help="service tier (repeatable)")
    flt.add_argument("--branch")
    flt.add_argument("--churn-level", choices=("medium", "high"),
                     help="a retention campaign: customers whose churn warning reaches this level")


def _run(args: argparse.Namespace, work: Callable[..., Awaitable[int]]) -> int:
    from console.cli.api_session import run_as

    return run_as(args, work, "supervisor", where=_where, read_timeout_s=600)


def _where(args: argparse.Namespace) -> str | None:
    from console.i18n import t

    if getattr(args, "file", None) is not None:
        return str(args.file)
    return t("cli.campaign.which", id=args.id) if getattr(args, "id", None) is not None else None


def _values(args: argparse.Namespace) -> dict[str, Any]:
    from console.errors import CalldeskError
    from console.i18n import t

    values = {field: getattr(args, opt) for opt, field in FIELDS.items() if getattr(args, opt) is not None}
    if args.window:
        start, sep, end = args.window.partition("-")
        if not sep:
            raise CalldeskError(t("cli.campaign.bad_window", value=args.window))
        values["window_start"], values["window_end"] = start.strip(), end.strip()
    if args.agents is not None:
        values["agents"] = [ext.strip() for ext in args.agents.split(",") if ext.strip()]
    return values


async def _spec_call(call: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """A create or edit; a refused field is named by its option (``--retry-busy: …``)."""
    from console.errors import CalldeskError
    from console.tui.client import ApiError

    try:
        return await call
    except ApiError as exc:
        if exc.field is None:
            raise
        option = OPTION_OF.get(exc.field.split(".")[0], exc.field)
        raise CalldeskError(f"{option}: {exc.message}") from None


def _show(row: dict[str, Any]) -> None:
    from console.i18n import t

    leads = ", ".join(f"{k} {v}" for k, v in sorted(row.get("leads", {}).items())) or t("cli.campaign.no_leads")
    print(f"{row['id']:>4}  {row['status']:<8} {row['kind']:<10} {row['mode']:<11} {row['queue']:<8} "
          f"{row['window_start'][:5]}-{row['window_end'][:5]}  {row['name']}  ({leads})"
          + (f"  {t('cli.campaign.agents', agents=','.join(row['agents']))}" if row.get("agents") else ""))


async def _create(client: Any, args: argparse.Namespace) -> int:
    _show(await _spec_call(client.create_campaign(_values(args))))
    return 0


async def _edit(client: Any, args: argparse.Namespace) -> int:
    _show(await _spec_call(client.edit_campaign(args.id, _values(args))))
    return 0


async def _list(client: Any, args: argparse.Namespace) -> int:
    for row in await client.campaigns():
        _show(row)
    return 0


async def _move(client: Any, args: argparse.Namespace) -> int:
    _show(await client.move_campaign(args.id, args.campaign_cmd))
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


async def _stats(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    stats = await client.campaign_stats(args.id)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(t("cli.campaign.stats", campaign=stats["campaign"], attempts=stats["attempts"], contacts=stats["contacts"],
            rpc=stats["right_party_contacts"], connected=stats["connected"],
            abandon_rate=f"{stats['abandon_rate']:.1%}", left=stats["leads_left"]))
    for title, key in STATS_TITLES.items():
        if stats[title]:
            print(f"  {t(key)}: {_counts(stats[title])}")
    return 0


async def _import(client: Any, args: argparse.Namespace) -> int:
    from console.errors import CalldeskError
    from console.i18n import t

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CalldeskError(t("cli.file.cannot_read", file=args.file, reason=exc.strerror or exc)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CalldeskError(t("cli.file.not_utf8", file=args.file, byte=exc.start)) from None
    report = await client.import_leads(args.id, text)
    for error in report["errors"]:
        print(f"{args.file}:{error['line']}: {error['reason']}", file=sys.stderr)
    _summary(str(args.file), report)
    return 1 if report["errors"] else 0


async def _filter(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    report = await client.request("POST", f"/api/campaigns/{args.id}/leads/filter", json_body={
        "risk_expiring_days": args.risk_expiring_days, "tiers": list(args.tier), "branch": args.branch,
        "churn_level": args.churn_level})
    _summary(t("cli.campaign.matched", n=report["matched"]), report)
    return 0


def _summary(what: str, report: dict[str, Any]) -> None:
    from console.i18n import t

    print(t("cli.campaign.leads_summary", what=what, added=report["added"], duplicates=report["duplicates"],
            refused=len(report.get("errors", [])), excluded=_counts(report["excluded"]) or t("cli.campaign.none")))
