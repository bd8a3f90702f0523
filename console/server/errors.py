"""JSON errors: every failure leaves the server as ``{"error": {"code", "message", "field"}}``.

Handlers raise :class:`ApiError`; the middleware turns it, aiohttp's own HTTP errors (404 for an
unknown route, 405) and request-body validation errors into that shape, so a console never has
to parse an HTML error page. A database that cannot be reached is a 503 ``unavailable`` (the
console says "try again"); anything else is a bug: logged with its traceback, answered 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from console.i18n import get_locale, has, t
from console.store.outage import unreachable

log = logging.getLogger(__name__)


def default_message(code: str) -> str:
    """The generic text of an error code, in the configured locale (read per request)."""
    return t(f"server.error.{code}") if has(f"server.error.{code}", "zh_CN") else code

_CODE_BY_STATUS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "bad_request", 409: "conflict", 413: "bad_request", 422: "invalid", 429: "too_many", 503: "unavailable",
}


class ApiError(Exception):
    """An error the client caused or must handle; becomes a JSON error response."""

    def __init__(self, status: int, code: str, message: str | None = None, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.code = code
        self.message = message or default_message(code)
        self.field = field
        self.headers = headers or {}
        super().__init__(f"{status} {code}: {self.message}")


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"code": code, "message": message, "field": field}}
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _CODE_BY_STATUS.get(exc.status, "bad_request")
        return error_response(exc.status, code, default_message(code))
    except Exception as exc:
        if unreachable(exc):
            log.warning("%s %s: database unavailable: %s", request.method, request.path, str(exc).splitlines()[0])
            return error_response(503, "unavailable", t("server.error.database_down"))
        log.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "internal", t("server.error.internal"))


Model = TypeVar("Model", bound=BaseModel)


async def read_body(request: web.Request, model: type[Model]) -> Model:
    """The JSON body validated against ``model``; a bad body is a 400 naming the field."""
    try:
        data: Any = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, "bad_request", t("server.error.not_json")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", t("server.error.not_object"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise ApiError(400, "invalid", t("server.error.bad_field", field=field, msg=validation_text(first)),
                       field=field) from None


def validation_text(error: ErrorDetails) -> str:
    """One pydantic error in the configured language: the known types by their own text (with
    the limit from ``ctx``), the rest (a model's own check) by the message it raised."""
    key = f"server.error.v.{error['type']}"
    if not has(key, "zh_CN"):
        return str(error["msg"]).removeprefix("Value error, ")
    ctx = {name: value for name, value in (error.get("ctx") or {}).items() if isinstance(value, (int, float, str))}
    if "expected" in ctx and get_locale() == "zh_CN":  # pydantic joins the choices in English
        ctx["expected"] = str(ctx["expected"]).replace(" or ", "、").replace(", ", "、")
    return t(key, **ctx)
