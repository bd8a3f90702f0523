"""The application factory, ``create_app(settings) -> web.Application``: the server's composition root.

Every long-lived part is built here, in its ``cleanup_ctx`` (opened in order at start-up, closed
in reverse): the database and the sessions, the outbox, recorder and pop builder, the queue
statistics, the live service with the after-call holds, reminders and SLA watch, the dialer under
its lease, the routing AGI. Each part receives its collaborators as arguments; the parts are put
under their typed keys (console/server/keys.py) for the web layer alone: the route modules, each
mounted by its ``setup(app)``, the middleware and the stream. ARCHITECTURE.md invariant 11.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from console.i18n import set_locale
from console.server import keys, openapi_document
from console.server.auth import auth_middleware
from console.server.callstate import CallRegistry
from console.server.clock import Clock, utc_now
from console.server.directory import Directory, load_directory
from console.server.errors import error_middleware
from console.server.hub import Hub
from console.server.manager_alerts import ManagerAlerts
from console.server.metrics import Metrics
from console.server.tokens import TokenStore

if TYPE_CHECKING:
    from console.server.dialer_service import DialerService
    from console.server.periodic import Periodic
    from telephony.bridge import Bridge

CORE_ROUTES = ("auth", "stream", "calls", "agent", "supervisor")
CRM_ROUTES = ("churn", "manager", "customers", "tickets", "followups", "kb", "interactions", "campaigns", "staff",
              "recordings", "qa")


def create_app(
    settings: Any,
    *,
    engine: Any = None,
    bridges: Mapping[str, Bridge] | None = None,
    clock: Clock | None = None,
    outbox_path: str | Path | None = None,
) -> web.Application:
    """The server app. ``engine``: an open SQLAlchemy engine (default: opened from settings and
    disposed at shutdown); ``bridges``: PBX name -> bridge (default: none, no PBX); ``clock``:
    aware-UTC time source; ``outbox_path``: the outbox journal (default ``var/outbox.sqlite3``
    next to the config file)."""
    # Error messages are translated per request through console.i18n: the server speaks the
    # configured language (one process serves one centre, so the locale is process-wide).
    set_locale(settings.center.locale)
    app = web.Application(middlewares=[error_middleware, auth_middleware], client_max_size=1024 * 1024)
    clock = clock or utc_now
    metrics = Metrics()
    app[keys.SETTINGS] = settings
    app[keys.CLOCK] = clock
    app[keys.METRICS] = metrics
    app[keys.DIRECTORY] = Directory()
    app[keys.HUB] = Hub(settings.server.ws_buffer, on_clients=metrics.ws_clients.set)
    app[keys.MANAGER_ALERTS] = ManagerAlerts(app[keys.HUB], settings.managers)
    app[keys.CALLS] = CallRegistry()
    app[keys.BRIDGES] = dict(bridges or {})
    if engine is not None:
        app[keys.ENGINE] = engine

    app.cleanup_ctx.append(_database(engine is None))
    app.cleanup_ctx.append(_recording(Path(outbox_path) if outbox_path else _default_outbox(settings)))
    app.cleanup_ctx.append(_stats)
    app.cleanup_ctx.append(_bus)
    app.cleanup_ctx.append(_service)
    app.cleanup_ctx.append(_dialer)
    app.cleanup_ctx.append(_routing)
    app.on_shutdown.append(_close_websockets)

    from console.server.routes import health

    health.setup(app)
    openapi_document.setup(app)
    for name in CRM_ROUTES:  # first: a core module leaves out what these already serve
        _setup_optional(app, f"console.server.routes.{name}")
    for name in CORE_ROUTES:
        importlib.import_module(f"console.server.routes.{name}").setup(app)
    return app


def _setup_optional(app: web.Application, module_name: str) -> None:
    """Mount a route module that another part of the project provides, if it exists yet."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return
        raise
    module.setup(app)


def _default_outbox(settings: Any) -> Path:
    base = settings.source.parent if getattr(settings, "source", None) else Path.cwd()
    return base / "var" / "outbox.sqlite3"


CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def _database(owns_engine: bool) -> CleanupContext:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        if owns_engine:
            from console.store.db import engine_from_settings

            app[keys.ENGINE] = await asyncio.to_thread(engine_from_settings, app[keys.SETTINGS])
        engine, settings = app[keys.ENGINE], app[keys.SETTINGS]
        app[keys.TOKENS] = TokenStore(lambda: engine, timedelta(minutes=settings.server.token_ttl_min),
                                      app[keys.CLOCK])
        app[keys.LOGIN] = _login_guard(app)
        directory = await asyncio.to_thread(load_directory, app[keys.ENGINE])
        for user in directory.users.values():
            app[keys.DIRECTORY].add(user)
        yield
        if owns_engine:
            app[keys.ENGINE].dispose()

    return ctx


def _login_guard(app: web.Application) -> Any:
    from console.server.login_guard import LoginGuard
    from console.server.login_throttle import LoginThrottle, ThrottlePolicy

    clock, login = app[keys.CLOCK], app[keys.SETTINGS].login
    return LoginGuard(app[keys.ENGINE], LoginThrottle(ThrottlePolicy.of(login), lambda: clock().timestamp()), clock,
                      login)


def _recording(outbox_path: Path) -> CleanupContext:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        from console.server.outbox import Outbox
        from console.server.pop import PopBuilder
        from console.server.recorder import Recorder

        outbox = Outbox(outbox_path, app[keys.ENGINE], on_depth=app[keys.METRICS].outbox_depth.set)
        await outbox.start()
        app[keys.OUTBOX] = outbox
        recorder = Recorder(app[keys.SETTINGS], outbox, app[keys.CLOCK], app[keys.METRICS])
        recorder.start()
        app[keys.RECORDER] = recorder
        app[keys.POP] = PopBuilder(app[keys.ENGINE], app[keys.SETTINGS], app[keys.CLOCK])
        await app[keys.POP].warm_up()  # before the bridges start: the first pops find it ready
        yield
        await app[keys.POP].close()
        await recorder.stop()
        await outbox.stop()

    return ctx


async def _stats(app: web.Application) -> AsyncIterator[None]:
    from console.server.stats_service import StatsService, start_stats

    bridges = app[keys.BRIDGES]
    stats = app[keys.STATS] = StatsService(
        app[keys.SETTINGS], engine=app[keys.ENGINE], clock=app[keys.CLOCK], calls=app[keys.CALLS],
        hub=app[keys.HUB], directory=app[keys.DIRECTORY], bridges=bridges, outbox=app.get(keys.OUTBOX))
    await start_stats(stats)
    yield
    stats.close()


async def _bus(app: web.Application) -> AsyncIterator[None]:
    """With [bus] url set: the NATS connection several servers share, each PBX's bridge following
    the PBX's journal (holding the AMI link when this server has its lease), and the hub's
    announcements going to every server (docs/bus.md). Without it nothing changes."""
    settings = app[keys.SETTINGS].bus
    if not settings.url:
        yield
        return
    from console.server.bus import Bus
    from console.server.pbx_relay import PbxRelay
    from telephony.bridge import Bridge

    bus = app[keys.BUS] = Bus(settings)
    await bus.open()
    hub = app[keys.HUB]
    await bus.follow_announcements(hub.publish)
    hub.announcer = bus.announce
    for bridge in app[keys.BRIDGES].values():
        if isinstance(bridge, Bridge):
            bridge.relay = PbxRelay(bus, bridge)
    yield
    hub.announcer = None
    await bus.close()


async def _service(app: web.Application) -> AsyncIterator[None]:
    from console.server.after_call import AfterCallWork
    from console.server.periodic import Periodic
    from console.server.reminders import Reminders
    from console.server.service import Floor, Service
    from console.server.sla_watch import SlaWatch

    hub, directory, outbox, bridges = app[keys.HUB], app[keys.DIRECTORY], app[keys.OUTBOX], app[keys.BRIDGES]

    async def record_acw(call: str, agent: str, seconds: float) -> None:
        user = directory.user_by_extension(agent)
        await outbox.submit("wrapup", {"call": call, "agent_id": user.id if user else None, "agent_ext": agent,
                                       "acw_s": seconds})

    app[keys.AFTER_CALL] = after_call = AfterCallWork(
        app[keys.SETTINGS], bridges, lambda agent: hub.connected(directory.users_of_agent(agent)),
        record_acw, app[keys.STATS].after_call)
    service = app[keys.SERVICE] = Service(Floor(
        bridges=bridges, calls=app[keys.CALLS], hub=hub, directory=directory, pop=app[keys.POP],
        recorder=app[keys.RECORDER], metrics=app[keys.METRICS], managers=app[keys.MANAGER_ALERTS],
        after_call=after_call, engine=app.get(keys.ENGINE), stats=app[keys.STATS]))
    service.start()
    reminders = app[keys.REMINDERS] = Reminders(app[keys.ENGINE], app[keys.HUB], app[keys.CLOCK])
    sla = app[keys.SLA_WATCH] = SlaWatch(app[keys.ENGINE], app[keys.HUB], app[keys.CLOCK])
    minutely = Periodic("minutely", 60.0, [reminders.check, sla.check, app[keys.TOKENS].purge, after_call.sweep])
    minutely.start()
    reconciling = _reconcilers(app)
    yield
    if reconciling is not None:
        await reconciling.stop()
    await minutely.stop()
    await after_call.release_all()  # while the PBX links are up
    await service.stop()
    await after_call.close()


