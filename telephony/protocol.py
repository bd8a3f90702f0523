"""The AMI protocol over asyncio, and the panoramisk Manager that carries it.

:class:`AmiProtocol`: framing (telephony.framing) plus replies matched by ActionID.

:class:`AmiProtocol` is panoramisk's ``AMIProtocol`` with its reading and reply matching
replaced; it is handed to ``panoramisk.Manager`` as ``protocol_factory`` (see connection.py).
What it replaces and why:

* ``data_received``: panoramisk decodes each TCP read on its own (a multi-byte character split
  across reads is lost) and builds a ``Message`` per event. Here a per-connection
  :class:`~telephony.framing.FrameDecoder` decodes incrementally and skips unwanted events
  after reading their name; events reach ``on_event`` as plain dicts.
* reply matching: panoramisk guesses from the message text whether more replies follow (it
  waits forever on ``QueueAdd``'s "Added interface to queue", and swallows the
  ``OriginateResponse`` event into the Originate reply). Here a reply is one ``Response``,
  or, when the response says ``EventList: start``, every event with that ActionID up to the
  one marked ``EventList: Complete``. Events with an ActionID nobody waits for (such as
  ``OriginateResponse``) are ordinary events.
* ``connection_lost``: panoramisk queues unanswered actions to send again after a reconnect;
  re-sending a Hangup or an Originate minutes later would be wrong, so they fail instead.

:class:`AmiManager`: panoramisk's ``Manager`` opening connections with this protocol, minus its
own login, pings and fixed-delay reconnects (telephony.connection does those properly).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from panoramisk import Manager
from panoramisk.ami_protocol import AMIProtocol
from panoramisk.message import Message as PanoramiskMessage

from telephony.event_filter import ACCEPT_ALL, EventFilter
from telephony.framing import FrameDecoder, Message, serialize

log = logging.getLogger(__name__)


class AmiConnectionLost(ConnectionError):
    """The AMI connection went away before an action was answered."""


@dataclass(slots=True)
class Reply:
    """The answer to one action: its ``Response`` and, for list actions, the events of the list."""

    response: Message
    events: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.response.get("Response", "").lower() in ("success", "follows", "goodbye")


def _starts_list(response: Message) -> bool:
    # Asterisk 12+ says "EventList: start"; older ones only "... will follow".
    return response.get("EventList", "").lower() == "start" or "will follow" in response.get("Message", "")


def _ends_list(event: Message) -> bool:
    return event.get("EventList", "").lower() == "complete" or event["Event"].endswith("Complete")


@dataclass(slots=True)
class PendingAction:
    name: str
    future: asyncio.Future[Reply]
    forward_events: bool = False  # list events also go to on_event (the resync snapshot)
    reply: Reply | None = None

    def add(self, message: Message) -> bool:
        """Take one message with this ActionID; True once the reply is complete."""
        if self.reply is None:
            if "Response" not in message:
                return False  # an event before the response: not ours to collect
            self.reply = Reply(message)
            if self.reply.ok and _starts_list(message):
                return False
        elif "Event" in message and not _ends_list(message):
            self.reply.events.append(message)
            return False
        self._resolve()
        return True

    def _resolve(self) -> None:
        if not self.future.done() and self.reply is not None:
            self.future.set_result(self.reply)


# panoramisk has no type information (no stubs, no py.typed): its classes are Any to mypy.
class AmiProtocol(AMIProtocol):  # type: ignore[misc]
    """One AMI connection. ``on_event(message)`` gets every wanted event, in wire order."""

    def __init__(
        self,
        on_event: Callable[[Message], None],
        on_lost: Callable[[Exception | None], None] | None = None,
        *,
        encoding: str = "utf-8",
        event_filter: EventFilter = ACCEPT_ALL,
    ) -> None:
        super().__init__()
        self.on_event = on_event
        self.on_lost = on_lost
        self.encoding = encoding
        self.event_filter = event_filter
        self.pending: dict[str, PendingAction] = {}
        self.decoder = FrameDecoder(encoding, event_filter)
        self.closed = True
        self.transport: asyncio.Transport | None = None

    @property
    def version(self) -> str | None:
        return self.decoder.version

    @version.setter
    def version(self, value: str | None) -> None:
        pass  # panoramisk's connection_made resets it; ours comes from the banner

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.log = log
        self.decoder = FrameDecoder(self.encoding, self.event_filter)

    def data_received(self, data: bytes) -> None:
        for message in self.decoder.feed(data):
            self.handle_message(message)

    def handle_message(self, message: Message) -> None:
        try:
            action_id = message.get("ActionID")
            if action_id is not None and self.pending:
                pending = self.pending.get(action_id)
                if pending is not None:
                    forward = pending.forward_events and "Event" in message
                    if forward:
                        self.on_event(message)
                    if pending.add(message):
                        del self.pending[action_id]
                        self.decoder.keep_replies = bool(self.pending)
                    if forward or pending.reply is not None:
                        return
            if "Event" in message:
                self.on_event(message)
                if message["Event"] == "Shutdown" and self.transport is not None:
                    self.transport.close()  # Asterisk is going away: reconnect, don't wait for EOF
            else:
                log.debug("AMI response nobody waits for: %r", message)
        except Exception:  # a failing consumer must not stop the reader
            log.exception("AMI message handler failed on %r", message)

    def send(self, action: Mapping[str, object], as_list: bool = False, *,
             forward_events: bool = False) -> asyncio.Future[Reply]:
        """Write one action (it must carry its ActionID); the future resolves with its Reply."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        if self.closed or self.transport is None:
            future.set_exception(AmiConnectionLost("AMI connection is not open"))
            return future
        action_id = str(action["ActionID"])
        self.pending[action_id] = PendingAction(str(action.get("Action", "")), future, forward_events)
        self.decoder.keep_replies = True
        self.transport.write(serialize(action, self.encoding))
        return future

    def forget(self, action_id: str) -> None:
        self.pending.pop(action_id, None)
        self.decoder.keep_replies = bool(self.pending)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.closed:
            return
        self.closed = True
        pending, self.pending = self.pending, {}
        for p in pending.values():
            if not p.future.done():
                p.future.set_exception(AmiConnectionLost(f"AMI connection lost before {p.name} was answered"))
        if self.on_lost is not None:
            self.on_lost(exc)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()


class AmiManager(Manager):  # type: ignore[misc]  # panoramisk is untyped (see AmiProtocol)
    """panoramisk's Manager with our protocol; login, pings and reconnects belong to AmiConnection."""

    def __init__(self, protocol_factory: Callable[[], AmiProtocol], **config: object) -> None:
        super().__init__(protocol_factory=protocol_factory, **config)
        # panoramisk re-sends queued actions on FullyBooted; we never re-send (see protocol.py).
        self.callbacks.clear()
        self.patterns.clear()

    def connection_made(self, f: asyncio.Future[tuple[asyncio.BaseTransport, AmiProtocol]]) -> None:
        if f.cancelled() or f.exception() is not None:
            return  # AmiConnection awaits the same task and handles the failure
        _transport, self.protocol = f.result()
        self.protocol.factory = self

    def connection_lost(self, exc: Exception | None) -> None:
        """No fixed-delay reconnect here: AmiConnection.run() decides when to connect again."""

    def dispatch_if_subscribed(self, message: Message) -> None:
        if self.patterns:  # only pay for panoramisk Messages when someone registered a pattern
            self.dispatch(PanoramiskMessage(dict(message)))
