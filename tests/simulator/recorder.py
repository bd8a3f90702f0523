"""Record AMI sessions with the simulator in the capture format (both directions, one ``conn``
per TCP connection), so that ``telephony.replay`` reads them exactly as it reads a capture."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

from tests.simulator.amiclient import AmiClient


class Recorder:
    def __init__(self, epoch: float) -> None:
        self.epoch = epoch
        self.lines: list[dict] = []
        self.conn = 0
        self.last_t = 0.0

    async def connect(self, port: int, patience_s: float = 5.0) -> RecordedClient:
        deadline = asyncio.get_running_loop().time() + patience_s
        while True:  # the PBX may still be coming back: Asterisk refuses (or resets) connections then
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except ConnectionError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.02)
        self.conn += 1
        return RecordedClient(reader, writer, self.epoch, self, self.conn)

    def write(self, path: Path) -> Path:
        with path.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"scenario": "simulator"}) + "\n")
            for line in self.lines:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return path


class RecordedClient(AmiClient):
    def __init__(self, reader, writer, epoch: float, recorder: Recorder, conn: int) -> None:
        self.recorder, self.conn = recorder, conn
        super().__init__(reader, writer, epoch)
        self._t = recorder.last_t  # times go on across connections, as in a capture

    def _record(self, direction: str, raw: bytes) -> None:
        self.recorder.last_t = self._t
        self.recorder.lines.append({"t": self._t, "dir": direction, "conn": self.conn,
                                    "raw": raw.decode("utf-8", "replace"),
                                    "raw_b64": base64.b64encode(raw).decode()})

    async def _read(self) -> None:
        buffer = b""
        banner = True
        while data := await self.reader.read(65536):
            buffer += data
            if banner and b"\r\n" in buffer:
                line, _, buffer = buffer.partition(b"\r\n")
                self._record("recv", line + b"\r\n")
                banner = False
            while b"\r\n\r\n" in buffer:
                frame, _, buffer = buffer.partition(b"\r\n\r\n")
                message = dict(part.split(": ", 1) if ": " in part else (part.rstrip(":"), "")
                               for part in frame.decode("utf-8").split("\r\n"))
                if "Timestamp" in message and "Event" in message:
                    self._t = float(message["Timestamp"]) - self.epoch
                self._record("recv", frame + b"\r\n")
                self.received.append((self._t, message))
                future = self._waiting.pop(message.get("ActionID", ""), None) if "Response" in message else None
                if future is not None and not future.done():
                    future.set_result(message)

    async def action(self, fields: dict[str, str]) -> dict[str, str]:
        original = self.writer.write

        def recording_write(data: bytes) -> None:
            self._record("sent", data[:-2] if data.endswith(b"\r\n\r\n") else data)
            original(data)

        self.writer.write = recording_write  # type: ignore[method-assign]
        try:
            return await super().action(fields)
        finally:
            self.writer.write = original  # type: ignore[method-assign]

    async def closed(self) -> None:
        await asyncio.wait_for(self._task, 5)

