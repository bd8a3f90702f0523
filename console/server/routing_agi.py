"""calldesk's FastAGI server: the dialplan asks where an inbound caller goes, the CRM answers.

``AGI(agi://<host>:<port>/route,<queue>,<account>)`` (docs/asterisk.md): the caller's number
(``agi_callerid``), the queue the DID would use and the IVR's account come in; the rules of
console/crm/routing.py decide; the answer goes back as channel variables (``CALLDESK_ROUTE``,
``CALLDESK_QUEUE``, ``CALLDESK_PRIORITY``, ``CALLDESK_MANAGER``, ``CALLDESK_MANAGER_RING``,
``CUSTOMER_TIER``) with ``SET VARIABLE``. A decision not made within ``answer_within_ms`` (the
database is slow or down) is the default route; calldesk not answering at all (stopped, down)
leaves ``AGISTATUS`` FAILURE and the dialplan takes its own default route.

panoramisk's FastAGI ``Application`` reads the request's headers in a loop that never ends when
the peer closes early (100 % CPU): the headers are read here, with a size limit and a timeout;
panoramisk's ``Request`` sends the commands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from panoramisk.fast_agi import Request
from sqlalchemy import Engine, bindparam, select

from console.config import Settings
from console.crm.masking import mask_phone
from console.crm.phones import normalize
from console.crm.routing import Known, Route, RoutingRules, decide
from console.server.callstate import CallRegistry
from console.store.models import Customer, CustomerPhone, Staff
from console.store.tables import table_of

log = logging.getLogger(__name__)

HEADERS_MAX = 16 * 1024
HEADERS_TIMEOUT_S = 2.0
_c, _p, _s = (table_of(m).c for m in (Customer, CustomerPhone, Staff))
_WHO = select(_c.tier, _s.extension).select_from(
    table_of(Customer).outerjoin(table_of(Staff), (_s.id == _c.manager_id) & _s.active))
_BY_ACCOUNT = _WHO.where(_c.client_no == bindparam("account"))
_BY_PHONE = _WHO.join(table_of(CustomerPhone), _p.customer_id == _c.id).where(_p.e164 == bindparam("e164")).limit(2)


def rules_of(settings: Settings) -> RoutingRules:
    r = settings.routing
    return RoutingRules(r.vip_queue, r.default_queue, r.manager_first, r.manager_ring_s,
                        tuple(sorted(r.priority.items())))


class RoutingAgi:
    def __init__(self, settings: Settings, engine: Engine, calls: CallRegistry,
                 counted: Callable[[str], None] = lambda reason: None) -> None:
        self._settings = settings
        self._rules = rules_of(settings)
        self._blocked = frozenset(settings.routing.blocked)
        self._engine = engine
        self._calls = calls
        self._counted = counted
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        routing = self._settings.routing
        self._server = await asyncio.start_server(self._handle, routing.agi_host, routing.agi_port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("FastAGI routing on %s:%d", routing.agi_host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    # --- one request ----------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            headers = await asyncio.wait_for(_read_headers(reader), HEADERS_TIMEOUT_S)
            script = headers.get("agi_network_script", "").split("?", 1)[0]
            if script != "route":
                log.warning("FastAGI: no route %r (from %s)", script, writer.get_extra_info("peername"))
                return
            route = await self.route(headers.get("agi_callerid", ""), headers.get("agi_arg_1") or None,
                                     headers.get("agi_arg_2") or None)
            request = Request(app=None, headers=headers, reader=reader, writer=writer)
            for name, value in route.variables().items():
                await request.send_command(f'SET VARIABLE {name} "{value}"')
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
            log.warning("FastAGI request dropped: %s", str(exc) or type(exc).__name__)
        finally:
            writer.close()

    async def route(self, number: str, queue: str | None, account: str | None) -> Route:
        """The decision for this caller, or the default route when the CRM is too slow."""
        phone = normalize(number) if number and number not in ("unknown", "<unknown>") else None
        e164 = phone.e164 if phone is not None and phone.valid else None
        account = account if account and account != "unknown" else None
        try:
            known = await asyncio.wait_for(asyncio.to_thread(self._known, e164, account),
                                           self._settings.routing.answer_within_ms / 1000)
        except Exception as exc:  # timeout or database: route by default, say why
            # The log names the caller masked, and the error by its first line (a statement's
            # parameters, the caller's number among them, follow on the next lines).
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.warning("routing of %s by default: the CRM did not answer (%s)", mask_phone(number or ""), why)
            known = None
        route = decide(known, blocked=e164 in self._blocked, asked_queue=queue, rules=self._rules)
        self._counted(route.reason)
        return route

    def _known(self, e164: str | None, account: str | None) -> Known | None:
        with self._engine.connect() as conn:
            rows = conn.execute(_BY_ACCOUNT, {"account": account}).all() if account else []
            if not rows and e164:
                rows = conn.execute(_BY_PHONE, {"e164": e164}).all()
        if len(rows) != 1:  # unknown, or a number several customers share: nobody in particular
            return None
        tier, manager = rows[0]
        return Known(tier=tier, vip=self._settings.is_vip(tier), manager_extension=manager,
                     manager_free=bool(manager) and self._free(manager))

    def _free(self, extension: str) -> bool:
        """The manager's phone is not ringing or talking on a call calldesk sees, and they are not
        paused or logged out where they are a queue member."""
        if self._calls.calls_of_agent(extension):
            return False
        state = self._calls.agent_state(extension)
        return state is None or state["state"] in ("available", "logged_out")


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    raw = await reader.readuntil(b"\n\n")
    if len(raw) > HEADERS_MAX:
        raise asyncio.LimitOverrunError("AGI headers too long", len(raw))
    headers: dict[str, str] = {}
    for line in raw.decode("utf-8", errors="replace").splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            headers[key.strip()] = value.strip()
    return headers
