"""The WebSocket hub: one ordered event stream per user (``GET /ws``: console/server/routes/stream.py,
which authenticates the connection and hands it over).

Every frame a user is sent gets that user's next sequence number and is kept in a bounded
buffer, connected or not, so a console that reconnects with ``since=`` its last seq gets what it
missed, or ``resync`` when the buffer no longer reaches back that far (or the server restarted).
Pure "latest state" frames (queue_stats) are transient: not buffered, the newest per key is sent
on every (re)connect after ``hello``.

``publish`` is synchronous and never waits on a socket: each connection has its own queue and
writer task, so frames reach a socket in seq order and a slow console cannot hold up a pop to
another. A console so slow that its queue fills is disconnected; it reconnects and catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from console import ws_close

if TYPE_CHECKING:
    from console.server.users import AuthUser

log = logging.getLogger(__name__)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(eq=False)
class _Subscriber:
    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | None]


@dataclass
class _Channel:
    buffer: deque[tuple[int, str]]
    seq: int = 0
    subscribers: set[_Subscriber] = field(default_factory=set)
    latest: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    """Transient frames, the latest per key: (kind, body) sent after ``hello``, never buffered."""


class Hub:
    def __init__(self, buffer_size: int, on_clients: Callable[[int], None] | None = None) -> None:
        self._buffer_size = buffer_size
        self.epoch = secrets.token_hex(8)
        """This hub's numbering: a console resuming with another's ``since`` (another server, or this
        one before a restart) gets ``resync``, never frames that only share the numbers."""
        self.announcer: Callable[[Iterable[int], str, dict[str, Any]], None] | None = None
        """With several servers: sends ``announce``'s frames to every server (console.server.bus)."""
        self._channels: dict[int, _Channel] = {}
        self._on_clients = on_clients or (lambda n: None)
        self._clients = 0
        self.on_written: Callable[[str], None] | None = None
        """Called with each frame's text right after it was written to a socket (benchmarks)."""

    def _channel(self, user_id: int) -> _Channel:
        channel = self._channels.get(user_id)
        if channel is None:
            channel = self._channels[user_id] = _Channel(deque(maxlen=self._buffer_size))
        return channel

    def publish(self, user_ids: Iterable[int], kind: str, body: dict[str, Any],
                latest: str | None = None) -> None:
        """Send one frame to each of these users (each gets its own seq).

        ``latest``: the frame is a state that the next one of the same (kind, latest) replaces
        (queue_stats of a queue): it is transient — it carries the current seq without consuming
        one, is not kept in the catch-up buffer (a 1/s wallboard would push everything else out
        of it), and the newest per key is sent to a console right after its ``hello``."""
        # One serialisation for every user: only the seq differs (a queue's figures go to all of
        # its members and supervisors, hundreds of users, on every call's every step).
        rest = dumps({"kind": kind, **body})[1:]
        for user_id in user_ids:
            channel = self._channel(user_id)
            if latest is not None:
                channel.latest[(kind, latest)] = (kind, body)
                text = f'{{"seq":{channel.seq},{rest}'
            else:
                channel.seq += 1
                text = f'{{"seq":{channel.seq},{rest}'
                channel.buffer.append((channel.seq, text))
            for sub in list(channel.subscribers):
                try:
                    sub.queue.put_nowait(text)
                except asyncio.QueueFull:
                    log.warning("user %s: console too slow, disconnecting it", user_id)
                    channel.subscribers.discard(sub)
                    sub.queue.get_nowait()  # make room for the sentinel that ends its writer
                    sub.queue.put_nowait(None)

    def announce(self, user_ids: Iterable[int], kind: str, body: dict[str, Any]) -> None:
        """A frame that this server alone makes (the one dialer's preview offer, a ticket escalated
        or a complaint opened here): with a bus it reaches every server's hub, this one's included,
        through ``announcer`` (console.server.bus); on its own, it is published here. Frames that
        every server derives from the PBX journal use ``publish``."""
        if self.announcer is None:
            self.publish(user_ids, kind, body)
        else:
            self.announcer(user_ids, kind, body)

    def connected(self, user_ids: Iterable[int]) -> bool:
        """Whether any of these users has a console connected now."""
        return any(self._channels[u].subscribers for u in user_ids if u in self._channels)

    def last_seq(self, user_id: int) -> int:
        channel = self._channels.get(user_id)
        return channel.seq if channel else 0

    @property
    def clients(self) -> int:
        return self._clients

    def _catch_up(self, channel: _Channel, since: int | None, epoch: str | None = None) -> list[str] | None:
        """Frames after ``since``; None when the buffer no longer holds them all, or ``since`` was
        numbered by another hub (``epoch``)."""
        if since is None:
            return []
        if epoch is not None and epoch != self.epoch:
            return None
        if since > channel.seq:
            return None  # a seq from before a restart
        if since == channel.seq:
            return []
        if not channel.buffer or channel.buffer[0][0] > since + 1:
            return None
        return [text for seq, text in channel.buffer if seq > since]

    async def serve(self, ws: web.WebSocketResponse, user: AuthUser, since: int | None, epoch: str | None,
                    greeting: dict[str, Any]) -> None:
        """Follow ``user``'s channel on a prepared WebSocket until it closes: ``hello`` (with
        ``greeting``, what this user's console shows now), the frames after ``since`` (numbered by
        ``epoch``) or ``resync``, the latest states, then every frame as it is published."""
        channel = self._channel(user.id)
        # No await between reading the buffer and subscribing: nothing can slip in between.
        backlog = self._catch_up(channel, since, epoch)
        # Room for the whole buffer plus hello, resync and the latest transient states.
        sub = _Subscriber(ws, asyncio.Queue(maxsize=self._buffer_size + 2 + len(channel.latest)))
        hello = {"seq": channel.seq, "kind": "hello", "epoch": self.epoch, "user": user.to_json(), **greeting}
        sub.queue.put_nowait(dumps(hello))
        if backlog is None:
            sub.queue.put_nowait(dumps({"seq": channel.seq, "kind": "resync"}))
        else:
            for text in backlog:
                sub.queue.put_nowait(text)
        for kind, body in channel.latest.values():  # after the backlog: the newest state wins
            sub.queue.put_nowait(dumps({"seq": channel.seq, "kind": kind, **body}))
        channel.subscribers.add(sub)
        self._count(+1)
        writer = asyncio.create_task(_write(sub, self))
        try:
            async for msg in ws:  # consoles send nothing we act on; reading keeps pings answered
                if msg.type == WSMsgType.ERROR:
                    break
        finally:
            channel.subscribers.discard(sub)
            self._count(-1)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            await ws.close()

    def _count(self, delta: int) -> None:
        self._clients += delta
        self._on_clients(self._clients)

    async def disconnect(self, user_id: int) -> None:
        """Close a user's consoles (an account disabled): 4401 says why; reconnecting needs a
        login, which the disabled account no longer gets."""
        channel = self._channels.get(user_id)
        for sub in list(channel.subscribers if channel else ()):
            await sub.ws.close(code=ws_close.SIGNED_OUT, message=b"account disabled")

    async def close_all(self) -> None:
        for channel in self._channels.values():
            for sub in list(channel.subscribers):
                await sub.ws.close(code=1001, message=b"server shutdown")


async def _write(sub: _Subscriber, hub: Hub) -> None:
    while True:
        text = await sub.queue.get()
        if text is None or sub.ws.closed:
            await sub.ws.close(code=1013, message=b"too slow, reconnect with since")
            return
        await sub.ws.send_str(text)
        if hub.on_written is not None:
            hub.on_written(text)
