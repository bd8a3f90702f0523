"""Every typed application key of the server, in one module.

Handlers reach shared resources only through these keys (``app[keys.ENGINE]``), so that what
the app holds is listed in one place and typed. Services never do: the composition root
(console/server/app.py) hands each its collaborators. Types are imported for the
checker only: this module must stay importable before the modules it names exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from console.server.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.config import Settings
    from console.server.after_call import AfterCallWork
    from console.server.bus import Bus
    from console.server.callstate import CallRegistry
    from console.server.dialer_service import DialerService
    from console.server.directory import Directory
    from console.server.hub import Hub
    from console.server.login_guard import LoginGuard
    from console.server.manager_alerts import ManagerAlerts
    from console.server.metrics import Metrics
    from console.server.operation import Operation
    from console.server.outbox import Outbox
    from console.server.pop import PopBuilder
    from console.server.recorder import Recorder
    from console.server.reminders import Reminders
    from console.server.routing_agi import RoutingAgi
    from console.server.service import Service
    from console.server.sla_watch import SlaWatch
    from console.server.stats_service import StatsService
    from console.server.tokens import TokenStore
    from console.server.users import AuthUser
    from telephony.bridge import Bridge


SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
ENGINE: web.AppKey[Engine] = web.AppKey("engine")
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
TOKENS: web.AppKey[TokenStore] = web.AppKey("tokens")
"""The API's sessions: in the store, cached here (console/server/tokens.py)."""
LOGIN: web.AppKey[LoginGuard] = web.AppKey("login")
"""Throttling, lockout and audit of log-ins (console/server/login_guard.py)."""
DIRECTORY: web.AppKey[Directory] = web.AppKey("directory")
HUB: web.AppKey[Hub] = web.AppKey("hub")
MANAGER_ALERTS: web.AppKey[ManagerAlerts] = web.AppKey("manager_alerts")
CALLS: web.AppKey[CallRegistry] = web.AppKey("calls")
"""Live calls: who rings or talks on which call, the matched customer, verification state."""
BRIDGES: web.AppKey[dict[str, Bridge]] = web.AppKey("bridges")
"""PBX name -> bridge (the AMI side: a stream of domain events plus action methods)."""
SERVICE: web.AppKey[Service] = web.AppKey("service")
"""The live service (bridges -> pops, recorder, hub); ``settle()`` waits for it to catch up."""
AFTER_CALL: web.AppKey[AfterCallWork] = web.AppKey("after_call")
"""Holds agents out of the queues until their wrap-up is in (console.server.after_call)."""
BUS: web.AppKey[Bus] = web.AppKey("bus")
"""The NATS bus several servers share ([bus] url; absent on a server on its own)."""
ROUTING: web.AppKey[RoutingAgi] = web.AppKey("routing")
"""The FastAGI server the dialplan asks where a caller goes ([routing] agi_port; absent when off)."""
REMINDERS: web.AppKey[Reminders] = web.AppKey("reminders")
SLA_WATCH: web.AppKey[SlaWatch] = web.AppKey("sla_watch")
"""Pushes ``followup_due`` frames to follow-up owners."""
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
STATS: web.AppKey[StatsService] = web.AppKey("stats")
"""Live queue statistics (today's figures, rebuilt from the store at start-up)."""
OUTBOX: web.AppKey[Outbox] = web.AppKey("outbox")
RECORDER: web.AppKey[Recorder] = web.AppKey("recorder")
POP: web.AppKey[PopBuilder] = web.AppKey("pop")
DIALER: web.AppKey[DialerService] = web.AppKey("dialer")
"""The outbound dialer (console.server.dialer_service), when the campaigns routes are mounted."""

OPERATIONS: web.AppKey[list[Operation]] = web.AppKey("operations")
"""Every route the app serves, as declared (console.server.openapi): the router and the
OpenAPI document are both made from it."""

USER: web.RequestKey[AuthUser] = web.RequestKey("user")
"""The logged-in user of a request (set by the auth middleware)."""
TOKEN: web.RequestKey[str] = web.RequestKey("token")
