"""Staff administration (docs/API.md "Staff"): accounts, passwords, a manager's customers. Admin only.

The rules and the audit rows are the CRM's (console.crm.staff_store); this module adds what only
the running server knows: a change reaches the people already logged in. After every write the
floor's directory is refreshed from the saved row (pops follow an edited extension, supervisors'
boards an edited queue list), live sessions carry the edited account (a new role counts from the
next request), and a disabled account's tokens are revoked and its consoles closed. A password
reset ends the account's other sessions. Passwords are never returned, logged or audited.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, Row

from console.crm import login_locks, staff_csv, staff_store
from console.crm.staff_store import StaffRules
from console.i18n import t
from console.server import keys
from console.server.api_models.queries import PageQuery, StaffListQuery
from console.server.api_models.staff import (
    CustomersMoved,
    ManagedCustomers,
    StaffAccount,
    StaffImport,
    StaffList,
    StaffUnlocked,
)
from console.server.auth import require_role, user_from_staff
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes.crm_common import RowId, in_db, json_response, now, path_int, query_flag, query_int
from console.store.models import ROLES, Staff
from console.store.tables import table_of

CSV_MAX_BYTES = 2 * 1024 * 1024


# Lengths here only bound the body; the CRM rules judge the values, with their own messages.
class StaffFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=32)
    extension: str | None = Field(default=None, max_length=64)
    queues: list[str] | None = Field(default=None, max_length=50)
    active: bool | None = None


class CreateBody(StaffFields):
    username: str = Field(max_length=64)
    name: str = Field(max_length=200)
    role: str = Field(max_length=32)
    password: str | None = Field(default=None, max_length=1024)


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(max_length=1024)


class UnlockBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=32)


class TransferBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_manager: RowId


_staff = table_of(Staff)


def _rules(request: web.Request) -> StaffRules:
    return StaffRules.of(request.app[keys.SETTINGS])


def _refresh_sync(engine: Engine, ids: list[int]) -> list[Row[Any]]:
    from sqlalchemy import select

    with engine.connect() as conn:
        return list(conn.execute(select(_staff).where(_staff.c.id.in_(ids)))) if ids else []


async def refresh(app: web.Application, ids: list[int], keep_token: str | None = None,
                  ended_sessions: bool = False) -> None:
    """Bring the directory, the live sessions and the consoles in line with these saved accounts."""
    import asyncio

    rows = await asyncio.to_thread(_refresh_sync, app[keys.ENGINE], ids)
    directory, tokens, hub = app[keys.DIRECTORY], app[keys.TOKENS], app[keys.HUB]
    for row in rows:
        if row.active:
            user = user_from_staff(row)
            directory.add(user)
            tokens.update_user(user)
            if ended_sessions:
                await tokens.revoke_user(row.id, keep=keep_token)
        else:
            directory.remove(row.id)
            await tokens.revoke_user(row.id)
            await hub.disconnect(row.id)


async def list_staff(request: web.Request) -> web.Response:
    require_role(request, "admin")
    role = request.query.get("role") or None
    if role is not None and role not in ROLES:
        raise ApiError(400, "invalid", t("staff.err.role", value=role, allowed=", ".join(ROLES)), field="role")
    rows = await in_db(request, staff_store.list_staff, role, query_flag(request, "active"))
    return json_response({"staff": rows})


async def get_staff(request: web.Request) -> web.Response:
    require_role(request, "admin")
    return json_response(await in_db(request, staff_store.get_staff, path_int(request, "id")))


async def create_staff(request: web.Request) -> web.Response:
    user = require_role(request, "admin")
    body = await read_body(request, CreateBody)
    values = body.model_dump(exclude_none=True)
    row = await in_db(request, staff_store.create_staff, values, user.id, now(request), _rules(request))
    await refresh(request.app, [row["id"]])
    return json_response(row, status=201)


async def edit_staff(request: web.Request) -> web.Response:
    user = require_role(request, "admin")
    staff_id = path_int(request, "id")
    body = await read_body(request, StaffFields)
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name != "extension":
            raise ApiError(400, "invalid", t("server.error.bad_field", field=name, msg="null"), field=name)
    if not changes:
        raise ApiError(400, "bad_request", t("staff.err.nothing_to_change"))
    row = await in_db(request, staff_store.update_staff, staff_id, changes, user.id, now(request), _rules(request))
    await refresh(request.app, [staff_id])
    return json_response(row)


async def set_password(request: web.Request) -> web.Response:
    user = require_role(request, "admin")
    staff_id = path_int(request, "id")
    body = await read_body(request, PasswordBody)
    row = await in_db(request, staff_store.set_password, staff_id, body.password, user.id, now(request),
                      _rules(request))
    await refresh(request.app, [staff_id], keep_token=request[keys.TOKEN], ended_sessions=True)
    return json_response(row)


async def unlock_staff(request: web.Request) -> web.Response:
    """Lift the lockout of an account after too many failed log-ins (a supervisor: accounts up
    to their own role; an admin: any). ``{id, username, was_locked}``; audited ``staff.unlock``."""
    user = require_role(request, "supervisor")
    body = await read_body(request, UnlockBody)
    return json_response(await in_db(request, login_locks.unlock, body.username, user.id, user.role, now(request)))


async def import_staff(request: web.Request) -> web.Response:
    """The CSV file as the request body; bad rows come back by line, good rows stay."""
    user = require_role(request, "admin")
    data = await request.content.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise ApiError(400, "invalid", t("staff.csv.too_large", max=CSV_MAX_BYTES // (1024 * 1024)))
    report = await in_db(request, staff_csv.import_staff, data, user.id, now(request), _rules(request))
    await refresh(request.app, report.pop("staff_ids"))
    return json_response(report)


async def manager_customers(request: web.Request) -> web.Response:
    user = require_role(request, "admin")
    limit = query_int(request, "limit", 50, low=1, high=500)
    offset = query_int(request, "offset", 0, low=0, high=10**9)
    return json_response(await in_db(request, staff_store.manager_customers, path_int(request, "id"), user.id,
                                     now(request), limit, offset))


async def transfer_customers(request: web.Request) -> web.Response:
    user = require_role(request, "admin")
    body = await read_body(request, TransferBody)
    return json_response(await in_db(request, staff_store.transfer_customers, path_int(request, "id"),
                                     body.to_manager, user.id, now(request)))


def setup(app: web.Application) -> None:
    row = {"id": int}
    register(
        app,
        Operation("GET", "/api/staff", list_staff, "Staff accounts", access="admin", query=StaffListQuery,
                  response=StaffList, tag="staff"),
        Operation("POST", "/api/staff", create_staff, "Add an account", access="admin", body=CreateBody,
                  response=StaffAccount, status=201, errors=(409,), tag="staff"),
        Operation("POST", "/api/staff/import", import_staff, "Import accounts from a CSV file", access="admin",
                  body_media="text/csv", response=StaffImport, tag="staff"),
        Operation("POST", "/api/staff/unlock", unlock_staff, "Lift an account's log-in lockout",
                  access="supervisor", body=UnlockBody, response=StaffUnlocked, errors=(404,), tag="staff"),
        Operation("GET", "/api/staff/{id}", get_staff, "An account", access="admin", path_params=row,
                  response=StaffAccount, tag="staff"),
        Operation("PATCH", "/api/staff/{id}", edit_staff, "Change an account", access="admin", path_params=row,
                  body=StaffFields, response=StaffAccount, errors=(409,), tag="staff"),
        Operation("POST", "/api/staff/{id}/password", set_password, "Set an account's password", access="admin",
                  path_params=row, body=PasswordBody, response=StaffAccount, tag="staff"),
        Operation("GET", "/api/staff/{id}/customers", manager_customers, "An account manager's customers",
                  access="admin", path_params=row, query=PageQuery, response=ManagedCustomers, tag="staff"),
        Operation("POST", "/api/staff/{id}/customers/transfer", transfer_customers,
                  "Hand an account manager's customers to another", access="admin", path_params=row,
                  body=TransferBody, response=CustomersMoved, errors=(409,), tag="staff"),
    )
