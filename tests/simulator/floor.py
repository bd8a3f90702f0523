"""The ``Floor`` the scripted flows of ``tests/simulator/flows.py`` drive: a PBX with phones,
callers and customers, an AMI connection recorded in the capture format, and waits for what the
PBX reports. ``SimFloor`` (tests/simulator/simfloor.py) is the simulator, ``LabFloor``
(tests/live/test_live_conformance.py) the lab's real Asterisk.

Where Asterisk varies from run to run (``telephony.simulator.variants``), a flow notes which
option the PBX took (``floor.saw``): on the real floor that becomes a pin for the simulator's
run of the same flow, on the simulator it is checked against the pin.
"""

from __future__ import annotations

from telephony.framing import Message
from tests.simulator.recorder import RecordedClient, Recorder

USER, SECRET = "calldesk", "calldesk-lab"  # docs/asterisk/manager.conf: the user the live tests log in as


class Floor:
    """What a flow can do on a PBX; ``LabFloor`` (tests/live) and ``SimFloor`` implement it."""

    recorder: Recorder

    def __init__(self) -> None:
        self.clients: list[RecordedClient] = []  # one per connection, the current one last
        self._mark = 0

    # -- to implement ----------------------------------------------------------------------
    async def start(self) -> None:
        """The PBX up, a connection logged in (``connect``) and the agents' phones not yet there."""
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def phone(self, ext: str, ring_s: float = 0.8) -> None:
        """An agent's desk phone: answers ``ring_s`` after it starts ringing, never hangs up itself."""
        raise NotImplementedError

    async def customers(self) -> None:
        """The PSTN behind the carrier (the lab's by number: 137… busy, 136… never answers, 135… 480)."""
        raise NotImplementedError

    async def caller(self, number: str, account: str = "", did: str = "95555") -> None:
        """A customer dials ``did`` through the carrier, keys ``account`` and ``#``, holds until hung up."""
        raise NotImplementedError

    async def tick(self) -> None:
        """Let a little time pass (real or virtual) and everything sent so far be read."""
        raise NotImplementedError

    def now(self) -> float:
        raise NotImplementedError

    async def restart(self, clean: bool) -> None:
        """`core restart now` (clean) or SIGKILL, then a new connection: Login, QueueStatus,
        CoreShowChannels, as the bridge does after a reconnect."""
        raise NotImplementedError

    def saw(self, name: str, option: str) -> None:
        """The PBX took ``option`` at variant point ``name`` (see the module docstring)."""
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------------
    @property
    def client(self) -> RecordedClient:
        return self.clients[-1]

    @property
    def messages(self) -> list[tuple[float, Message]]:
        """Everything received, over every connection in turn."""
        return [item for client in self.clients for item in client.received]

    async def connect(self, port: int, snapshot: bool = False, patience_s: float = 5.0) -> None:
        """A new connection (the recorder retries while the PBX is not listening), logged in; after a
        restart, once the PBX is fully booted (app_queue's actions fail before), the bridge's
        resync snapshot."""
        self.clients.append(await self.recorder.connect(port, patience_s))
        self.mark()
        reply = await self.client.action({"Action": "Login", "Username": USER, "Secret": SECRET})
        assert reply["Response"] == "Success", reply
        if snapshot:
            await self.wait("FullyBooted", timeout=30.0)
            await self.client.action({"Action": "QueueStatus"})
            await self.client.action({"Action": "CoreShowChannels"})

    async def action(self, **fields: str) -> Message:
        return await self.client.action(fields)

    def mark(self) -> None:
        """``wait`` and ``events`` look only at what arrives from now on."""
        self._mark = len(self.messages)

    def recent(self) -> list[tuple[float, Message]]:
        """Everything received since the mark, with its time."""
        return self.messages[self._mark:]

    def since_mark(self) -> list[Message]:
        """The events (not responses) received since the mark."""
        return [m for _, m in self.messages[self._mark:] if "Event" in m]

    def events(self, name: str, since_mark: bool = True, **match: str) -> list[Message]:
        start = self._mark if since_mark else 0
        return [m for _, m in self.messages[start:] if m.get("Event") == name and _matches(m, match)]

    async def wait(self, name: str, timeout: float = 25.0, since_mark: bool = True, **match: str) -> Message:
        """The first ``name`` event since the mark whose fields match (``"PJSIP/1001-*"``: a prefix)."""
        deadline = self.now() + timeout
        while not (found := self.events(name, since_mark, **match)):
            if self.now() > deadline:
                raise AssertionError(f"no {name} {match} within {timeout} s; since the mark: "
                                     f"{[m.get('Event') for _, m in self.messages[self._mark:]]}")
            await self.tick()
        return found[0]

    async def idle(self, seconds: float) -> None:
        until = self.now() + seconds
        while self.now() < until:
            await self.tick()

    def channel(self, prefix: str) -> str:
        """The newest channel whose name starts with ``prefix`` (``PJSIP/1001-``)."""
        names = [m["Channel"] for _, m in self.messages if m.get("Event") == "Newchannel"
                 and m.get("Channel", "").startswith(prefix)]
        assert names, f"no channel {prefix}…"
        return names[-1]

    async def snapshot(self) -> list[dict[str, str]]:
        """CoreShowChannels: one dict per channel, ordered by channel name."""
        reply = await self.action(Action="CoreShowChannels")
        action_id = reply.get("ActionID", "")
        await self.wait("CoreShowChannelsComplete", since_mark=False, ActionID=action_id)
        items = [dict(m) for _, m in self.messages if m.get("Event") == "CoreShowChannel"
                 and m.get("ActionID") == action_id]
        return sorted(items, key=lambda m: m["Channel"])

    def after(self, seconds_from: float) -> list[Message]:
        """Events (not responses) the PBX sent at or after this PBX time."""
        return [m for t, m in self.messages if "Event" in m and t >= seconds_from]

    def last_t(self) -> float:
        return max((t for t, m in self.messages if "Event" in m), default=0.0)


def _matches(m: Message, match: dict[str, str]) -> bool:
    for key, want in match.items():
        have = m.get(key, "")
        if want.endswith("*") and not have.startswith(want[:-1]):
            return False
        if not want.endswith("*") and have != want:
            return False
    return True
