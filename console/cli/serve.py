"""`calldesk serve`: the server — PBX bridges, HTTP API and WebSocket — until Ctrl-C.

It listens on 127.0.0.1 unless config (server.host) or --host says otherwise. Nothing it logs
carries a secret: the AMI secret and the database password stay in SecretStr, and the access
log writes the path without its query string (the WebSocket takes its token there).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run the server: AMI bridges, HTTP API and WebSocket")
    parser.add_argument("--host", help="address to listen on (default: server.host from config, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="TCP port (default: server.port from config, 8421)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aiohttp import web
    from aiohttp.abc import AbstractAccessLogger

    from console.config import load_settings
    from console.server.app import create_app
    from console.store.db import describe, engine_from_settings
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings(args.config)
    engine = engine_from_settings(settings)  # refuses an unreachable database or an old schema
    bridges = bridges_from_settings(settings)
    host = args.host or settings.server.host
    port = args.port or settings.server.port
    log = logging.getLogger("calldesk.serve")
    log.info("database %s; PBX %s; listening on http://%s:%d", describe(engine),
             ", ".join(f"{p.name}={p.host}:{p.port}" for p in settings.pbx), host, port)

    class PathOnlyAccessLogger(AbstractAccessLogger):
        def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
            self.logger.info("%s %s %s %s %.1fms", request.remote, request.method, request.path,
                             response.status, time * 1000)

    app = create_app(settings, engine=engine, bridges=bridges)
    from console.server.gc_tuning import tune_after_startup

    tune_after_startup(app)
    try:
        web.run_app(app, host=host, port=port, access_log_class=PathOnlyAccessLogger, print=None,
                    handle_signals=True)
    finally:
        engine.dispose()
    return 0


def wrapup_of(settings: Any) -> dict[str, float]:
    """How long the agents' ``wrap_up`` state lasts after a call of each queue (``queues[].wrapup_s``,
    as the PBX's queues.conf ``wrapuptime``); a queue not configured has none, as app_queue's default."""
    return {q.name: q.wrapup_s for q in settings.queues}


def bridges_from_settings(settings: Any) -> dict[str, Any]:
    """One Bridge per configured PBX, its tracker set up with the agent map and the wrap-up."""
    from functools import partial

    from telephony.bridge import Bridge
    from telephony.tracker import Tracker

    tracker_factory = partial(Tracker, queue_wrapup_s=wrapup_of(settings), acw_reason=settings.wrapup.pause_reason)
    return {
        pbx.name: Bridge(pbx.name, pbx.host, pbx.port, pbx.username, pbx.secret.get_secret_value(),
                         encoding=pbx.encoding, auth=pbx.auth, ping_interval_s=pbx.ping_interval_s,
                         ping_timeout_s=pbx.ping_timeout_s, agent_map=pbx.agent_map,
                         tracker_factory=tracker_factory)
        for pbx in settings.pbx
    }
