"""``POST /api/customers/import``: upsert customers from a CSV file (docs/import-csv.md). Admin only.

The file is the request body, as it is (``text/csv``), streamed to a private temporary file, not
held in memory, up to :data:`CSV_MAX_BYTES` (a larger ``Content-Length`` is refused before a byte
is read). The store's batched import runs in a worker thread: bad rows come back by their line in
the file, good rows are written in batches of 1,000, each its own transaction with its audit rows
(console/crm/customer_import.py), so a refusal late in a big file loses nothing already accepted.
The search index takes in the customers written. ``?file=NAME`` names the file in messages about
the file as a whole (a bad header: ``NAME:1: …``).

Why admin: the file writes every column of the customer master (risk level, AUM, id number,
trading permissions, account manager) for any number of customers, which `PATCH
/api/customers/{id}` lets only a manager do one customer at a time (a supervisor may edit the name,
the manager and the status, not these), and it is the back-office load the staff CSV import also
leaves to an admin.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from aiohttp import web
from pydantic import BaseModel

from console.crm.customer_import import import_as
from console.errors import CalldeskError
from console.i18n import t
from console.server import keys
from console.server.auth import bearer_token, require_role
from console.server.errors import ApiError
from console.server.openapi import Operation, register
from console.server.routes.crm_common import json_response, now
from console.server.routes.customer_index import STATE, current_index

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from console.crm.search.model import CustomerRow

CSV_MAX_BYTES = 100 * 1024 * 1024
MAX_ERRORS = 10_000
"""Bad rows returned one by one; beyond them only their number (``refused``) is given."""
CHUNK = 256 * 1024
INDEX_BATCH = 1000


class LineError(BaseModel):
    line: int
    reason: str


class CustomerImportReport(BaseModel):
    file: str
    rows: int
    """Data rows in the file, readable or not."""
    inserted: int
    updated: int
    refused: int
    errors: list[LineError]
    """The refused rows by line, in file order (the first :data:`MAX_ERRORS`)."""
    errors_truncated: bool


def _label(request: web.Request) -> str:
    name = (request.query.get("file") or "").strip()
    return os.path.basename(name)[:200] or "CSV"


def _too_large() -> ApiError:
    return ApiError(400, "invalid", t("server.import.too_large", max=CSV_MAX_BYTES // (1024 * 1024)))


async def _expect(request: web.Request) -> web.StreamResponse | None:
    """``Expect: 100-continue``: refuse a file too large, or a user who may not import, before its
    body is sent; otherwise let the client send it."""
    from aiohttp import HttpVersion11

    from console.server.errors import error_response

    try:
        # Before the middlewares: resolve the token as the auth middleware will, judge as require_role.
        token = bearer_token(request)
        user = await request.app[keys.TOKENS].resolve(token) if token else None
        if user is None:
            raise ApiError(401, "unauthorized")
        if not user.at_least("admin"):
            raise ApiError(403, "forbidden", t("server.error.role_needed", role="admin"))
        if request.content_length is not None and request.content_length > CSV_MAX_BYTES:
            raise _too_large()
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.field)
    if request.version == HttpVersion11:
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    return None


async def _spool(request: web.Request, target: IO[bytes]) -> None:
    """The request body into ``target``, refused past the size limit."""
    if request.content_length is not None and request.content_length > CSV_MAX_BYTES:
        raise _too_large()
    size = 0
    while chunk := await request.content.read(CHUNK):
        size += len(chunk)
        if size > CSV_MAX_BYTES:
            raise _too_large()
        target.write(chunk)
    target.flush()
    if size == 0:
        raise ApiError(400, "invalid", t("server.import.empty"))


async def import_customers(request: web.Request) -> web.Response:
    user = require_role(request, "admin")
    app, label = request.app, _label(request)
    settings = app[keys.SETTINGS]
    with tempfile.NamedTemporaryFile(prefix="calldesk-import-", suffix=".csv") as spool:
        await _spool(request, spool)
        try:
            report, ids = await asyncio.to_thread(import_as, app[keys.ENGINE], Path(spool.name), settings.tier_for,
                                                  user.id, now(request), label)
        except CalldeskError as exc:  # the file as a whole (its header): nothing was imported
            raise ApiError(400, "invalid", str(exc), field="header") from None
    await _reindex(app, ids)
    body = CustomerImportReport(
        file=label, rows=report.read, inserted=report.inserted, updated=report.updated, refused=report.rejected,
        errors=[LineError(line=line, reason=reason) for line, reason in report.errors[:MAX_ERRORS]],
        errors_truncated=report.rejected > MAX_ERRORS)
    return json_response(body.model_dump())


async def _reindex(app: web.Application, ids: list[int]) -> None:
    """Upsert the written customers into the search index, if there is one, a batch at a time."""
    index = current_index(app)
    if index is None or not ids:
        return
    engine, lock = app[keys.ENGINE], app[STATE].lock

    def batch(part: list[int]) -> None:
        rows = _index_rows(engine, part)
        with lock:
            for row in rows:
                index.upsert(row)

    for start in range(0, len(ids), INDEX_BATCH):
        await asyncio.to_thread(batch, ids[start:start + INDEX_BATCH])


def _index_rows(engine: Engine, ids: list[int]) -> list[CustomerRow]:
    from sqlalchemy import select

    from console.crm.search.model import CustomerRow
    from console.store.models import Customer, CustomerPhone
    from console.store.tables import table_of

    c, p = table_of(Customer).c, table_of(CustomerPhone).c
    with engine.connect() as conn:
        phones: dict[int, list[str]] = {}
        for cid, e164 in conn.execute(select(p.customer_id, p.e164).where(p.customer_id.in_(ids))):
            phones.setdefault(cid, []).append(e164)
        rows = conn.execute(select(c.id, c.name, c.name_pinyin, c.name_initials, c.client_no, c.id_last4, c.tier,
                                   c.branch).where(c.id.in_(ids)))
        return [CustomerRow(id=r.id, name=r.name, name_pinyin=r.name_pinyin, name_initials=r.name_initials,
                            client_no=r.client_no, phones=tuple(phones.get(r.id, ())), id_last4=r.id_last4,
                            tier=r.tier, branch=r.branch) for r in rows]


def setup(app: web.Application) -> None:
    register(app, Operation("POST", "/api/customers/import", import_customers,
                            "Import customers from a CSV file (streamed; bad rows by line)", access="admin",
                            body_media="text/csv", response=CustomerImportReport, expect_handler=_expect,
                            tag="customers"))
