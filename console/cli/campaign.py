"""`calldesk campaign create|edit|list|start|pause|stop|stats|leads import|leads add-filter`.

Works on the store directly (like `calldesk import`); a running server picks the changes up on
its next dialer round. Bad CSV rows are printed as ``FILE:LINE: reason``; the good rows are kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

FIELDS = {  # option -> CampaignSpec field
    "name": "name", "kind": "kind", "mode": "mode", "queue": "queue", "max_attempts": "max_attempts",
    "retry_busy": "retry_busy_min", "retry_noanswer": "retry_noanswer_min", "retry_failed": "retry_failed_min",
    "caller_id": "caller_id", "product_risk": "product_risk", "script": "script_slug",
}


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
    parser = subparsers.add_parser("campaign", help="outbound campaigns: create, run, add leads, statistics")
    sub = parser.add_subparsers(dest="campaign_cmd", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="create a campaign (draft)")
    _spec_options(create, True)
    create.set_defaults(func=_create)
    edit = sub.add_parser("edit", help="change a campaign's settings")
    edit.add_argument("id", type=int)
    _spec_options(edit, False)
    edit.set_defaults(func=_edit)
    sub.add_parser("list", help="every campaign with its leads by status").set_defaults(func=_list)
    for action in ("start", "pause", "stop"):
        p = sub.add_parser(action, help=f"{action} a campaign")
        p.add_argument("id", type=int)
        p.set_defaults(func=_move, action=action)
    stats = sub.add_parser("stats", help="attempts, contacts, dispositions, abandon rate, leads left")
    stats.add_argument("id", type=int)
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=_stats)
    leads = sub.add_parser("leads", help="add leads").add_subparsers(dest="leads_cmd", metavar="SOURCE", required=True)
    imp = leads.add_parser("import", help="leads from a UTF-8 CSV file: number[,client_no][,priority][,not_before]")
    imp.add_argument("id", type=int)
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.set_defaults(func=_import)
    flt = leads.add_parser("add-filter", help="leads from a customer filter")
    flt.add_argument("id", type=int)
    flt.add_argument("--risk-expiring-days", type=int, metavar="N", help="risk assessment expires within N days")
    flt.add_argument("--tier", action="append", default=[], help="service tier (repeatable)")
    flt.add_argument("--branch")
    flt.set_defaults(func=_filter)


def _values(args: argparse.Namespace) -> dict[str, Any]:
    from console.errors import CalldeskError

    values = {field: getattr(args, opt) for opt, field in FIELDS.items() if getattr(args, opt) is not None}
    if args.window:
        start, sep, end = args.window.partition("-")
        if not sep:
            raise CalldeskError(f"--window {args.window}: expected HH:MM-HH:MM, e.g. 09:00-20:00")
        values["window_start"], values["window_end"] = start.strip(), end.strip()
    if args.agents is not None:
        values["agents"] = [ext.strip() for ext in args.agents.split(",") if ext.strip()]
    return values


def _model(cls: Any, values: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    from console.errors import CalldeskError

    try:
        return cls(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]).replace("_", "-")
        raise CalldeskError(f"--{where}: {first['msg']}") from None


def _engine(args: argparse.Namespace) -> tuple[Any, Any]:
    from console.config import load_settings
    from console.store.db import engine_from_settings

    settings = load_settings(args.config)
    return settings, engine_from_settings(settings)


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def _show(row: dict[str, Any]) -> None:
    leads = ", ".join(f"{k} {v}" for k, v in sorted(row.get("leads", {}).items())) or "no leads"
    print(f"{row['id']:>4}  {row['status']:<8} {row['kind']:<10} {row['mode']:<11} {row['queue']:<8} "
          f"{row['window_start'][:5]}-{row['window_end'][:5]}  {row['name']}  ({leads})"
          + (f"  agents {','.join(row['agents'])}" if row.get("agents") else ""))


def _run(args: argparse.Namespace, fn: Any) -> Any:
    from console.i18n import set_locale

    set_locale("en")  # this administrator's CLI speaks English, bad CSV rows included (the app: the center's)
    settings, engine = _engine(args)
    try:
        return fn(settings, engine)
    finally:
        engine.dispose()


def _create(args: argparse.Namespace) -> int:
    from console.crm import campaign_admin as admin

    spec = _model(admin.CampaignSpec, _values(args))
    _show(_run(args, lambda s, e: admin.create(e, spec, _now())))
    return 0


def _edit(args: argparse.Namespace) -> int:
    from console.crm import campaign_admin as admin

    changes = _model(admin.CampaignEdit, _values(args))
    _show(_run(args, lambda s, e: admin.edit(e, args.id, changes)))
    return 0


def _list(args: argparse.Namespace) -> int:
    from console.crm import campaign_admin as admin

    for row in _run(args, lambda s, e: admin.list_all(e)):
        _show(row)
    return 0


def _move(args: argparse.Namespace) -> int:
    from console.crm import campaign_admin as admin

    _show(_run(args, lambda s, e: admin.move(e, args.id, args.action)))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from console.crm import campaign_admin as admin

    def run(settings: Any, engine: Any) -> dict[str, Any]:
        with engine.connect() as conn:
            return admin.stats(conn, args.id, settings.dialer.abandon_after_s)

    stats = _run(args, run)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(f"campaign {stats['campaign']}: {stats['attempts']} attempts, {stats['contacts']} contacts, "
          f"{stats['right_party_contacts']} right-party, {stats['connected']} connected to an agent, "
          f"abandon rate {stats['abandon_rate']:.1%}, {stats['leads_left']} leads left")
    for title, counts in (("leads", stats["leads"]), ("results", stats["results"]),
                          ("dispositions", stats["dispositions"]), ("excluded", stats["excluded"])):
        if counts:
            print(f"  {title}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def _import(args: argparse.Namespace) -> int:
    from console.crm.campaign_io import import_csv_text
    from console.errors import CalldeskError

    if not args.file.is_file():
        raise CalldeskError(f"{args.file}: no such file")
    try:
        text = args.file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CalldeskError(f"{args.file}: not UTF-8 (byte {exc.start})") from None
    report = _run(args, lambda s, e: import_csv_text(e, s, args.id, text, _now()))
    for error in report["errors"]:
        print(f"{args.file}:{error['line']}: {error['reason']}", file=sys.stderr)
    _summary(str(args.file), report)
    return 1 if report["errors"] else 0


def _filter(args: argparse.Namespace) -> int:
    from console.crm.campaign_io import import_filter

    report = _run(args, lambda s, e: import_filter(e, s, args.id, args.risk_expiring_days, tuple(args.tier),
                                                   args.branch, _now()))
    _summary(f"filter: {report['matched']} customers matched", report)
    return 0


def _summary(what: str, report: dict[str, Any]) -> None:
    excluded = ", ".join(f"{k} {v}" for k, v in sorted(report["excluded"].items())) or "none"
    print(f"{what}: {report['added']} leads added, {report['duplicates']} already waiting, "
          f"{len(report.get('errors', []))} rows refused; excluded: {excluded}")
