"""A minimal AMI client for the simulator tests: a real TCP socket, the project's framing code.

Every received message is kept with its time: the virtual time from the ``Timestamp`` header
(the simulator runs with timestampevents on), or the last such time for responses.
"""

from __future__ import annotations

import asyncio
import itertools

from telephony.framing import FrameDecoder, Message, serialize


class AmiClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, epoch: float) -> None:
        self.reader, self.writer, self.epoch = reader, writer, epoch
        self.received: list[tuple[float, Message]] = []
        self._ids = itertools.count(1)
        self._waiting: dict[str, asyncio.Future[Message]] = {}
        self._t = 0.0
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, port: int, epoch: float) -> AmiClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer, epoch)

    async def _read(self) -> None:
        decoder = FrameDecoder()
        while data := await self.reader.read(65536):
            for msg in decoder.feed(data):
                if "Timestamp" in msg and "Event" in msg:
                    self._t = float(msg["Timestamp"]) - self.epoch
                self.received.append((self._t, msg))
                future = self._waiting.pop(msg.get("ActionID", ""), None) if "Response" in msg else None
                if future is not None and not future.done():
                    future.set_result(msg)

    async def action(self, fields: dict[str, str]) -> Message:
        action_id = f"t-{next(self._ids):04d}"
        future = asyncio.get_running_loop().create_future()
        self._waiting[action_id] = future
        items = {"Action": fields["Action"], "ActionID": action_id}
        for key, value in fields.items():
            if key != "Action":
                items[key] = value.split("\n") if "\n" in value else value
        self.writer.write(serialize(items))
        return await asyncio.wait_for(future, 5)

    async def drain(self) -> None:
        """Wait until everything the server wrote so far has been read (a Ping's answer comes last)."""
        await self.action({"Action": "Ping"})

    async def close(self) -> None:
        try:
            await self.action({"Action": "Logoff"})
        finally:
            self.writer.close()
            await asyncio.wait_for(self._task, 5)
