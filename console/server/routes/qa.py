"""QA reviews of calls: the form, a supervisor's review of a call, an agent's own scores.

``GET /api/qa/form`` gives the center's form (``[qa]``: criteria with their labels in the
center's language, weights, fatal flags, the pass mark). ``POST /api/interactions/{id}/qa``
(supervisors and up) reviews one answered call: every criterion marked pass, fail or n/a, a
comment; the score by console/crm/qa.py; audited ``qa.review`` on the call's customer. ``GET
/api/qa/calls?day=`` lists a day's answered calls with their latest score, ``GET
/api/interactions/{id}/trail`` what was done with the customer on a call (the audit rows of its
Linkedid: viewed masked, verified, unmasked…), so the reviewer sees the order. ``GET
/api/interactions/{id}/qa`` lists a call's reviews (its agent may read them); ``GET
/api/qa/reviews`` lists reviews newest first (``agent=me`` for an agent's own; supervisors: any
agent, or all).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, select

from console.crm import audit
from console.crm.errors import CrmError
from console.crm.qa import FormError, score
from console.i18n import get_locale, t
from console.server import keys
from console.server.api_models.qa import CallTrail, MyQaReviews, QaCalls, QaForm, QaReviewResult, QaReviews
from console.server.api_models.queries import QaCallsQuery, QaReviewsQuery
from console.server.auth import AuthUser, require_role
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes.crm_common import MAX_ID, center_tz, in_db, json_response, now, path_int, query_int
from console.store.models import AuditEvent, Interaction, QaReview, Staff

_AUDIT = "qa.review"


class ReviewBody(BaseModel):
    marks: dict[str, str] = Field(max_length=64)
    """Criterion id -> pass | fail | na, every criterion of the form."""
    comment: str = Field(default="", max_length=4000)


def _form(request: web.Request) -> dict[str, Any]:
    config = request.app[keys.SETTINGS].qa
    english = get_locale() == "en"
    return {"pass_mark": config.pass_mark, "criteria": [
        {"id": c.id, "label": (c.label_en or c.label) if english else c.label, "weight": c.weight, "fatal": c.fatal}
        for c in config.criteria]}


async def form(request: web.Request) -> web.Response:
    require_role(request, "agent")
    return json_response(_form(request))


def _review_json(row: QaReview, reviewer: str | None) -> dict[str, Any]:
    return {"id": row.id, "interaction_id": row.interaction_id, "agent_id": row.agent_id,
            "reviewer_id": row.reviewer_id, "reviewer": reviewer, "marks": json.loads(row.marks),
            "score": row.score, "fatal": row.fatal, "comment": row.comment,
            "created_at": row.created_at.isoformat()}


def _review(session: Session, interaction_id: int, user: AuthUser, body: ReviewBody, at: dt.datetime,
            config: Any) -> dict[str, Any]:
    call = session.get(Interaction, interaction_id)
    if call is None:
        raise CrmError("not_found", "crm.qa.no_call", id=interaction_id)
    if call.outcome != "answered" or call.agent_id is None:
        raise CrmError("conflict", "crm.qa.not_answered", id=interaction_id)
    try:
        result = score(config.criteria, body.marks, config.pass_mark)
    except FormError as exc:
        raise CrmError("invalid", exc.key, field="marks", **exc.values) from None
    row = QaReview(interaction_id=interaction_id, agent_id=call.agent_id, reviewer_id=user.id,
                   marks=json.dumps(body.marks, sort_keys=True), score=result.score, fatal=result.fatal,
                   comment=body.comment, created_at=at)
    session.add(row)
    session.flush()
    audit.record(session, user.id, _AUDIT, call.customer_id, call.linkedid,
                 {"interaction": interaction_id, "score": result.score, "fatal": result.fatal,
                  "failed": list(result.failed)}, at=at)
    return {**_review_json(row, user.name), "passed": result.passed, "failed": list(result.failed)}


async def review_call(request: web.Request) -> web.Response:
    user = require_role(request, "qa")
    body = await read_body(request, ReviewBody)
    result = await in_db(request, _review, path_int(request, "id"), user, body, now(request),
                         request.app[keys.SETTINGS].qa)
    return json_response(result, status=201)


def _reviews(session: Session, interaction_id: int | None, agent_id: int | None, limit: int) -> list[dict[str, Any]]:
    statement = (select(QaReview, Staff.name).join(Staff, col(Staff.id) == col(QaReview.reviewer_id))
                 .order_by(col(QaReview.created_at).desc(), col(QaReview.id).desc()).limit(limit))
    if interaction_id is not None:
        statement = statement.where(QaReview.interaction_id == interaction_id)
    if agent_id is not None:
        statement = statement.where(QaReview.agent_id == agent_id)
    return [_review_json(row, name) for row, name in session.exec(statement)]


def _call_agent(session: Session, interaction_id: int) -> int | None:
    call = session.get(Interaction, interaction_id)
    if call is None:
        raise CrmError("not_found", "crm.qa.no_call", id=interaction_id)
    return call.agent_id


async def call_reviews(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    interaction_id = path_int(request, "id")
    if not user.at_least("qa") and await in_db(request, _call_agent, interaction_id) != user.id:
        raise ApiError(403, "forbidden", t("crm.qa.not_yours"))
    return json_response({"reviews": await in_db(request, _reviews, interaction_id, None, 200)})


async def reviews(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    wanted = request.query.get("agent")
    if wanted == "me" or not user.at_least("qa"):
        if wanted not in (None, "", "me") and wanted != str(user.id):
            raise ApiError(403, "forbidden", t("crm.qa.not_yours"))
        agent_id: int | None = user.id
    else:
        agent_id = query_int(request, "agent", None, low=1, high=MAX_ID)  # larger overflowed (500)
    limit = query_int(request, "limit", 50, low=1, high=500) or 50
    return json_response({"reviews": await in_db(request, _reviews, None, agent_id, limit), "form": _form(request)})


def _calls(session: Session, start: dt.datetime, end: dt.datetime, agent: str | None,
           limit: int) -> list[dict[str, Any]]:
    latest = (select(QaReview.interaction_id, func.max(QaReview.id).label("id"))
              .group_by(col(QaReview.interaction_id)).subquery())
    statement = (
        select(Interaction, Staff.name, QaReview.score)
        .join(Staff, col(Staff.id) == col(Interaction.agent_id))
        .outerjoin(latest, latest.c.interaction_id == col(Interaction.id))
        .outerjoin(QaReview, col(QaReview.id) == latest.c.id)
        .where(Interaction.outcome == "answered", col(Interaction.started_at) >= start,
               col(Interaction.started_at) < end)
        .order_by(col(Interaction.started_at), col(Interaction.id)).limit(limit)
    )
    if agent:
        statement = statement.where(Interaction.agent_ext == agent)
    return [{"id": row.id, "call": row.linkedid, "started_at": row.started_at.isoformat(), "agent_ext": row.agent_ext,
             "agent_name": name, "queue": row.queue, "direction": row.direction, "wait_s": row.wait_s,
             "talk_s": row.talk_s, "hangup_by": row.hangup_by, "disposition": row.disposition, "notes": row.notes,
             "recording": bool(row.recording_ref), "csat": row.csat, "qa_score": score}
            for row, name, score in session.exec(statement)]


def _call_trail(session: Session, interaction_id: int) -> list[dict[str, Any]]:
    """What was done with the customer on this call (profile views masked or not, verification,
    edits): the audit rows of its Linkedid, in order. A reviewer reads whether the identity was
    verified before anything was disclosed."""
    call = session.get(Interaction, interaction_id)
    if call is None:
        raise CrmError("not_found", "crm.qa.no_call", id=interaction_id)
    statement = (select(AuditEvent, Staff.name).outerjoin(Staff, col(Staff.id) == col(AuditEvent.actor_id))
                 .where(AuditEvent.linkedid == call.linkedid).order_by(col(AuditEvent.at), col(AuditEvent.id)))
    return [{"at": row.at.isoformat(), "actor": name, "action": row.action, "detail": json.loads(row.detail)}
            for row, name in session.exec(statement)]


async def calls(request: web.Request) -> web.Response:
    """The answered calls of one day (the center's), oldest first, with their latest QA score."""
    require_role(request, "qa")
    tz = center_tz(request)
    raw = request.query.get("day") or now(request).astimezone(tz).date().isoformat()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid", t("crm.qa.bad_day", value=raw), field="day") from None
    start = dt.datetime.combine(day, dt.time(), tz)
    limit = query_int(request, "limit", 500, low=1, high=2000) or 500
    rows = await in_db(request, _calls, start, start + dt.timedelta(days=1), request.query.get("agent") or None, limit)
    return json_response({"day": day.isoformat(), "calls": rows})


async def call_trail(request: web.Request) -> web.Response:
    require_role(request, "qa")
    return json_response({"trail": await in_db(request, _call_trail, path_int(request, "id"))})


def setup(app: web.Application) -> None:
    row = {"id": int}
    register(
        app,
        Operation("GET", "/api/qa/calls", calls, "A day's answered calls with their latest QA score",
                  access="qa", query=QaCallsQuery, response=QaCalls, tag="qa"),
        Operation("GET", "/api/interactions/{id}/trail", call_trail, "What was done with the customer on a call",
                  access="qa", path_params=row, response=CallTrail, tag="qa"),
        Operation("GET", "/api/qa/form", form, "The QA form", response=QaForm, tag="qa"),
        Operation("GET", "/api/qa/reviews", reviews, "QA reviews of an agent's calls", query=QaReviewsQuery,
                  response=MyQaReviews, errors=(403,), tag="qa"),
        Operation("POST", "/api/interactions/{id}/qa", review_call, "Review a call", access="qa",
                  path_params=row, body=ReviewBody, response=QaReviewResult, status=201, errors=(409,), tag="qa"),
        Operation("GET", "/api/interactions/{id}/qa", call_reviews, "A call's QA reviews", path_params=row,
                  response=QaReviews, errors=(403,), tag="qa"),
    )
