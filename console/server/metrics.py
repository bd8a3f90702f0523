"""Prometheus metrics on the server's own registry (never the process-global one, so that
several apps in one test process do not collide), with ``/metrics`` and ``/healthz``."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from console.server import keys
from console.i18n import t
from console.server.errors import ApiError

_POP_BUCKETS = (0.001, 0.002, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.calls = Counter("calldesk_calls", "Calls recorded, by outcome", ["outcome"], registry=r)
        self.pop_latency = Histogram(
            "calldesk_screenpop_seconds", "Ringing event received to pop frame queued",
            buckets=_POP_BUCKETS, registry=r,
        )
        self.pops = Counter("calldesk_screenpops", "Screen pops sent, by match", ["match"], registry=r)
        self.ami_reconnects = Gauge("calldesk_ami_reconnects", "AMI reconnects, by PBX", ["pbx"], registry=r)
        self.ami_connected = Gauge("calldesk_ami_connected", "1 when the AMI link is up", ["pbx"], registry=r)
        self.ws_clients = Gauge("calldesk_websocket_clients", "Connected WebSocket consoles", registry=r)
        self.outbox_depth = Gauge("calldesk_outbox_depth", "Records waiting for the database", registry=r)
        self.routes = Counter("calldesk_routes", "Inbound callers routed (FastAGI), by reason: blocked, manager, "
                              "vip, default", ["route"], registry=r)


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


def _database_ok(engine: object) -> bool:
    from sqlalchemy import text

    try:
        with engine.connect() as conn:  # type: ignore[attr-defined]
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" here
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
    # 503 when something is down, so that a plain HTTP probe (systemd, a load balancer) sees it.
    return web.json_response({"ok": ok, "ami": ami, "database": database, "outbox": outbox},
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
