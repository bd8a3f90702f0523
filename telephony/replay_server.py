"""A recorded transcript served as a real AMI endpoint on 127.0.0.1, to test the whole path.

Per client connection it writes the banner, checks the login (plain or MD5; answers like the
capture, ``Authentication accepted`` / ``Authentication failed`` then closing, as Asterisk
does), then streams that connection's plan (:mod:`telephony.replay_plan`) at the recorded pace
× ``speed`` (``None``: as fast as possible), written in chunks of a chosen size (an int, or a
``(low, high)`` range drawn per chunk: chunks split lines and multi-byte characters).
Meanwhile it answers what the client sends: Ping (unless :meth:`go_silent` made the socket
half-open), Events, Logoff, list actions (QueueStatus, CoreShowChannels, …) with the plan's
snapshot or an empty list + Complete, anything else with a plain Success. Successive client
logins get successive plans (scenario 12's ``conn`` 1/2/3; a refused login uses none); past
the last plan, a connection gets nothing but answers. Streaming starts at login, up to the plan's
``FullyBooted`` (one is made up when the plan has none), then waits until the client asked
for ``hold_until`` (default ``CoreShowChannels``, the last step of the bridge's resync) so that
every run sees the same order; ``hold_until=None`` streams everything right away.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Self

from telephony.framing import Message
from telephony.replay_plan import ConnPlan, plans_from_transcript, recorded_secret
from telephony.replay_session import ReplaySession
from telephony.transcripts import Transcript


class ReplayServer:
    def __init__(
        self,
        source: Transcript | Sequence[ConnPlan],
        *,
        speed: float | None = None,
        chunk: int | tuple[int, int] | None = None,
        seed: int = 0,
        username: str | None = None,
        secret: str | None = None,
        reject_logins: int = 0,
        hold_until: str | None = "CoreShowChannels",
        encoding: str = "utf-8",
        errors: dict[str, str] | None = None,
        originate_reason: str | None = None,
        timestamps: bool = False,
    ) -> None:
        if isinstance(source, Transcript):
            self.plans = plans_from_transcript(source, encoding=encoding)
            rec_user, rec_secret = recorded_secret(source)
        else:
            self.plans, rec_user, rec_secret = list(source), "calldesk", "secret"
        self.username = username or rec_user
        self.secret = secret or rec_secret
        self.speed, self.chunk, self.rng = speed, chunk, random.Random(seed)
        self.reject_logins = reject_logins
        self.hold_until = hold_until
        self.encoding = encoding
        self.errors = dict(errors or {})  # action name -> the Message of an Error response to it
        self.originate_reason = originate_reason  # set: each Originate gets an OriginateResponse
        self.timestamps = timestamps  # add "Timestamp: <recorded t>" to events (timestampevents=yes)
        self.connections = 0
        self.logins_ok = 0
        self.actions: list[Message] = []  # every action received, in order
        self.port = 0
        self._server: asyncio.Server | None = None
        self._clients: set[ReplaySession] = set()
        self._handlers: set[asyncio.Task[object]] = set()
        self.finished = asyncio.Event()  # the last plan has been streamed completely

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for client in list(self._clients):
            client.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def go_silent(self) -> None:
        """Stop writing and answering on every open connection, but keep it open (half-open)."""
        for client in self._clients:
            client.silent = True

    def drop_clients(self) -> None:
        """Close every client socket now (Asterisk going away mid-stream)."""
        for client in list(self._clients):
            client.abort()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        client = ReplaySession(self, reader, writer)
        self._clients.add(client)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            await client.serve()
        finally:
            self._clients.discard(client)
            if task is not None:
                self._handlers.discard(task)
            client.abort()
