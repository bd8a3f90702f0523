"""Ticket routes: create, list, get (with its event log), change (status, assignee, priority), comment.

Changes carry the ``version`` the client last saw; a stale one is 409 ``conflict`` and changes
nothing (console/crm/ticket_store.py). Workflow violations are 400 ``invalid`` on ``status``
with a message naming both states and the allowed moves. Agents may take a ticket (assign it to
themselves) and work it; handing a ticket to someone else, and closing a complaint, are for
supervisors and above.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from console.config import Settings
from console.config.models import Priority, TicketCategory
from console.crm import ticket_store
from console.crm import tickets as rules
from console.crm.churn_facts import rescore
from console.crm.customers import SummaryContext
from console.crm.errors import CrmError
from console.i18n import t
from console.server import keys
from console.server.api_models.queries import TicketDefaultsQuery, TicketListQuery
from console.server.api_models.tickets import Ticket as TicketOut
from console.server.api_models.tickets import TicketDefaults, TicketDetail, TicketList
from console.server.auth import AuthUser, require_role
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes.crm_common import (
    MAX_ID,
    RowId,
    Version,
    center_tz,
    in_db,
    json_response,
    now,
    path_int,
    query_flag,
    query_int,
)
from console.store.models import Customer, FollowUp, Interaction, Ticket

Category = TicketCategory


class CreateBody(BaseModel):
    customer_id: RowId
    category: Category
    priority: Priority | None = None
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20_000)
    call: str | None = Field(default=None, max_length=64)


class ChangeBody(BaseModel):
    version: Version
    status: str | None = None
    assignee_id: RowId | None = None
    priority: Priority | None = None


class CommentBody(BaseModel):
    version: Version
    body: str = Field(min_length=1, max_length=20_000)


def _transition_error(exc: rules.TransitionError) -> ApiError:
    def label(status: str) -> str:
        return t(f"crm.status.{status}") if status in rules.STATUSES else status

    allowed = "、".join(label(s) for s in rules.allowed_next(exc.from_status)) or "—"
    message = t(exc.key, to=exc.to_status, from_label=label(exc.from_status), to_label=label(exc.to_status),
                allowed=allowed)
    return ApiError(400, "invalid", message, field="status")


def _create(session: Session, body: CreateBody, user: AuthUser, at: dt.datetime, tz: ZoneInfo,
            settings: Settings) -> tuple[dict[str, Any], tuple[int, dict[str, Any]] | None]:
    interaction_id = None
    if body.call:
        interaction_id = session.exec(
            select(Interaction.id).where(Interaction.linkedid == body.call, Interaction.agent_id == user.id)
            .order_by(col(Interaction.started_at).desc()).limit(1)
        ).first()
    ticket = ticket_store.create_ticket(
        session, customer_id=body.customer_id, category=body.category, subject=body.subject,
        description=body.description, actor_id=user.id, now=at, tz=tz, config=settings.tickets,
        tiers=settings.tiers, priority=body.priority, interaction_id=interaction_id)
    session.flush()
    rescore(session.connection(), [body.customer_id], at, settings.churn)  # a complaint, a transfer-out enquiry…
    created = ticket_store.ticket_json(ticket, at)
    manager = _complaint_for_manager(session, ticket, at, settings) if body.category == "complaint" else None
    return created, manager


def _complaint_for_manager(session: Session, ticket: Ticket, at: dt.datetime,
                           settings: Settings) -> tuple[int, dict[str, Any]] | None:
    """A complaint of an account manager's customer: a follow-up they own (if configured) and
    what their alert says of the customer."""
    customer = session.get(Customer, ticket.customer_id)
    if customer is None or customer.manager_id is None:
        return None
    hours = settings.managers.complaint_followup_hours
    if hours > 0:
        session.add(FollowUp(customer_id=ticket.customer_id, owner_id=customer.manager_id, kind="followup",
                             due_at=at + dt.timedelta(hours=hours),
                             reason=t("crm.manager.complaint_followup", number=ticket.number,
                                      subject=ticket.subject)[:255]))
    brief = {"id": customer.id, "client_no": customer.client_no, "name": customer.name, "tier": customer.tier,
             "churn": SummaryContext.from_settings(settings, at).churn(customer.churn_risk, customer.churn_reasons)}
    return customer.manager_id, brief


async def create_ticket(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    body = await read_body(request, CreateBody)
    result, manager = await in_db(request, _create, body, user, now(request), center_tz(request),
                                  request.app[keys.SETTINGS])
    if manager is not None:
        request.app[keys.MANAGER_ALERTS].complaint(manager[0], manager[1], result)
    return json_response(result, status=201)


def _defaults(session: Session, customer_id: int, category: str, at: dt.datetime,
              settings: Settings) -> dict[str, Any]:
    # The create route's own rule (rules.defaults_for via the customer's tier), so the form shows
    # what the ticket will get.
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    defaults = rules.defaults_for(category, customer.tier, at, settings.tickets, settings.tiers)
    return {"priority": defaults.priority, "sla_due_at": defaults.sla_due_at.isoformat(),
            "supervisor_attention": defaults.supervisor_attention}


async def ticket_defaults(request: web.Request) -> web.Response:
    """What a new ticket for this customer and category would get if created now."""
    require_role(request, "agent")
    customer_id = query_int(request, "customer_id", low=1, high=MAX_ID)
    if customer_id is None:
        raise ApiError(400, "invalid", t("crm.param.bad_id", value=""), field="customer_id")
    category = request.query.get("category") or ""
    if category not in rules.CATEGORIES:
        raise ApiError(400, "invalid", t("crm.ticket.bad_category", value=category), field="category")
    settings = request.app[keys.SETTINGS]
    return json_response(await in_db(request, _defaults, customer_id, category, now(request), settings))


def _assignee_filter(raw: str | None, user: AuthUser) -> int | str | None:
    if raw in (None, "", "any"):
        return "any"
    if raw == "me":
        return user.id
    if raw == "none":
        return None
    if raw.isdigit():
        return int(raw)
    raise ApiError(400, "invalid", t("crm.param.bad_value", name="assignee", value=raw, allowed="me, none, any, <id>"),
                   field="assignee")


async def list_tickets(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    statuses = [s for s in (request.query.get("status") or "").split(",") if s]
    for status in statuses:
        if status not in rules.STATUSES:
            raise ApiError(400, "invalid", t("crm.ticket.unknown_status", to=status), field="status")
    category = request.query.get("category") or None
    if category is not None and category not in rules.CATEGORIES:
        raise ApiError(400, "invalid", t("crm.ticket.bad_category", value=category), field="category")
    at = now(request)
    rows = await in_db(request, ticket_store.list_tickets, customer_id=query_int(request, "customer", high=MAX_ID),
                       statuses=statuses, assignee=_assignee_filter(request.query.get("assignee"), user),
                       category=category, attention=query_flag(request, "attention"),
                       limit=query_int(request, "limit", 50, low=1, high=ticket_store.MAX_LIST) or 50)
    return json_response({"tickets": [ticket_store.ticket_json(r, at) for r in rows]})


async def get_ticket(request: web.Request) -> web.Response:
    require_role(request, "agent")
    return json_response(await in_db(request, ticket_store.ticket_detail, path_int(request, "id"), now(request)))


def _change(session: Session, /, ticket_id: int, user: AuthUser, at: dt.datetime, settings: Settings,
            **changes: Any) -> dict[str, Any]:
    if changes.get("status") == "closed" and not user.at_least("supervisor"):
        ticket = session.get(Ticket, ticket_id)
        if ticket is not None and ticket.category == "complaint":
            raise CrmError("forbidden", "crm.supervisor_only", field="status")
    ticket = ticket_store.change_ticket(session, ticket_id, changes.pop("version"), user.id, at, **changes)
    session.flush()
    rescore(session.connection(), [ticket.customer_id], at, settings.churn)  # resolved, reopened…
    return ticket_store.ticket_detail(session, ticket_id, at)


async def change_ticket(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    body = await read_body(request, ChangeBody)
    changes: dict[str, Any] = {"version": body.version, "status": body.status, "priority": body.priority}
    if "assignee_id" in body.model_fields_set:
        if body.assignee_id not in (None, user.id) and not user.at_least("supervisor"):
            raise ApiError(403, "forbidden", t("crm.supervisor_only"), field="assignee_id")
        changes["assignee_id"] = body.assignee_id
    try:
        result = await in_db(request, _change, path_int(request, "id"), user, now(request),
                             request.app[keys.SETTINGS], **changes)
    except rules.TransitionError as exc:
        raise _transition_error(exc) from None
    return json_response(result)


async def comment_ticket(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    body = await read_body(request, CommentBody)
    result = await in_db(request, _change, path_int(request, "id"), user, now(request),
                         request.app[keys.SETTINGS], version=body.version, comment=body.body)
    return json_response(result, status=201)


def setup(app: web.Application) -> None:
    row = {"id": int}
    register(
        app,
        Operation("GET", "/api/tickets", list_tickets, "Tickets, newest first", query=TicketListQuery,
                  response=TicketList, tag="tickets"),
        Operation("POST", "/api/tickets", create_ticket, "Open a ticket", body=CreateBody, response=TicketOut,
                  status=201, errors=(404,), tag="tickets"),
        # before {id}, which would match it
        Operation("GET", "/api/tickets/defaults", ticket_defaults, "What a new ticket would get",
                  query=TicketDefaultsQuery, response=TicketDefaults, errors=(404,), tag="tickets"),
        Operation("GET", "/api/tickets/{id}", get_ticket, "A ticket and its events", path_params=row,
                  response=TicketDetail, tag="tickets"),
        Operation("PATCH", "/api/tickets/{id}", change_ticket, "Change a ticket's status, assignee or priority",
                  path_params=row, body=ChangeBody, response=TicketDetail, errors=(403, 409), tag="tickets"),
        Operation("POST", "/api/tickets/{id}/comments", comment_ticket, "Comment on a ticket", path_params=row,
                  body=CommentBody, response=TicketDetail, status=201, errors=(403, 409), tag="tickets"),
    )
