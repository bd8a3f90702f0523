"""One client connection of the replay server: login, answers, and the plan's stream.

See telephony.replay_server for what is served. The session writes through one output buffer
drained by a single writer task, in the server's chunk sizes, so that answers and recorded
frames never interleave mid-frame and a chunk can still split any line or character.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from typing import TYPE_CHECKING

from telephony.framing import FrameDecoder, Message
from telephony.replay_plan import DEFAULT_BANNER, ConnPlan, frame_bytes

if TYPE_CHECKING:
    from telephony.replay_server import ReplayServer

FULLY_BOOTED = (b"Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 86400\r\nLastReload: 86400\r\n"
                b"Status: Fully Booted\r\n\r\n")

_LIST_NAMES = {"QueueStatus": "Queue status will follow", "CoreShowChannels": "Channels will follow",
               "QueueSummary": "Queue summary will follow", "Status": "Channel status will follow"}
_COMPLETE = {"QueueStatus": "QueueStatusComplete", "CoreShowChannels": "CoreShowChannelsComplete",
             "QueueSummary": "QueueSummaryComplete", "Status": "StatusComplete"}


class ReplaySession:
    def __init__(self, server: ReplayServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server, self.reader, self.writer = server, reader, writer
        self.plan, self.last = ConnPlan([], "idle"), True  # chosen at login: refused logins use none
        self.silent = False  # writes and answers nothing (go_silent)
        self.deaf = False  # answers nothing, but what was queued still goes out (then="silent")
        self.out = bytearray()
        self.wake = asyncio.Event()
        self.closing = False
        self.now_t = 0.0  # recorded time reached so far
        self.resynced = asyncio.Event()  # the client asked for hold_until: stream the rest
        self.tasks: list[asyncio.Task[None]] = []
        self.challenge = f"{server.rng.randrange(10**9):09d}"

    def send(self, data: bytes) -> None:
        self.out += data
        self.wake.set()

    def abort(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.writer.transport.abort()

    async def serve(self) -> None:
        self.tasks.append(asyncio.create_task(self._write_loop()))
        self.send(DEFAULT_BANNER)
        decoder = FrameDecoder(self.server.encoding, kinds=("Action",))
        while not self.closing:
            data = await self.reader.read(65536)
            if not data:
                break
            for action in decoder.feed(data):
                if not (self.silent or self.deaf):
                    self._answer(action)
        for task in self.tasks:  # the client left (or we close): stop streaming, flush answers
            if task.get_name() == "stream" or self.silent or self.deaf:
                task.cancel()
        self.closing = True
        self.wake.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def _answer(self, action: Message) -> None:
        srv = self.server
        srv.actions.append(action)
        name, aid = action.get("Action", ""), action.get("ActionID", "")
        head = {"Response": "Success", "ActionID": aid}
        if name == "Login":
            if self._login_ok(action):
                index = srv.logins_ok
                srv.logins_ok += 1
                if index < len(srv.plans):
                    self.plan, self.last = srv.plans[index], index == len(srv.plans) - 1
                self.send(frame_bytes({**head, "Message": "Authentication accepted"}))
                self._start_stream()
            else:
                srv.reject_logins = max(0, srv.reject_logins - 1)
                self.send(frame_bytes({"Response": "Error", "ActionID": aid, "Message": "Authentication failed"}))
                self.closing = True
        elif name in srv.errors:
            self.send(frame_bytes({"Response": "Error", "ActionID": aid, "Message": srv.errors[name]}))
        elif name == "Challenge":
            self.send(frame_bytes({**head, "Challenge": self.challenge}))
        elif name == "Ping":
            self.send(frame_bytes({**head, "Ping": "Pong", "Timestamp": "0.000000"}))
        elif name == "Events":
            self.send(frame_bytes({**head, "Events": "On" if action.get("EventMask", "on") != "off" else "Off"}))
        elif name == "Logoff":
            self.send(frame_bytes({"Response": "Goodbye", "ActionID": aid, "Message": "Thanks for all the fish."}))
            self.closing = True
        elif name in _LIST_NAMES:
            self._answer_list(name, aid)
        elif name == "Originate":
            self.send(frame_bytes({**head, "Message": "Originate successfully queued"}))
            if srv.originate_reason is not None:
                self.send(frame_bytes({
                    "Event": "OriginateResponse", "Privilege": "call,all", "ActionID": aid,
                    "Response": "Success" if srv.originate_reason == "4" else "Failure",
                    "Channel": action.get("Channel", ""), "Context": action.get("Context", ""),
                    "Exten": action.get("Exten", ""), "Reason": srv.originate_reason,
                    "Uniqueid": "<unknown>", "CallerIDNum": "<unknown>", "CallerIDName": "<unknown>",
                }))
        else:
            self.send(frame_bytes({**head, "Message": f"{name} accepted by the replay server"}))
        if name == srv.hold_until:
            self.resynced.set()  # any action name may release the stream (a test's "go")
        if self.closing:
            self.wake.set()

    def _login_ok(self, action: Message) -> bool:
        srv = self.server
        if srv.reject_logins > 0 or action.get("Username") != srv.username:
            return False
        if action.get("AuthType", "").lower() == "md5":
            expected = hashlib.md5((self.challenge + srv.secret).encode()).hexdigest()
            return action.get("Key") == expected
        return action.get("Secret") == srv.secret

    def _answer_list(self, name: str, aid: str) -> None:
        items = self.plan.snapshot.get(name, [])
        self.send(frame_bytes({"Response": "Success", "ActionID": aid, "EventList": "start",
                               "Message": _LIST_NAMES[name]}))
        for item in items:
            self.send(self._stamp(frame_bytes({**{k: v for k, v in item.items() if k != "ActionID"},
                                               "ActionID": aid}, self.server.encoding)))
        self.send(self._stamp(frame_bytes({"Event": _COMPLETE[name], "ActionID": aid, "EventList": "Complete",
                                           "ListItems": str(len(items))})))

    def _start_stream(self) -> None:
        if not any(t.get_name() == "stream" for t in self.tasks):
            self.tasks.append(asyncio.create_task(self._stream(), name="stream"))

    async def _stream(self) -> None:
        """The plan's frames; the ones after ``FullyBooted`` wait for the client's resync."""
        frames, speed = self.plan.frames, self.server.speed
        loop = asyncio.get_running_loop()
        start, t0 = loop.time(), (frames[0].t if frames else 0.0)
        booted = next((i for i, f in enumerate(frames) if f.raw.startswith(b"Event: FullyBooted")), None)
        self.now_t = t0
        if booted is None:
            self.send(self._stamp(FULLY_BOOTED))  # Asterisk always says so after a login once it is up
        for index, frame in enumerate(frames):
            if index == (booted + 1 if booted is not None else 0) and self.server.hold_until:
                await self.resynced.wait()
                start, t0 = loop.time(), frame.t
            if speed:
                delay = start + (frame.t - t0) / speed - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            self.now_t = frame.t
            self.send(self._stamp(frame.raw + b"\r\n"))
            if len(self.out) > 1 << 20:
                await asyncio.sleep(0)  # let the writer drain before queuing more
        if self.plan.then == "silent":
            self.deaf = True
        elif self.plan.then == "close":
            self.closing = True
            self.wake.set()
        if self.last:
            self.server.finished.set()

    def _stamp(self, data: bytes) -> bytes:
        """With ``timestamps``: an event gets ``Timestamp:`` the recorded time it stands at."""
        if not self.server.timestamps or not data.startswith(b"Event: "):
            return data
        return data[:-2] + b"Timestamp: %.6f\r\n\r\n" % self.now_t

    def _chunk_size(self) -> int:
        chunk = self.server.chunk
        if chunk is None:
            return len(self.out)
        if isinstance(chunk, int):
            return chunk
        return self.server.rng.randint(*chunk)

    async def _write_loop(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.out and not self.silent:
                size = self._chunk_size()
                piece = bytes(self.out[:size])
                del self.out[:size]
                self.writer.write(piece)
                with contextlib.suppress(ConnectionError):
                    await self.writer.drain()
                if self.server.chunk is not None:
                    await asyncio.sleep(0)  # give the client a read per chunk
            if self.closing and not self.out:
                self.writer.close()
                with contextlib.suppress(ConnectionError):
                    await self.writer.wait_closed()
                return
