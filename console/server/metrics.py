"""Prometheus metrics on the server's own registry (never the process-global one, so that
several apps in one test process do not collide). ``/metrics`` and ``/healthz`` serve them:
console/server/routes/health.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
