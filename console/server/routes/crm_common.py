"""What the CRM route modules share: running store work off the event loop, and errors.

Store work is synchronous SQLAlchemy in a worker thread (one session per request, committed
when the function returns, rolled back when it raises), so a slow query never delays the
screen pops the event loop is delivering. CRM errors become JSON API errors here, with their
message from the translation layer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar, overload
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import Field
from sqlmodel import Session

from console.crm.errors import CrmError
from console.i18n import t
from console.server import keys
from console.server.errors import ApiError
from console.store.db import session_scope

T = TypeVar("T")
P = ParamSpec("P")
MAX_ID = 2**31 - 1
"""Row ids of customers, staff, tickets and follow-ups are 32-bit: a larger one names nothing."""
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a request body (a larger one is a 400 naming the field, not a database error)."""
Version = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The ``version`` a client sends back (optimistic locking); a larger one overflowed the driver (500)."""
STATUS_BY_CODE = {"bad_request": 400, "invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409}


def api_error(exc: CrmError) -> ApiError:
    return ApiError(STATUS_BY_CODE.get(exc.code, 400), exc.code, exc.message(), exc.field)


async def in_db(request: web.Request, fn: Callable[Concatenate[Session, P], T], *args: P.args,
                **kwargs: P.kwargs) -> T:
    """``fn(session, *args, **kwargs)`` in a worker thread, in one transaction."""
    engine = request.app[keys.ENGINE]

    def in_session() -> T:
        with session_scope(engine) as session:
            return fn(session, *args, **kwargs)

    try:
        return await asyncio.to_thread(in_session)
    except CrmError as exc:
        raise api_error(exc) from None


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with Chinese left readable (not \\u-escaped); Decimals and dates as strings."""
    return web.json_response(data, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False, default=str))


def now(request: web.Request) -> dt.datetime:
    return request.app[keys.CLOCK]()


def center_tz(request: web.Request) -> ZoneInfo:
    return ZoneInfo(request.app[keys.SETTINGS].center.time_zone)


def path_int(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise ApiError(404, "not_found", t("crm.param.bad_id", value=raw))
    return int(raw)


@overload
def query_int(request: web.Request, name: str, default: int, *, low: int = 0, high: int | None = None) -> int: ...
@overload
def query_int(request: web.Request, name: str, default: None = None, *, low: int = 0,
              high: int | None = None) -> int | None: ...
def query_int(request: web.Request, name: str, default: int | None = None, *, low: int = 0,
              high: int | None = None) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "invalid", t("crm.param.not_integer", name=name, value=raw), field=name) from None
    if value < low or (high is not None and value > high):
        raise ApiError(400, "invalid", t("crm.param.out_of_range", name=name, value=value), field=name)
    return value


def query_flag(request: web.Request, name: str) -> bool | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    return raw.lower() in ("1", "true", "yes")


__all__ = ["MAX_ID", "RowId", "Session", "Version", "api_error", "center_tz", "in_db", "json_response", "now",
           "path_int", "query_flag", "query_int"]
