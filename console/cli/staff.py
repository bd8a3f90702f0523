"""`calldesk staff list|add|edit|disable|enable|password|unlock|customers|import|bootstrap-admin`.

Every command but ``bootstrap-admin`` logs in to `calldesk serve` as an administrator (``unlock``:
a supervisor will do) and goes
through its API (docs/API.md "Staff administration"; console/cli/api_session.py), so the roles,
the rules and the audit trail apply as they do in the supervisor app: log-in as for the consoles
(``CALLDESK_TOKEN``, or ``--user`` / ``CALLDESK_USER`` with ``CALLDESK_PASSWORD`` or a prompt).
A refusal is one line: the account or file, the field, the server's reason. Accounts are named by user
name. A new password is typed twice at a prompt, or read from stdin (``--password-stdin``): never
on the command line, where shell history and ``ps`` would keep it.

``bootstrap-admin`` is the one way in on a fresh database: it writes the first administrator
into the store directly, and refuses while any active administrator exists.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from console.cli.client_login import add_client_arguments

ROLE_HELP = "agent, supervisor, manager (account manager) or admin"  # the server judges it


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("staff", help="staff accounts: list, add, edit, disable, passwords, CSV import",
                                   description="Manage agents, supervisors, account managers and admins through "
                                               "the server's API (admin login). docs/staff.md.")
    sub = parser.add_subparsers(dest="staff_cmd", metavar="ACTION", required=True)

    def action(name: str, help_text: str, func: Callable[..., Any], role: str = "admin") -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        add_client_arguments(p)
        p.set_defaults(func=lambda args: _run(args, func, role))
        return p

    lst = action("list", "every account: role, extension, queues, active, customers", _list)
    lst.add_argument("--role", help=ROLE_HELP)
    state = lst.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_const", const=True, help="active accounts only")
    state.add_argument("--inactive", dest="active", action="store_const", const=False, help="disabled accounts only")
    lst.add_argument("--json", action="store_true", help="print the API's JSON")

    add = action("add", "create an account", _add)
    add.add_argument("username")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, help=ROLE_HELP)
    _account_options(add)
    add.add_argument("--disabled", action="store_true", help="create it disabled")
    _password_options(add, optional=True)

    edit = action("edit", "change an account's name, role, extension, queues or user name", _edit)
    edit.add_argument("username")
    edit.add_argument("--username", dest="new_username", metavar="NEW", help="rename the account")
    edit.add_argument("--name")
    edit.add_argument("--role", help=ROLE_HELP)
    _account_options(edit)

    disable = action("disable", "disable an account (its sessions end at once)", _disable)
    disable.add_argument("username")
    disable.add_argument("--transfer-to", metavar="MANAGER",
                         help="first hand this account manager's customers to MANAGER")
    action("enable", "enable a disabled account again", _enable).add_argument("username")

    password = action("password", "set or reset an account's password (its other sessions end)", _password)
    password.add_argument("username")
    _password_options(password, optional=False)

    action("unlock", "lift the lockout of an account after too many failed log-ins (supervisor or admin)",
           _unlock, role="supervisor").add_argument("username")

    customers = action("customers", "an account manager's customers; --transfer-to hands them over", _customers)
    customers.add_argument("username")
    customers.add_argument("--transfer-to", metavar="MANAGER", help="hand every customer to this account manager")
    customers.add_argument("--limit", type=int, default=50, metavar="N", help="customers listed (default 50)")

    imp = action("import", "create or update accounts from a UTF-8 CSV file (docs/staff.md)", _import)
    imp.add_argument("file", type=Path, metavar="FILE.csv")

    boot = sub.add_parser("bootstrap-admin", help="create the first administrator in the database (fresh store)")
    boot.add_argument("username")
    boot.add_argument("--name", required=True)
    _password_options(boot, optional=False)
    boot.set_defaults(func=_bootstrap)


def _account_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--extension", metavar="EXT", help='phone extension (digits); "" for none')
    parser.add_argument("--queues", metavar="Q,Q", help='configured queues, comma-separated; "" for none')


def _password_options(parser: argparse.ArgumentParser, optional: bool) -> None:
    if optional:
        parser.add_argument("--password", action="store_true", help="set a password (asked twice)")
    parser.add_argument("--password-stdin", action="store_true", help="read the new password from stdin")


# --- plumbing -------------------------------------------------------------------------------
def _run(args: argparse.Namespace, work: Callable[..., Awaitable[int]], role: str = "admin") -> int:
    from console.cli.api_session import run_as

    return run_as(args, work, role, where=lambda a: getattr(a, "username", None) or getattr(a, "file", None))


async def _find(client: Any, username: str) -> dict[str, Any]:
    from console.errors import CalldeskError
    from console.i18n import t

    for member in await client.staff():
        if member["username"] == username:
            return member
    raise CalldeskError(t("staff.cli.no_such_user", username=username))


def _new_password(args: argparse.Namespace, username: str) -> str:
    import getpass

    from console.errors import CalldeskError
    from console.i18n import t

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(t("staff.cli.new_password", username=username))
        if getpass.getpass(t("staff.cli.repeat_password")) != password:
            raise CalldeskError(t("staff.cli.passwords_differ", username=username))
    if not password:
        raise CalldeskError(t("staff.cli.no_password", username=username))
    return password


def _account_values(args: argparse.Namespace) -> dict[str, Any]:
    from console.crm.queue_names import split_queues

    values: dict[str, Any] = {}
    for option in ("name", "role", "extension"):
        if getattr(args, option, None) is not None:
            values[option] = getattr(args, option)
    if args.queues is not None:
        values["queues"] = split_queues(args.queues)
    return values


def _pad(text: str, width: int) -> str:
    """Left-aligned in ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def _line(member: dict[str, Any]) -> str:
    from console.i18n import t

    state = t("staff.cli.active" if member["active"] else "staff.cli.disabled")
    extras = [] if member.get("has_password", True) else [t("staff.cli.no_password_yet")]
    if member.get("locked"):
        extras.append(t("staff.cli.locked"))
    if member.get("customers"):
        extras.append(t("staff.cli.customers", n=member["customers"]))
    return (f"{_pad(member['username'], 14)}{_pad(member['name'], 12)}{_pad(t('staff.role.' + member['role']), 16)}"
            f"{_pad(member['extension'] or '-', 8)}{_pad(','.join(member['queues']) or '-', 20)}{state}"
            + (f"  ({'; '.join(extras)})" if extras else ""))


