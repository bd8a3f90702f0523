"""The servers' message bus: one NATS connection with JetStream (docs/bus.md).

What goes over it:

* each PBX's journal (telephony.journal), stream ``<prefix>-pbx``, subject ``<prefix>.pbx.<pbx>``:
  written by the server that holds the PBX's AMI link, followed by every server
  (console.server.pbx_relay);
* the leases, key-value bucket ``<prefix>-lease``: key ``pbx.<pbx>`` names the server holding
  that link; it lapses ``lease_ttl_s`` after its holder stops renewing it;
* AMI actions for a link held by another server: a request on ``<prefix>.act.<pbx>``, answered
  by the holder; ``<prefix>.resync.<pbx>`` asks the holder to snapshot the PBX into the journal;
* announcements, ``<prefix>.user``: frames made by one server for consoles on any server (a
  preview offer of the one dialer, an escalated ticket, a follow-up due), given to each server's
  hub. A server that is down misses them; so do its consoles, which have moved to another.

``Bus`` owns the connection and the bucket; it is opened and closed by the composition root.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.js.client import JetStreamContext
    from nats.js.kv import KeyValue

    from console.config import BusSettings

log = logging.getLogger(__name__)

Announce = Callable[[Iterable[int], str, dict[str, Any]], None]


class BusError(RuntimeError):
    """The bus cannot be reached or refused what the server needs of it (said at start-up)."""


def said(exc: BaseException) -> str:
    """What an error says, or its type when it says nothing (nats' timeouts)."""
    return str(exc) or type(exc).__name__


def default_server_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def subject_token(name: str) -> str:
    """A PBX name as one subject token ('.', '*', '>' and blanks cannot be in one)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "_"


class Bus:
    def __init__(self, settings: BusSettings) -> None:
        self.settings = settings
        self.prefix = settings.prefix
        self.server_id = settings.server_id or default_server_id()
        self.stream = f"{self.prefix}-pbx"
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._kv: KeyValue | None = None
        self._closing = False

    @property
    def nc(self) -> Client:
        assert self._nc is not None, "bus not open"
        return self._nc

    @property
    def js(self) -> JetStreamContext:
        assert self._js is not None, "bus not open"
        return self._js

    @property
    def leases(self) -> KeyValue:
        assert self._kv is not None, "bus not open"
        return self._kv

    async def open(self) -> None:
        import nats
        from nats.js.api import StorageType, StreamConfig
        from nats.js.errors import BucketNotFoundError, NotFoundError

        url = self.settings.url
        try:
            self._nc = await nats.connect(url, name=f"calldesk {self.server_id}", connect_timeout=3,
                                          max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                                          allow_reconnect=True, error_cb=self._error,
                                          disconnected_cb=self._disconnected, reconnected_cb=self._reconnected)
        except Exception as exc:  # nats raises its own errors, OSError and TimeoutError
            raise BusError(f"[bus] url {url}: cannot connect to NATS: {said(exc)}") from None
        self._js = self._nc.jetstream(timeout=5)
        config = StreamConfig(name=self.stream, subjects=[f"{self.prefix}.pbx.>"], storage=StorageType.FILE,
                              max_age=self.settings.keep_minutes * 60, num_replicas=1, duplicate_window=120)
        try:
            try:
                await self._js.stream_info(self.stream)
            except NotFoundError:
                await self._js.add_stream(config)
            try:
                self._kv = await self._js.key_value(f"{self.prefix}-lease")
            except BucketNotFoundError:
                self._kv = await self._js.create_key_value(bucket=f"{self.prefix}-lease",
                                                           ttl=self.settings.lease_ttl_s, history=1)
        except Exception as exc:
            await self._nc.close()
            raise BusError(f"[bus] url {url}: JetStream refused the stream or the lease bucket: {exc}") from None
        log.info("bus: connected to %s as %s (stream %s)", url, self.server_id, self.stream)

    async def close(self) -> None:
        self._closing = True
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.drain()

    # --- announcements ----------------------------------------------------------------------
    async def follow_announcements(self, deliver: Announce) -> None:
        """Give every announcement, this server's own included, to ``deliver``."""
        def handle(msg: Msg) -> None:
            try:
                data = json.loads(msg.data)
                users, kind, body = [int(u) for u in data["users"]], str(data["kind"]), dict(data["body"])
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("bus: an announcement that is not one of ours on %s: %s", msg.subject, exc)
                return
            deliver(users, kind, body)

        async def callback(msg: Msg) -> None:
            handle(msg)

        await self.nc.subscribe(f"{self.prefix}.user", cb=callback, pending_msgs_limit=256 * 1024)

    def announce(self, users: Iterable[int], kind: str, body: dict[str, Any]) -> None:
        """Publish a frame for the consoles of ``users``, wherever they are connected."""
        payload = json.dumps({"users": sorted(set(users)), "kind": kind, "body": body}, ensure_ascii=False,
                             separators=(",", ":"), default=str).encode()
        task = asyncio.ensure_future(self.nc.publish(f"{self.prefix}.user", payload))
        task.add_done_callback(_log_failure)

    # --- requests that one server answers -----------------------------------------------------
    async def answer(self, name: str, handler: Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]) -> None:
        """Answer requests ``name`` (``<prefix>.req.<name>``) with ``handler``; a handler that
        returns None stays silent (another server may answer)."""
        async def callback(msg: Msg) -> None:
            try:
                request = json.loads(msg.data)
            except ValueError:
                return
            reply = await handler(request)
            if reply is not None:
                await msg.respond(json.dumps(reply, ensure_ascii=False).encode())

        await self.nc.subscribe(f"{self.prefix}.req.{name}", cb=callback)

    async def ask(self, name: str, request: dict[str, Any], timeout_s: float = 3.0) -> dict[str, Any] | None:
        """The first server's answer to a request, or None when no server answers in time."""
        from nats.errors import NoRespondersError
        from nats.errors import TimeoutError as NatsTimeout

        try:
            msg = await self.nc.request(f"{self.prefix}.req.{name}", json.dumps(request).encode(), timeout=timeout_s)
        except (NoRespondersError, NatsTimeout):
            return None
        answer = json.loads(msg.data)
        return answer if isinstance(answer, dict) else None

    # --- connection events ------------------------------------------------------------------
    async def _error(self, exc: Exception) -> None:
        log.warning("bus: %s", said(exc))

    async def _disconnected(self) -> None:
        if self._closing:
            return
        log.warning("bus: disconnected from %s; reconnecting", self.settings.url)

    async def _reconnected(self) -> None:
        log.warning("bus: reconnected to %s", self.settings.url)


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("bus: an announcement was not sent: %s", task.exception())
