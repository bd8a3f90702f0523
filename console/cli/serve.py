"""`calldesk serve`: the server — PBX bridges, HTTP API and WebSocket — until Ctrl-C.

It listens on 127.0.0.1 unless config (server.host) or --host says otherwise, over https/wss
when ``[server] tls_cert`` and ``tls_key`` are set (a bad or expired certificate stops it with one
line: console/server/tls.py). Nothing it logs carries a secret: the AMI secret and the database
password stay in SecretStr, and the access log (console/server/access_log.py) writes no header
and no query value that could be a secret.
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

    from console.config import load_settings
    from console.server.access_log import AccessLogger
    from console.server.app import create_app
    from console.store.db import describe, engine_from_settings
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings(args.config)
    from console.i18n import set_locale

    set_locale(settings.center.locale)
    ssl_context = tls_context(settings)  # before the database: a bad certificate fails at once
    engine = engine_from_settings(settings)  # refuses an unreachable database or an old schema
    bridges = bridges_from_settings(settings)
    host = args.host or settings.server.host
    port = args.port or settings.server.port
    log = logging.getLogger("calldesk.serve")
    log.info("database %s; PBX %s; listening on %s://%s:%d", describe(engine),
             ", ".join(f"{p.name}={p.host}:{p.port}" for p in settings.pbx),
             "https" if ssl_context else "http", host, port)

    app = create_app(settings, engine=engine, bridges=bridges)
    from console.server.gc_tuning import tune_after_startup

    tune_after_startup(app)
    try:
        web.run_app(app, host=host, port=port, access_log_class=AccessLogger, print=None,
                    ssl_context=ssl_context,
                    handle_signals=True)
    finally:
        engine.dispose()
    return 0


def tls_context(settings: Any) -> Any:
    """The server's SSLContext when [server] tls_cert and tls_key are set, else None (plain http).
    Refuses a missing, unreadable or mismatched file and a certificate out of its validity dates
    (TlsSetupError: one line); warns when the certificate ends within two weeks."""
    if not settings.server.tls_cert:
        return None
    from datetime import UTC, datetime

    from console.config.paths import config_relative
    from console.i18n import t
    from console.server.tls import certificate_dates, expires_soon, server_ssl_context

    cert = config_relative(settings, settings.server.tls_cert)
    key = config_relative(settings, settings.server.tls_key)
    now = datetime.now(UTC)
    context = server_ssl_context(cert, key, now)
    not_after = certificate_dates(cert)[1]
    if expires_soon(not_after, now):
        logging.getLogger("calldesk.serve").warning(
            "%s", t("transport.cert.expires_soon", file=cert, end=not_after.isoformat(timespec="seconds")))
    return context


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
