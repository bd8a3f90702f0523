"""Follow-up routes: create (quick choices or a picked time), list (due, by owner), complete, reassign.

Agents see and handle their own follow-ups and the shared pool's; supervisors and above see
anyone's (``owner=all`` or a staff id) and may complete or reassign any.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import BaseModel, Field
from sqlmodel import Session

from console.crm import followup_store
from console.crm import followups as rules
from console.i18n import t
from console.server.api_models.followups import FollowUp, FollowUpList
from console.server.api_models.queries import FollowUpListQuery
from console.server.auth import AuthUser, require_role
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes.crm_common import (
    MAX_ID,
    RowId,
    center_tz,
    in_db,
    json_response,
    now,
    path_int,
    query_flag,
    query_int,
)

Owner = RowId | Literal["me", "manager", "pool"]


class CreateBody(BaseModel):
    customer_id: RowId
    when: Literal["in_1h", "tomorrow_10", "at"] | None = None
    due_at: dt.datetime | None = None
    owner: Owner = "me"
    reason: str = Field(default="", max_length=255)
    kind: Literal["callback", "followup"] = "followup"


class CompleteBody(BaseModel):
    result: str = Field(min_length=1, max_length=255)


class ReassignBody(BaseModel):
    owner: Owner


def _due(body: CreateBody, at: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    choice = body.when or ("at" if body.due_at is not None else None)
    if choice is None:
        raise ApiError(400, "invalid", t("crm.followup.at_missing"), field="due_at")
    try:
        return rules.due_at(choice, at, tz, body.due_at)
    except rules.FollowUpRuleError as exc:
        raise ApiError(400, "invalid", t(exc.key, value=choice), field=exc.field) from None


def _create(session: Session, body: CreateBody, due: dt.datetime, user: AuthUser, at: dt.datetime) -> dict[str, Any]:
    row = followup_store.create_followup(session, customer_id=body.customer_id, due_at=due, owner=body.owner,
                                         reason=body.reason, actor_id=user.id, now=at, kind=body.kind)
    return followup_store.followup_json(row, at)


async def create_followup(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    body = await read_body(request, CreateBody)
    at = now(request)
    due = _due(body, at, center_tz(request))
    return json_response(await in_db(request, _create, body, due, user, at), status=201)


def _one_owner(raw: str, user: AuthUser) -> int | Literal["any"] | None:
    if raw in ("", "me"):
        return user.id
    if raw == "pool":
        return None
    if not user.at_least("supervisor"):
        raise ApiError(403, "forbidden", t("crm.followup.not_yours"), field="owner")
    if raw == "all":
        return "any"
    if raw.isdigit():
        return int(raw)
    raise ApiError(400, "invalid", t("crm.followup.bad_owner", value=raw), field="owner")


def _owner_filter(raw: str | None, user: AuthUser) -> list[int | None] | Literal["any"]:
    """``me`` (default), ``pool``, ``me,pool`` (an agent's whole to-do), ``all`` or staff ids."""
    owners = [_one_owner(part.strip(), user) for part in (raw or "me").split(",")]  # each checked
    if "any" in owners:
        return "any"
    return list(dict.fromkeys(owner for owner in owners if not isinstance(owner, str)))


async def list_followups(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    status = request.query.get("status") or "open"
    if status not in ("open", "done", "cancelled"):
        raise ApiError(400, "invalid", t("crm.param.bad_value", name="status", value=status,
                                         allowed="open, done, cancelled"), field="status")
    at = now(request)
    owner = _owner_filter(request.query.get("owner"), user)
    due_only = bool(query_flag(request, "due"))
    customer_id = query_int(request, "customer", high=MAX_ID)
    limit = query_int(request, "limit", 50, low=1, high=followup_store.MAX_LIST) or 50

    def work(session: Session) -> list[dict[str, Any]]:
        rows = followup_store.list_followups(session, owner=owner, now=at, due_only=due_only, status=status,
                                             customer_id=customer_id, limit=limit)
        return followup_store.followups_json(session, rows, at)

    return json_response({"followups": await in_db(request, work)})


async def complete_followup(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    body = await read_body(request, CompleteBody)
    at = now(request)
    followup_id = path_int(request, "id")

    def work(session: Session) -> dict[str, Any]:
        row = followup_store.complete_followup(session, followup_id, body.result, user.id, at,
                                               supervisor=user.at_least("supervisor"))
        return followup_store.followup_json(row, at)

    return json_response(await in_db(request, work))


async def reassign_followup(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    body = await read_body(request, ReassignBody)
    at = now(request)
    followup_id = path_int(request, "id")

    def work(session: Session) -> dict[str, Any]:
        row = followup_store.reassign_followup(session, followup_id, body.owner, user.id,
                                               supervisor=user.at_least("supervisor"))
        return followup_store.followup_json(row, at)

    return json_response(await in_db(request, work))


def setup(app: web.Application) -> None:
    row = {"id": int}
    register(
        app,
        Operation("GET", "/api/followups", list_followups, "Follow-ups, soonest first", query=FollowUpListQuery,
                  response=FollowUpList, errors=(403,), tag="followups"),
        Operation("POST", "/api/followups", create_followup, "Plan a follow-up", body=CreateBody,
                  response=FollowUp, status=201, errors=(404,), tag="followups"),
        Operation("POST", "/api/followups/{id}/complete", complete_followup, "Complete a follow-up",
                  path_params=row, body=CompleteBody, response=FollowUp, errors=(403, 409), tag="followups"),
        Operation("POST", "/api/followups/{id}/reassign", reassign_followup, "Give a follow-up to someone else",
                  path_params=row, body=ReassignBody, response=FollowUp, errors=(403, 409), tag="followups"),
    )