def _holding(bridge: Bridge) -> Callable[[], bool]:
    return lambda: bridge.holding


def _reconcilers(app: web.Application) -> Periodic | None:
    """Calls no server saw, from each PBX's queue_log ([[pbx]] queue_log_table), by the server
    holding the PBX's link; the first round right after start (console.server.reconcile)."""
    from console.server.periodic import Periodic
    from console.server.reconcile import Reconciler

    settings, bridges = app[keys.SETTINGS], app[keys.BRIDGES]
    checks = []
    for pbx in settings.pbx:
        bridge = bridges.get(pbx.name)
        if not pbx.queue_log_table or bridge is None:
            continue
        reconciler = Reconciler(app[keys.ENGINE], settings, pbx.name, pbx.queue_log_table, app[keys.CLOCK],
                                holding=_holding(bridge))
        checks.append(reconciler.check)
    if not checks:
        return None
    periodic = Periodic("reconcile", settings.reconcile.every_s, checks, first_s=5.0)
    periodic.start()
    return periodic


async def _dialer(app: web.Application) -> AsyncIterator[None]:
    """The outbound dialer: campaigns' calls (console.server.dialer_service)."""
    from console.server.dialer_deps import DialerDeps
    from console.server.dialer_service import DialerService
    from console.server.lease import lease_for

    service, bridges = app[keys.SERVICE], app[keys.BRIDGES]
    dialer = app[keys.DIALER] = DialerService(DialerDeps(
        engine=app[keys.ENGINE], clock=app[keys.CLOCK], settings=app[keys.SETTINGS], bridges=bridges,
        calls=app[keys.CALLS], events=service.followed, outbox=app[keys.OUTBOX], hub=app[keys.HUB],
        directory=app[keys.DIRECTORY], after_call=app[keys.AFTER_CALL],
        lease=lease_for(app[keys.ENGINE], "dialer", bus=app.get(keys.BUS))))
    service.campaigns = dialer  # a campaign call's pop carries its lead and script
    await dialer.start()
    if keys.BUS in app:  # an agent on another server dials or skips the lead this dialer offered
        await app[keys.BUS].answer("preview", _preview_decider(dialer))
    yield
    service.campaigns = None
    await dialer.stop()


def _preview_decider(dialer: DialerService) -> Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]:
    async def decide(request: dict[str, Any]) -> dict[str, Any] | None:
        try:
            campaign, lead, agent, dial = (int(request["campaign"]), int(request["lead"]), str(request["agent"]),
                                           bool(request["dial"]))
        except (KeyError, TypeError, ValueError):
            return None
        done = await dialer.decide_preview(campaign, lead, agent, dial)
        return None if done is None else {"done": done}  # silent when the offer is not this dialer's

    return decide


async def _routing(app: web.Application) -> AsyncIterator[None]:
    """The FastAGI server of CRM-driven routing, when [routing] agi_port is set."""
    if not app[keys.SETTINGS].routing.agi_port:
        yield
        return
    from console.server.routing_agi import RoutingAgi

    metrics = app[keys.METRICS]
    routing = app[keys.ROUTING] = RoutingAgi(app[keys.SETTINGS], app[keys.ENGINE], app[keys.CALLS],
                                             lambda reason: metrics.routes.labels(reason).inc())
    await routing.start()
    yield
    await routing.stop()


async def _close_websockets(app: web.Application) -> None:
    await app[keys.HUB].close_all()
