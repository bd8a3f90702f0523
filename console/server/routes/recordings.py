"""Call recordings: play or save one call's recording, list those past retention.

``GET /api/interactions/{id}/recording`` streams the file MixMonitor wrote for that call, with
HTTP range requests (aiohttp's FileResponse: ``Range`` → 206, ``HEAD`` for the size), to whom
``[recordings]`` allows it (console/crm/recordings.py); every access is audited on the call's
customer (``recording.play``; a refused or missing one too, with its reason). A call without a
recording, a server without ``[recordings] root`` and a file that is not there are each a 404
whose message says which. ``GET /api/recordings/expired`` lists the calls whose recordings are
past ``retention_days`` (supervisors and above), in the order they were stored, by pages
(``after_id``).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlmodel import Session, col, select

from console.crm import audit
from console.crm.recordings import RecordingPolicy, RecordingUnavailable
from console.i18n import t
from console.server import keys
from console.server.api_models.queries import ExpiredRecordingsQuery
from console.server.api_models.recordings import ExpiredRecordings
from console.server.auth import AuthUser, require_role
from console.server.errors import ApiError
from console.server.openapi import Operation, register
from console.server.routes.crm_common import MAX_ID, in_db, json_response, now, path_int, query_int
from console.store.models import Interaction

_AUDIT = "recording.play"


def policy(request: web.Request) -> RecordingPolicy:
    config = request.app[keys.SETTINGS].recordings
    return RecordingPolicy(root=Path(config.root) if config.root else None, pbx_folder=config.pbx_folder,
                           min_role=config.min_role, agents_own_calls=config.agents_own_calls,
                           retention_days=config.retention_days)


def _find(session: Session, interaction_id: int) -> tuple[int | None, int | None, str, str | None] | None:
    row = session.get(Interaction, interaction_id)
    if row is None:
        return None
    return row.agent_id, row.customer_id, row.linkedid, row.recording_ref


def _audit(session: Session, user: AuthUser, customer_id: int | None, call: str, detail: dict[str, Any],
           at: dt.datetime) -> None:
    audit.record(session, user.id, _AUDIT, customer_id, call, detail, at=at)


async def play(request: web.Request) -> web.StreamResponse:
    user = require_role(request, "agent")
    interaction_id = path_int(request, "id")
    found = await in_db(request, _find, interaction_id)
    if found is None:
        raise ApiError(404, "not_found", t("server.recording.no_call", id=interaction_id))
    agent_id, customer_id, call, recording = found
    rules = policy(request)
    detail: dict[str, Any] = {"interaction": interaction_id, "range": request.headers.get("Range")}
    if not rules.may_hear(user.role, user.id, agent_id):
        await in_db(request, _audit, user, customer_id, call, {**detail, "refused": "role"}, now(request))
        raise ApiError(403, "forbidden", t("server.recording.forbidden"))
    try:
        path = rules.locate(recording)
    except RecordingUnavailable as exc:
        raise ApiError(404, "not_found", t(exc.key, id=interaction_id)) from None
    if not path.is_file():
        await in_db(request, _audit, user, customer_id, call, {**detail, "missing": True}, now(request))
        raise ApiError(404, "not_found", t("server.recording.missing", id=interaction_id, file=path.name))
    await in_db(request, _audit, user, customer_id, call, detail, now(request))
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return web.FileResponse(path, headers={
        "Content-Type": content_type, "Content-Disposition": f'attachment; filename="{path.name}"',
        "Cache-Control": "no-store",
    })


def _expired(session: Session, before: dt.datetime, after_id: int, limit: int) -> list[dict[str, Any]]:
    statement = (
        select(Interaction).where(col(Interaction.recording_ref).is_not(None), col(Interaction.ended_at) < before,
                                  col(Interaction.id) > after_id)
        .order_by(col(Interaction.id)).limit(limit)
    )
    return [{
        "id": row.id, "call": row.linkedid, "ended_at": row.ended_at.isoformat() if row.ended_at else None,
        "queue": row.queue, "agent_ext": row.agent_ext, "recording": row.recording_ref,
    } for row in session.exec(statement)]


async def expired(request: web.Request) -> web.Response:
    require_role(request, "supervisor")
    rules = policy(request)
    before = rules.expired_before(now(request))
    limit = query_int(request, "limit", 500, low=1, high=5000) or 500
    after_id = query_int(request, "after_id", 0, low=0, high=MAX_ID) or 0  # a larger one overflowed (500)
    rows = await in_db(request, _expired, before, after_id, limit)
    return json_response({"before": before.isoformat(), "retention_days": rules.retention_days,
                          "recordings": rows, "next_after_id": rows[-1]["id"] if len(rows) == limit else None})


def setup(app: web.Application) -> None:
    register(
        app,
        Operation("GET", "/api/interactions/{id}/recording", play, "A call's recording (Range requests: 206)",
                  path_params={"id": int}, response=None, response_media="audio/*", also=(206,),
                  errors=(403, 416), tag="recordings"),
        Operation("GET", "/api/recordings/expired", expired, "Recordings past retention, by pages",
                  access="supervisor", query=ExpiredRecordingsQuery, response=ExpiredRecordings, tag="recordings"),
    )
