"""Customer routes: profile (masked unless verified on the call), search, verify, unmask,
create, update, contact history. Every profile response writes an AuditEvent row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlmodel import Session, func, select

from console.crm import audit
from console.crm.customer_lookup import fallback_search
from console.crm.customers import SummaryContext, contact_history, load_summaries
from console.crm.errors import CrmError
from console.crm.masking import mask_customer, mask_phone
from console.crm.verification import MAX_FAILED_ATTEMPTS, Answer, check_answers
from console.i18n import t
from console.server import keys
from console.server.api_models.customers import CustomerProfile, CustomerSummary, InteractionList, SearchResults
from console.server.api_models.queries import CallQuery, CustomerSearchQuery, InteractionsQuery
from console.server.auth import AuthUser, require_role
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes import customer_import, customer_index, customer_suitability, customer_writes
from console.server.routes.crm_common import in_db, now, path_int, query_int
from console.server.routes.crm_common import json_response as _json
from console.server.routes.customer_access import audited_view, on_call, summary_context, verified_for
from console.store.models import AuditEvent, Customer, CustomerPhone


async def get_customer(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    customer_id = path_int(request, "id")
    call = request.query.get("call") or None
    unmasked = verified_for(request, user, call, customer_id)
    body = await in_db(request, audited_view, customer_id, summary_context(request), actor_id=user.id,
                       call=call, unmasked=unmasked, role=user.role, at=now(request))
    return _json(body)


def _search(session: Session, query: str, limit: int, app: web.Application, ctx: SummaryContext, actor_id: int,
            at: dt.datetime) -> list[dict[str, Any]]:
    ids = customer_index.search(app, query, limit)
    if ids is None:
        ids = fallback_search(session, query, limit)
    summaries = load_summaries(session, ids, ctx)
    found = [summaries[i] for i in ids if i in summaries]
    # One row per search: which customers were shown (masked), never what was typed (it may be PII).
    audit.record(session, actor_id, "customer.search", None, None, {"shown": [s["id"] for s in found]}, at=at)
    return found


async def search_customers(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    query = (request.query.get("q") or "").strip()
    if not query:
        raise ApiError(400, "invalid", t("crm.customer.query_required"), field="q")
    limit = query_int(request, "limit", 20, low=1, high=100) or 20
    found = await in_db(request, _search, query, limit, request.app,
                        summary_context(request), user.id, now(request))
    return _json({"results": [mask_customer(s, verified=False, role=user.role) for s in found]})


class VerifyBody(BaseModel):
    call: str = Field(min_length=1, max_length=64)
    method: str = Field(pattern="^(questions|ivr)$")
    answers: list[dict[str, str]] = []


def _failed_attempts(session: Session, customer_id: int, call: str) -> int:
    statement = select(func.count()).select_from(AuditEvent).where(
        AuditEvent.customer_id == customer_id, AuditEvent.linkedid == call,
        AuditEvent.action == audit.VERIFY_FAILED)
    return int(session.exec(statement).one())


def _check_and_view(session: Session, customer_id: int, body: VerifyBody, ctx: SummaryContext, user: AuthUser,
                    at: dt.datetime) -> tuple[bool, dict[str, Any] | None]:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    # Counted from the audit trail: durable, and shared by every agent the call reaches.
    failed = _failed_attempts(session, customer_id, body.call)
    if failed >= MAX_FAILED_ATTEMPTS:
        raise CrmError("forbidden", "crm.customer.verify_locked", n=failed)
    phones = session.exec(select(CustomerPhone.e164).where(CustomerPhone.customer_id == customer_id))
    answers = [Answer(a.get("question", ""), a.get("answer", "")) for a in body.answers]
    result = check_answers(answers, customer.id_number, customer.birth_date, list(phones))
    detail = {"method": "questions", "correct": list(result.correct), "wrong": list(result.wrong)}
    if not result.ok:
        audit.record(session, user.id, audit.VERIFY_FAILED, customer_id, body.call, detail, at=at)
        return False, None
    audit.record(session, user.id, audit.VERIFY, customer_id, body.call, detail, at=at)
    return True, audited_view(session, customer_id, ctx, actor_id=user.id, call=body.call, unmasked=True,
                              role=user.role, at=at)


async def verify_customer(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    customer_id = path_int(request, "id")
    body = await read_body(request, VerifyBody)
    calls = request.app[keys.CALLS]
    if not on_call(request, user, body.call):
        raise ApiError(403, "forbidden", t("crm.customer.not_on_call", call=body.call), field="call")
    if body.method == "ivr":
        # The IVR's verification is marked by the screen pop; an agent cannot claim it.
        if not calls.is_verified(body.call, customer_id):
            raise ApiError(403, "forbidden", t("crm.customer.verify_failed"))
        return _json(await in_db(request, audited_view, customer_id, summary_context(request), actor_id=user.id,
                                 call=body.call, unmasked=True, role=user.role, at=now(request)))
    ok, view = await in_db(request, _check_and_view, customer_id, body, summary_context(request), user, now(request))
    if not ok:
        raise ApiError(403, "forbidden", t("crm.customer.verify_failed"))
    calls.mark_verified(body.call, customer_id, "questions")
    return _json(view)


class UnmaskBody(BaseModel):
    reason: str = Field(min_length=4, max_length=255)
    call: str | None = Field(default=None, max_length=64)


async def unmask_customer(request: web.Request) -> web.Response:
    """Break-glass for managers: the full profile outside a verified call, with a stated reason."""
    user = require_role(request, "manager")
    customer_id = path_int(request, "id")
    body = await read_body(request, UnmaskBody)
    view = await in_db(request, audited_view, customer_id, summary_context(request), actor_id=user.id,
                       call=body.call, unmasked=True, role=user.role, action=audit.UNMASK,
                       detail={"reason": body.reason}, at=now(request))
    return _json(view)


def _history(session: Session, customer_id: int, limit: int, actor_id: int, call: str | None, unmasked: bool,
             at: dt.datetime) -> list[dict[str, Any]]:
    if session.get(Customer, customer_id) is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    rows = contact_history(session, customer_id, limit)
    audit.record(session, actor_id, audit.HISTORY, customer_id, call, {"masked": not unmasked, "rows": len(rows)},
                 at=at)
    return rows


async def customer_interactions(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    customer_id = path_int(request, "id")
    call = request.query.get("call") or None
    limit = query_int(request, "limit", 20, low=1, high=200) or 20
    unmasked = verified_for(request, user, call, customer_id)
    rows = await in_db(request, _history, customer_id, limit, user.id, call, unmasked, now(request))
    if not unmasked:
        for row in rows:
            row["caller_number"] = mask_phone(row["caller_number"]) if row["caller_number"] else ""
    return _json({"interactions": rows, "masked": not unmasked})


def setup(app: web.Application) -> None:
    customer_index.setup(app)
    customer_import.setup(app)
    customer_suitability.setup(app)
    row = {"id": int}
    register(
        app,
        Operation("GET", "/api/customers", search_customers, "Search customers (masked summaries)",
                  query=CustomerSearchQuery, response=SearchResults, tag="customers"),
        Operation("POST", "/api/customers", customer_writes.create_customer, "Create a customer",
                  body=customer_writes.CreateBody, response=CustomerSummary, status=201, errors=(403, 409),
                  tag="customers"),
        Operation("GET", "/api/customers/{id}", get_customer, "A customer's profile (masked unless verified "
                  "on `call`)", query=CallQuery, path_params=row, response=CustomerProfile, tag="customers"),
        Operation("PATCH", "/api/customers/{id}", customer_writes.update_customer_route, "Change a customer",
                  query=CallQuery, path_params=row, body=customer_writes.UpdateBody, response=CustomerProfile,
                  errors=(403, 409), tag="customers"),
        Operation("POST", "/api/customers/{id}/verify", verify_customer, "Verify the caller on a call",
                  path_params=row, body=VerifyBody, response=CustomerProfile, errors=(403,), tag="customers"),
        Operation("POST", "/api/customers/{id}/unmask", unmask_customer, "Break-glass: the unmasked profile",
                  access="manager", path_params=row, body=UnmaskBody, response=CustomerProfile, tag="customers"),
        Operation("GET", "/api/customers/{id}/interactions", customer_interactions, "A customer's contact history",
                  query=InteractionsQuery, path_params=row, response=InteractionList, tag="customers"),
    )

