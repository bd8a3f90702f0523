"""The scripted PBX of `calldesk bench screenpop`: a minimal AMI endpoint that plays real calls.

Each call is the recorded call of capture 01 (a real Asterisk 22: caller joins ``retail``,
one agent rung, answered, caller hangs up), with its ids, channels, caller number and agent
rewritten, so that the server's whole path runs on real Asterisk frames. ``arrive()`` writes the
frames before the agent's ``AgentCalled`` (channel, IVR, queue join: on a real PBX they come
seconds earlier), ``ring()`` writes ``AgentCalled`` and what follows it up to the answer (the
screen-pop trigger is in it: the agent's phone ringing, its ``Newstate Ringing``), and returns
the ``perf_counter`` taken just before; ``finish()`` the rest.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from telephony.transcripts import load

TEMPLATE = (Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ami-transcripts"
            / "01-answered-caller-hangup.jsonl")
_SKIP = (b"Event: DTMFEnd", b"Event: RTCPSent", b"Event: Cdr", b"Event: FullyBooted", b"Event: SuccessfulAuth",
         b"Event: QueueParams", b"Event: QueueMember", b"Event: QueueStatusComplete")
_AGENT_LINE = re.compile(r"(?m)^(\w+): 1001\r$")


def _template() -> tuple[str, str, str]:
    """The call's frames as text: before AgentCalled, AgentCalled up to the answer, the rest."""
    frames = [f.raw for f in load(TEMPLATE).received() if not f.is_banner and f.raw.startswith(b"Event: ")
              and not f.raw.startswith(_SKIP) and f.t >= 0.1]
    text = [raw.decode("utf-8") + "\r\n" for raw in frames]
    cut = next(i for i, raw in enumerate(frames) if raw.startswith(b"Event: AgentCalled"))
    # Up to the answer: the pop waits for the agent's phone to really ring (its Newstate Ringing).
    end = next(i for i, f in enumerate(frames)
               if f.startswith(b"Event: Newstate") and b"ChannelStateDesc: Up" in f and i > cut)
    return "".join(text[:cut]), "".join(text[cut:end]), "".join(text[end:])


class ScriptedPbx:
    def __init__(self, username: str, secret: str) -> None:
        self.username, self.secret = username, secret
        self.before, self.ringing, self.after = _template()
        self._writer: asyncio.StreamWriter | None = None
        self.ready = asyncio.Event()
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._server is not None:
            self._server.close()

    def _call(self, part: str, n: int, number: str, ext: str) -> bytes:
        text = (part.replace("1795372966.0", f"1900000000.{2 * n}").replace("1795372970.1", f"1900000000.{2 * n + 1}")
                .replace("PJSIP/carrier-00000000", f"PJSIP/carrier-{2 * n:08x}")
                .replace("PJSIP/1001-00000001", f"PJSIP/{ext}-{2 * n + 1:08x}")
                .replace("PJSIP/1001", f"PJSIP/{ext}").replace("13800138000", number).replace("310012345678", ""))
        return _AGENT_LINE.sub(lambda m: f"{m.group(1)}: {ext}\r", text).encode("utf-8")

    def linkedid(self, n: int) -> str:
        return f"1900000000.{2 * n}"

    def arrive(self, n: int, number: str, ext: str) -> None:
        assert self._writer is not None
        self._writer.write(self._call(self.before, n, number, ext))

    def ring(self, n: int, number: str, ext: str) -> float:
        assert self._writer is not None
        frames = self._call(self.ringing, n, number, ext)
        t0 = time.perf_counter()
        self._writer.write(frames)
        return t0

    def finish(self, n: int, number: str, ext: str) -> None:
        assert self._writer is not None
        self._writer.write(self._call(self.after, n, number, ext))

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        try:
            while True:
                raw = await reader.readuntil(b"\r\n\r\n")
                headers = dict(line.split(": ", 1) for line in raw.decode().split("\r\n") if ": " in line)
                self._answer(writer, headers)
        except (asyncio.IncompleteReadError, ConnectionError):
            return

    def _answer(self, writer: asyncio.StreamWriter, action: dict[str, str]) -> None:
        name, aid = action.get("Action", ""), action.get("ActionID", "")
        if name == "Login":
            ok = action.get("Username") == self.username and action.get("Secret") == self.secret
            writer.write(f"Response: {'Success' if ok else 'Error'}\r\nActionID: {aid}\r\nMessage: "
                         f"{'Authentication accepted' if ok else 'Authentication failed'}\r\n\r\n".encode())
            if ok:  # what Asterisk sends once it is up; the client waits for it before its resync
                writer.write(b"Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n")
            return
        if name in ("QueueStatus", "CoreShowChannels"):
            writer.write(f"Response: Success\r\nActionID: {aid}\r\nEventList: start\r\nMessage: list follows\r\n\r\n"
                         f"Event: {name}Complete\r\nActionID: {aid}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n"
                         .encode())
            if name == "CoreShowChannels":
                self._writer = writer
                self.ready.set()
            return
        writer.write(f"Response: Success\r\nActionID: {aid}\r\nPing: Pong\r\n\r\n".encode())
