"""A trustworthy AMI connection on panoramisk: login, watchdog, reconnect with backoff.

What is kept of panoramisk 1.4: its ``Manager`` (config defaults, ``connect()`` opening the TCP
connection through ``protocol_factory``, ``register_event``/``dispatch`` for anyone who wants
pattern callbacks with panoramisk ``Message`` objects) and its ``AMIProtocol`` as the base of
:class:`~telephony.protocol.AmiProtocol`. What panoramisk cannot carry, and is done here:

* login: panoramisk sends ``Login`` and, when Asterisk refuses it, carries on unauthenticated
  (``authenticated = False``, nobody told). Here a refusal raises :class:`AmiLoginError` and
  the attempt is retried with backoff; MD5 challenge login is supported.
* liveness: panoramisk sends a Ping every ``ping_interval`` and never checks the answer, so a
  half-open TCP connection goes unnoticed forever. Here an unanswered Ping closes the link.
* reconnect: panoramisk retries after a fixed delay from inside callbacks. Here ``run()``
  loops with capped exponential backoff and jitter (RNG and sleep injected for tests), and
  tells its owner when the link went up (``on_up``, awaited: resync) and down (``on_down``).
* every action has a timeout; replies are matched by ActionID (see protocol.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from telephony import actions
from telephony.event_filter import ACCEPT_ALL, EventFilter
from telephony.framing import Message
from telephony.protocol import AmiConnectionLost, AmiManager, AmiProtocol, Reply

log = logging.getLogger(__name__)

__all__ = ["AmiActionError", "AmiConnection", "AmiConnectionLost", "AmiLoginError", "Backoff", "Reply"]


class AmiLoginError(Exception):
    """Asterisk refused the login (wrong user or secret, or the host is not permitted)."""


class AmiActionError(Exception):
    """An action was answered with an error, or not answered in time."""

    def __init__(self, message: str, response: Message | None = None) -> None:
        super().__init__(message)
        self.response = response


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential backoff with jitter: attempt n waits between d/2 and d, d = min(cap, base·2ⁿ)."""

    base_s: float = 0.5
    cap_s: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.cap_s, self.base_s * 2.0 ** min(attempt, 30))
        return ceiling / 2 + rng.random() * ceiling / 2