# --- the commands ---------------------------------------------------------------------------
async def _list(client: Any, args: argparse.Namespace) -> int:
    import json

    members = await client.staff(args.role, args.active)
    if args.json:
        print(json.dumps(members, ensure_ascii=False))
        return 0
    for member in members:
        print(_line(member))
    return 0


async def _add(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    values = {"username": args.username, **_account_values(args)}
    if args.disabled:
        values["active"] = False
    if args.password or args.password_stdin:
        values["password"] = _new_password(args, args.username)
    made = await client.create_staff(values)
    print(t("staff.cli.added", line=_line(made)))
    if not made["has_password"]:
        print(t("staff.cli.set_password_hint", username=made["username"]))
    return 0


async def _edit(client: Any, args: argparse.Namespace) -> int:
    from console.errors import CalldeskError
    from console.i18n import t

    changes = _account_values(args)
    if args.new_username is not None:
        changes["username"] = args.new_username
    if not changes:
        raise CalldeskError(t("staff.cli.nothing_to_change", username=args.username))
    member = await _find(client, args.username)
    print(t("staff.cli.saved", line=_line(await client.edit_staff(member["id"], changes))))
    return 0


async def _disable(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    member = await _find(client, args.username)
    if args.transfer_to:
        await _transfer(client, member, args.transfer_to)
    print(t("staff.cli.disabled_line", line=_line(await client.edit_staff(member["id"], {"active": False}))))
    return 0


async def _transfer(client: Any, member: dict[str, Any], to: str) -> None:
    """Hand all of an account manager's customers to the manager named ``to``, and say so."""
    from console.i18n import t

    target = await _find(client, to)
    moved = await client.transfer_customers(member["id"], target["id"])
    print(t("staff.cli.transferred", n=moved["moved"], source=member["username"], target=target["username"]))


async def _enable(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    member = await _find(client, args.username)
    print(t("staff.cli.enabled_line", line=_line(await client.edit_staff(member["id"], {"active": True}))))
    return 0


async def _password(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    member = await _find(client, args.username)
    await client.set_staff_password(member["id"], _new_password(args, args.username))
    print(t("staff.cli.password_set", username=args.username))
    return 0


async def _unlock(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    done = await client.unlock_staff(args.username)
    print(t("staff.cli.unlocked" if done["was_locked"] else "staff.cli.not_locked", username=done["username"]))
    return 0


async def _customers(client: Any, args: argparse.Namespace) -> int:
    from console.i18n import t

    member = await _find(client, args.username)
    if args.transfer_to:
        await _transfer(client, member, args.transfer_to)
        return 0
    page = await client.manager_customers(member["id"], limit=max(1, min(args.limit, 500)))
    for c in page["customers"]:
        print(f"{c['client_no']:<14}{_pad(c['name'], 12)}{_pad(t('console.tier.' + c['tier']), 8)}{c['branch']}")
    print(t("staff.cli.customers_total", username=member["username"], n=page["total"], shown=len(page["customers"])))
    return 0


async def _import(client: Any, args: argparse.Namespace) -> int:
    from console.errors import CalldeskError
    from console.i18n import t

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CalldeskError(t("staff.cli.cannot_read", file=args.file, reason=exc.strerror or exc)) from None
    report = await client.import_staff(data)
    for error in report["errors"]:
        print(f"{args.file}:{error['line']}: {error['reason']}", file=sys.stderr)
    print(t("staff.cli.import_summary", file=args.file, rows=report["rows"], added=report["added"],
            updated=report["updated"], unchanged=report["unchanged"], refused=len(report["errors"])))
    return 1 if report["errors"] else 0


def _bootstrap(args: argparse.Namespace) -> int:
    """The first administrator, straight into the store (there is nobody yet to log in as)."""
    import datetime as dt

    from sqlmodel import select

    from console.cli.api_session import error_line
    from console.config import load_settings
    from console.crm.errors import CrmError
    from console.crm.staff_store import StaffRules, create_staff
    from console.errors import CalldeskError
    from console.i18n import set_locale, t
    from console.store.db import engine_from_settings, session_scope
    from console.store.models import Staff

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    engine = engine_from_settings(settings)
    try:
        with session_scope(engine) as session:
            admins = list(session.exec(select(Staff.username).where(Staff.role == "admin", Staff.active == True)))  # noqa: E712
            if admins:
                raise CalldeskError(t("staff.cli.admin_exists", usernames=", ".join(sorted(admins))))
            password = _new_password(args, args.username)
            try:
                made = create_staff(session, {"username": args.username, "name": args.name, "role": "admin",
                                              "password": password}, None, dt.datetime.now(dt.UTC),
                                    StaffRules.of(settings))
            except CrmError as exc:
                raise CalldeskError(error_line(args.username, exc.field, exc.message())) from None
    finally:
        engine.dispose()
    print(t("staff.cli.added", line=_line(made)))
    return 0

