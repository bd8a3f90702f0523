"""``/metrics`` (Prometheus, loopback only) and ``/healthz`` (the PBX links, the database, the outbox)."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from console.i18n import t
from console.server import keys
from console.server.errors import ApiError
from console.server.routes.customer_index import STATE as INDEX

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _loopback(request: web.Request) -> bool:
    # The client behind a trusted proxy, not the proxy: an nginx on this host would make every
    # request look local.
    from console.server.forwarded import client_address

    peer = client_address(request)
    try:
        return ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


async def metrics_handler(request: web.Request) -> web.Response:
    if not _loopback(request):
        raise ApiError(403, "forbidden", t("server.error.metrics_local"))
    app = request.app
    metrics = app[keys.METRICS]
    for name, bridge in app[keys.BRIDGES].items():
        metrics.ami_reconnects.labels(name).set(getattr(bridge, "reconnects", 0))
        metrics.ami_connected.labels(name).set(1 if getattr(bridge, "connected", False) else 0)
    if keys.OUTBOX in app:
        metrics.outbox_depth.set(app[keys.OUTBOX].depth)
    body = generate_latest(metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def _database_ok(engine: Engine) -> bool:
    from sqlalchemy import text

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not reachable" here
        return False


async def healthz_handler(request: web.Request) -> web.Response:
    app = request.app
    ami = {
        name: {"connected": bool(getattr(b, "connected", False)), "reconnects": int(getattr(b, "reconnects", 0))}
        for name, b in app[keys.BRIDGES].items()
    }
    database = await asyncio.to_thread(_database_ok, app[keys.ENGINE])
    outbox = app[keys.OUTBOX].depth if keys.OUTBOX in app else 0
    ok = database and all(v["connected"] for v in ami.values())
    state = app.get(INDEX)
    index = state.index if state is not None else None
    search = {"ready": index is not None, "customers": len(index) if index is not None else 0,
              "mode": state.mode if state is not None else "", "ready_s": state.build_s if state is not None else None}
    # 503 when something is down, so that a plain HTTP probe (systemd, a load balancer) sees it.
    return web.json_response({"ok": ok, "ami": ami, "database": database, "outbox": outbox, "search": search},
                             status=200 if ok else 503)


def setup(app: web.Application) -> None:
    from console.server.api_models.health import Health
    from console.server.openapi import Operation, register

    register(
        app,
        Operation("GET", "/metrics", metrics_handler, "Prometheus metrics", access="loopback", response=None,
                  response_media="text/plain", tag="ops"),
        Operation("GET", "/healthz", healthz_handler, "Health: the PBX links, the database, the outbox",
                  access="public", response=Health, tag="ops"),
    )