class AmiConnection:
    """Keeps one AMI session alive until ``close()``; see the module docstring."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        *,
        on_event: Callable[[Message], None],
        on_up: Callable[[], Awaitable[None]] | None = None,
        on_down: Callable[[str], None] | None = None,
        encoding: str = "utf-8",
        auth: str = "plain",
        event_filter: EventFilter = ACCEPT_ALL,
        ping_interval_s: float = 20.0,
        ping_timeout_s: float = 10.0,
        action_timeout_s: float = 10.0,
        connect_timeout_s: float = 10.0,
        backoff: Backoff = Backoff(),
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if auth not in ("plain", "md5"):
            raise ValueError(f"AMI auth must be 'plain' or 'md5', not {auth!r}")
        self.host, self.port, self.username, self._secret = host, port, username, secret
        self.auth = auth
        self.encoding = encoding
        self.event_filter = event_filter
        self.on_event, self.on_up, self.on_down = on_event, on_up, on_down
        self.ping_interval_s, self.ping_timeout_s = ping_interval_s, ping_timeout_s
        self.action_timeout_s, self.connect_timeout_s = action_timeout_s, connect_timeout_s
        self.backoff, self._sleep = backoff, sleep
        self._rng = rng or random.Random()
        self._ids = itertools.count(1)
        self._id_prefix = f"cd{uuid.uuid4().hex[:6]}"  # not from rng: keeps injected jitter sequences exact
        self.manager = AmiManager(self._make_protocol, host=host, port=port, encoding=encoding)
        self.protocol: AmiProtocol | None = None
        self.connected = False  # logged in and not known to be lost
        self.reconnects = 0
        self.last_error: str | None = None
        self._closed = False
        self._lost: asyncio.Future[None] | None = None
        self._booted = asyncio.Event()
        self._backoff_wait: asyncio.Future[object] | None = None
        self._logins = 0

    def _make_protocol(self) -> AmiProtocol:
        self.protocol = AmiProtocol(self._on_event, self._on_lost, encoding=self.encoding,
                                    event_filter=self.event_filter)
        return self.protocol

    def _on_event(self, message: Message) -> None:
        if message["Event"] == "FullyBooted":
            self._booted.set()
        self.on_event(message)
        self.manager.dispatch_if_subscribed(message)

    async def wait_booted(self, timeout_s: float) -> bool:
        """Wait for this connection's ``FullyBooted`` (sent right after login once Asterisk is up).

        Asking for a snapshot before it can find app_queue not loaded yet, after a restart.
        """
        try:
            await asyncio.wait_for(self._booted.wait(), timeout_s)
            return True
        except TimeoutError:
            log.warning("AMI %s:%s: no FullyBooted within %s s; going on", self.host, self.port, timeout_s)
            return False

    def _on_lost(self, exc: Exception | None) -> None:
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)

    def next_action_id(self) -> str:
        return f"{self._id_prefix}-{next(self._ids)}"

    async def send(self, action: Mapping[str, object], timeout_s: float | None = None,
                   *, forward_events: bool = False) -> Reply:
        """Send one action and wait for its reply; raise AmiActionError on an error or a timeout."""
        protocol = self.protocol
        if protocol is None or protocol.closed:
            raise AmiConnectionLost(f"not connected to AMI at {self.host}:{self.port}")
        headers = dict(action)
        if "ActionID" not in headers:
            headers["ActionID"] = self.next_action_id()
        name = headers.get("Action", "?")
        future = protocol.send(headers, forward_events=forward_events)
        try:
            reply = await asyncio.wait_for(future, timeout_s or self.action_timeout_s)
        except TimeoutError:
            protocol.forget(str(headers["ActionID"]))
            waited = timeout_s or self.action_timeout_s
            raise AmiActionError(f"AMI action {name} not answered within {waited} s") from None
        if not reply.ok:
            raise AmiActionError(f"AMI action {name} failed: {reply.response.get('Message', reply.response)}",
                                 reply.response)
        return reply

    async def login(self) -> None:
        """Log in on the open connection; raise AmiLoginError when refused."""
        try:
            if self.auth == "md5":
                reply = await self.send(actions.challenge())
                action = actions.login_md5(self.username, self._secret, reply.response.get("Challenge", ""),
                                           events=True)
            else:
                action = actions.login(self.username, self._secret, events=True)
            await self.send(action)
        except AmiActionError as exc:
            if exc.response is None:
                raise  # not answered: a dead link, not a refusal
            message = exc.response.get("Message", "refused")
            raise AmiLoginError(
                f"AMI login as {self.username!r} on {self.host}:{self.port} refused: {message}"
            ) from None

    async def open_once(self) -> None:
        """Connect and log in once, with no watchdog and no reconnect (a one-shot tool such as
        ``calldesk doctor``); raise OSError, TimeoutError or AmiLoginError. ``close()`` ends it."""
        self._lost = asyncio.get_running_loop().create_future()
        await asyncio.wait_for(self.manager.connect(), self.connect_timeout_s)
        await self.login()
        self.connected = True

    async def run(self) -> None:
        """Connect, log in, call ``on_up``, watch the link; on any loss back off and start over."""
        attempt = 0
        loop = asyncio.get_running_loop()
        while not self._closed:
            up = False
            self._lost = loop.create_future()
            self._booted = asyncio.Event()
            try:
                task = self.manager.connect()
                await asyncio.wait_for(task, self.connect_timeout_s)
                if self._closed:
                    break
                await self.login()
                self.connected, up = True, True
                if self._logins:
                    self.reconnects += 1
                    log.warning("AMI %s:%s: reconnected and logged in again (reconnect %d, after %d failed "
                                "attempt(s))", self.host, self.port, self.reconnects, attempt)
                else:
                    log.info("AMI %s:%s: connected and logged in as %s", self.host, self.port, self.username)
                self._logins += 1
                attempt = 0
                if self.on_up is not None:
                    await self.on_up()
                await self._watch()
            except (TimeoutError, OSError, AmiLoginError, AmiActionError) as exc:
                if not self._closed:  # what our own close() breaks is no error of the link
                    self.last_error = str(exc) or type(exc).__name__
                    log.warning("AMI %s:%s: %s", self.host, self.port, self.last_error)
            finally:
                self.connected = False
                self._drop()
                if up and self.on_down is not None:
                    self.on_down("closed by us" if self._closed else self.last_error or "connection closed")
            if self._closed:
                break
            self._backoff_wait = asyncio.ensure_future(self._sleep(self.backoff.delay(attempt, self._rng)))
            try:
                await self._backoff_wait
            except asyncio.CancelledError:
                if not self._closed:
                    raise  # run() itself was cancelled
            attempt += 1

    async def _watch(self) -> None:
        """Return when the link is lost; an unanswered Ping (half-open TCP) counts as lost."""
        assert self._lost is not None
        while not self._lost.done():
            await asyncio.wait([self._lost], timeout=self.ping_interval_s)
            if self._lost.done():
                break
            try:
                await self.send(actions.ping(), self.ping_timeout_s)
            except AmiActionError:
                raise AmiActionError(
                    f"AMI {self.host}:{self.port} did not answer a Ping within {self.ping_timeout_s} s"
                ) from None
        if not self._closed:
            self.last_error = "connection closed by Asterisk"

    def _drop(self) -> None:
        if self.protocol is not None:
            self.protocol.close()
            self.protocol.connection_lost(None)  # idempotent: fails pending actions now

    def reopen(self) -> None:
        """Let ``run()`` be called again after ``close()`` (a server that takes a PBX's link over
        again, console.server.pbx_relay)."""
        self._closed = False
        self._backoff_wait = None

    async def close(self) -> None:
        """Log off (best effort) and stop; ``run()`` returns."""
        self._closed = True
        if self.protocol is not None and not self.protocol.closed:
            with contextlib.suppress(AmiActionError, AmiConnectionLost):
                await self.send(actions.logoff(), timeout_s=1.0)
        self._drop()
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)
        if self._backoff_wait is not None:
            self._backoff_wait.cancel()  # don't sit out a 30 s backoff before returning
