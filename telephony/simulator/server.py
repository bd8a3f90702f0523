"""The simulator's AMI server: a real TCP endpoint that speaks like Asterisk's manager.

Banner, Login (plain, or MD5 after a Challenge), ``Events: on/off``, Ping, Logoff, then the
actions of ``actions.py``. Every PBX event is encoded once and written to each logged-in
session that wants events. Incoming bytes go through the same framing code the client uses
(``telephony.framing.FrameDecoder``), so split reads and multi-byte characters are safe.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets

from telephony.framing import FrameDecoder
from telephony.simulator import actions
from telephony.simulator import events as ev
from telephony.simulator.events import Fields
from telephony.simulator.pbx import Pbx
from telephony.simulator.replies import Reply, error, success, with_action_id

log = logging.getLogger(__name__)
BANNER = b"Asterisk Call Manager/11.0.0\r\n"
# Actions of app_queue, which loads late in a boot.
QUEUE_ACTIONS = frozenset({"queuestatus", "queuesummary", "queueadd", "queueremove", "queuepause", "queuepenalty",
                           "queuelog"})
# A client that reads slower than events come is cut off, as Asterisk does after its write
# timeout, rather than let its backlog grow without end.
MAX_BACKLOG_BYTES = 16 << 20


def encode(fields: Fields) -> bytes:
    return ("".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n").encode("utf-8")


class AmiServer:
    def __init__(self, pbx: Pbx, username: str, secret: str, host: str = "127.0.0.1", port: int = 0,
                 timestamps: bool = False) -> None:
        self.pbx, self.username, self.secret = pbx, username, secret
        self.host, self.port, self.timestamps = host, port, timestamps
        self.sessions: set[Session] = set()
        self._handlers: set[asyncio.Task[object]] = set()
        self._server: asyncio.Server | None = None
        self._last_ts = 0.0
        # After a restart the AMI port takes logins before app_queue has loaded (live, 22.10.1):
        # queue actions are unknown commands until the boot ends with FullyBooted.
        self.booting = False
        pbx.subscribers.append(self._broadcast)

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for session in list(self.sessions):
            session.close()
        if self._handlers:  # let each connection's reader see its EOF and finish
            await asyncio.wait(list(self._handlers), timeout=2.0)
        if self._server is not None:
            await self._server.wait_closed()

    def _broadcast(self, fields: Fields) -> None:
        listeners = [s for s in self.sessions if s.wants_events]
        if not listeners:
            return
        if self.timestamps:  # manager.conf timestampevents = yes: right after Privilege
            fields = fields[:2] + [("Timestamp", f"{self._timestamp():.6f}")] + fields[2:]
        data = encode(fields)
        for session in listeners:
            session.write(data)

    def boot(self, seconds: float) -> None:
        """Booting for ``seconds`` of PBX time, then ``FullyBooted`` to everyone logged in."""
        if seconds <= 0:
            return
        self.booting = True

        def booted() -> None:
            self.booting = False
            self.pbx.emit(ev.header("FullyBooted", "system") + [("Status", "Fully Booted"), ("Uptime", "0"),
                                                                ("LastReload", "0")])

        self.pbx.clock.call_later(seconds, booted)

    def _timestamp(self) -> float:
        """The PBX time of an event. Asterisk's come a few microseconds apart even within one
        burst; so do ours, so that a reader ordering by Timestamp sees the order they were sent in."""
        self._last_ts = max(self.pbx.clock.unix(), self._last_ts + 1e-6)
        return self._last_ts

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(self, writer)
        self.sessions.add(session)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            await session.serve(reader)
        except ConnectionError:
            pass  # the client went away mid-write
        finally:
            self.sessions.discard(session)
            session.close()
            self._handlers.discard(task)


class Session:
    def __init__(self, server: AmiServer, writer: asyncio.StreamWriter) -> None:
        self.server, self.writer = server, writer
        self.authenticated = False
        self.events = True
        self.challenge: str | None = None
        self.closed = False

    @property
    def wants_events(self) -> bool:
        return self.authenticated and self.events and not self.closed

    def write(self, data: bytes) -> None:
        if self.closed or self.writer.is_closing():
            return
        if self.writer.transport.get_write_buffer_size() > MAX_BACKLOG_BYTES:
            log.warning("simulator: AMI client too slow (%d bytes unread), disconnected",
                        self.writer.transport.get_write_buffer_size())
            self.closed = True
            self.writer.transport.abort()  # close() would wait for the backlog to drain first
            return
        self.writer.write(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.writer.close()

    async def serve(self, reader: asyncio.StreamReader) -> None:
        self.write(BANNER)
        decoder = FrameDecoder(kinds=("Action",))
        while not self.closed:
            try:
                data = await reader.read(65536)
            except ConnectionError:
                return
            if not data:
                return
            for message in decoder.feed(data):
                self._handle(message)
                if self.closed:
                    return
            await self.writer.drain()

    def _handle(self, msg: dict[str, str]) -> None:
        name = msg.get("Action", "").lower()
        if name == "login":
            reply = self._login(msg)
        elif name == "challenge":
            self.challenge = str(secrets.randbelow(10**9)).zfill(9)
            reply = success(None, Challenge=self.challenge)
        elif name == "logoff":
            self._respond(Reply([("Response", "Goodbye"), ("Message", "Thanks for all the fish.")]), msg)
            self.close()
            return
        elif name == "ping":
            reply = success(None, Ping="Pong", Timestamp=f"{self.server.pbx.clock.unix():.6f}")
        elif not self.authenticated:
            reply = error("Authentication Required")
        elif name == "events":
            self.events = msg.get("EventMask", "on").lower() not in ("off", "no", "false", "none")
            reply = Reply([("Response", "Success"), ("Events", "On" if self.events else "Off")])
        elif self.server.booting and name in QUEUE_ACTIONS:
            reply = error(f"Invalid/unknown command: {msg.get('Action')}. Use Action: ListCommands to show "
                          "available commands.")
            self._respond(reply, msg)
            self.server.pbx.emit(ev.header("RequestBadFormat", "security") + [
                ("Severity", "Error"), ("Service", "AMI"), ("EventVersion", "1"),
                ("RequestType", f"Action: {msg.get('Action')}"), ("AccountID", self.server.username)])
            return
        else:
            self.server.pbx.clock.catch_up()
            reply = actions.handle(self.server.pbx, msg)
        self._respond(reply, msg)
        if name == "login" and self.wants_events and not self.server.booting:
            # This session's own FullyBooted (no Timestamp, even with timestampevents); one logged
            # in during a boot gets the boot's instead, when it ends.
            uptime = str(self.server.pbx.uptime())
            self.write(encode([("Event", "FullyBooted"), ("Privilege", "system,all"), ("Uptime", uptime),
                               ("LastReload", uptime), ("Status", "Fully Booted")]))

    def _respond(self, reply: Reply, msg: dict[str, str]) -> None:
        self.write(encode(with_action_id(reply.response, msg.get("ActionID"))))
        for item in reply.listed:
            self.write(encode(item))
        if reply.effect is not None:
            try:
                reply.effect()
            except Exception:  # a bug in one flow must not take the server down
                log.exception("simulator: action %s failed", msg.get("Action"))

    def _login(self, msg: dict[str, str]) -> Reply:
        server = self.server
        if msg.get("AuthType", "").lower() == "md5":
            expected = hashlib.md5(f"{self.challenge or ''}{server.secret}".encode()).hexdigest()
            ok = self.challenge is not None and secrets.compare_digest(msg.get("Key", ""), expected)
        else:
            ok = secrets.compare_digest(msg.get("Secret", ""), server.secret)
        if not ok or msg.get("Username") != server.username:
            return error("Authentication failed")
        self.authenticated = True
        self.events = msg.get("Events", "on").lower() not in ("off", "no", "false")
        return success("Authentication accepted")
