"""Login, the logged-in user, and the console's configuration."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from console.crm.wrapup import DISPOSITIONS
from console.i18n import t
from console.server import keys
from console.server.api_models.auth import CenterConfig, LoginResult, Me
from console.server.api_models.common import Ok
from console.server.auth import current_user
from console.server.client_address import client_address
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.store.models import ROLES

PAUSE_REASONS = ("break", "lunch", "training", "meeting", "after_call", "other")


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=1, max_length=256)


async def login(request: web.Request) -> web.Response:
    body = await read_body(request, LoginBody)
    outcome = await request.app[keys.LOGIN].attempt(body.username, body.password, client_address(request))
    if outcome.retry_after is not None:
        # Throttled and locked alike: a lock must not confirm that the account exists.
        raise ApiError(429, "too_many", t("login.error.too_many", seconds=outcome.retry_after),
                       headers={"Retry-After": str(outcome.retry_after)})
    user = outcome.user
    if user is None:
        raise ApiError(401, "unauthorized", t("server.error.bad_login"))
    request.app[keys.DIRECTORY].add(user)
    token, expires_at = await request.app[keys.TOKENS].issue(user, client_address(request))
    return web.json_response({"token": token, "expires_at": expires_at.isoformat(), "user": user.to_json()})


async def logout(request: web.Request) -> web.Response:
    current_user(request)
    await request.app[keys.TOKENS].revoke(request[keys.TOKEN])
    return web.json_response({"ok": True})


async def me(request: web.Request) -> web.Response:
    user = current_user(request)
    calls = request.app[keys.CALLS]
    return web.json_response({**user.to_json(), "state": calls.agent_state(user.extension),
                              "states": calls.queue_states(user.extension)})


async def config(request: web.Request) -> web.Response:
    current_user(request)
    settings = request.app[keys.SETTINGS]
    return web.json_response({
        "center_name": settings.center.name,
        "time_zone": settings.center.time_zone,
        "locale": settings.center.locale,
        "ticket_categories": _ticket_categories(),
        "dispositions": list(DISPOSITIONS),
        "pause_reasons": list(PAUSE_REASONS),
        "queues": [queue.name for queue in settings.queues],
        "roles": list(ROLES),
    })


def _ticket_categories() -> list[str]:
    from console.config import TICKET_CATEGORIES

    return list(TICKET_CATEGORIES)


def setup(app: web.Application) -> None:
    register(
        app,
        Operation("POST", "/api/login", login, "Log in: a bearer token", access="public", body=LoginBody,
                  response=LoginResult, errors=(401, 429), tag="auth"),
        Operation("POST", "/api/logout", logout, "Revoke this token", response=Ok, tag="auth"),
        Operation("GET", "/api/me", me, "The logged-in user and their agent state", response=Me, tag="auth"),
        Operation("GET", "/api/config", config, "The console's configuration", response=CenterConfig, tag="auth"),
    )
