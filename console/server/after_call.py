"""After-call work: an agent is held out of the queues until their disposition is in.

When an agent's answered call ends and their console (which asks for the disposition) is
connected, the agent is paused in each queue where they were taking calls, with the reason
``wrapup.pause_reason`` — the tracker shows such a member as ``wrap_up`` — until the console sends
the wrap-up, or for at most ``wrapup.hold_max_s`` (VICIdial's DISPO pause). Without it the next
call rings over the open wrap-up panel. A second call that ends meanwhile (a direct call to the
extension) extends the hold until both dispositions are in. Only the queues the hold paused, and
only while they are still paused for it, are released: an agent who chose another pause keeps it.

The after-call work measured so (the call's end to the disposition, on the PBX's clock, at most
the maximum) is stored with the call; a hold that runs out records the maximum.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypedDict

from console.config import Settings
from console.server.members import member_interface
from telephony.connection import AmiConnectionLost
from telephony.events import AgentState
from telephony.pbx_clock import PbxClock
from telephony.tracker import Tracker

log = logging.getLogger(__name__)
RELEASE_RETRY_S = 1.0
RELEASE_RETRIES = 60  # a release the PBX could not take is tried again this often, for a minute

# A measured after-call work: (call, agent extension, seconds).
Measured = Callable[[str, str, float], None]  # to the live figures, whichever way it ended
Record = Callable[[str, str, float], Awaitable[None]]  # to the store, for a hold that ran out


class HoldingBridge(Protocol):
    """What a hold needs of a PBX link (telephony.bridge.Bridge is one)."""

    @property
    def pbx_clock(self) -> PbxClock: ...
    @property
    def tracker(self) -> Tracker: ...
    @property
    def holding(self) -> bool: ...
    async def queue_pause(self, interface: str, paused: bool, reason: str | None = None,
                          queue: str | None = None) -> object: ...


class Owed(TypedDict):
    """A disposition an agent still owes (the ``after_call`` of ``hello``)."""

    call: str
    ended_t: float


@dataclass
class Hold:
    pbx: str
    agent: str
    calls: dict[str, float] = field(default_factory=dict)
    """Call -> when it ended (PBX time): the dispositions still owed."""
    queues: set[str] = field(default_factory=set)
    """The queues this hold paused."""
    timer: asyncio.TimerHandle | None = None
    pausing: asyncio.Future[None] | None = None  # its QueuePauses, still on their way perhaps


class AfterCallWork:
    def __init__(self, settings: Settings, bridges: Mapping[str, HoldingBridge], connected: Callable[[str], bool],
                 record: Record, measured: Measured = lambda call, agent, seconds: None) -> None:
        self._max_s = settings.wrapup.hold_max_s
        self._reason = settings.wrapup.pause_reason
        self._pbx = {p.name: p for p in settings.pbx}
        self._bridges = bridges
        self._connected = connected
        self._record = record
        self._measured = measured
        self._holds: dict[str, Hold] = {}  # agent -> their hold
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    # --- what the server asks -------------------------------------------------------------
    def pending(self, agent: str | None) -> Owed | None:
        """The oldest call whose disposition this agent still owes, held for it (for ``hello``)."""
        hold = self._holds.get(agent or "")
        if hold is None or not hold.calls:
            return None
        call, ended_t = min(hold.calls.items(), key=lambda kv: kv[1])
        return {"call": call, "ended_t": ended_t}

    def call_ended(self, pbx: str, agent: str, call: str, t: float) -> None:
        """The agent's answered call is over: hold them for its disposition (in the background:
        the event that told it must not wait for the PBX)."""
        if self._max_s <= 0 or pbx not in self._bridges or not self._connected(agent):
            return
        hold = self._holds.setdefault(agent, Hold(pbx, agent))
        hold.calls[call] = t
        hold.pausing = self._spawn(self._hold(hold))
        self._arm(hold)

    async def submitted(self, agent: str, call: str) -> float | None:
        """The agent sent the call's disposition: its measured after-call work (None when the
        call was not held for), and the agent is back in the queues once nothing is owed."""
        hold = self._holds.get(agent)
        ended_t = hold.calls.pop(call, None) if hold is not None else None
        if hold is None or ended_t is None:
            return None
        acw = round(min(max(0.0, self._now(hold) - ended_t), self._max_s), 3)
        self._measured(call, agent, acw)
        if not hold.calls:
            await self._release(hold)
        return acw

    async def release_all(self, timeout_s: float = 5.0) -> None:
        """This server stops: the agents it holds take calls again. A hold left in Asterisk would
        keep them out of the queues with no server to end it (seen on the real Asterisk: the next
        caller waited for nobody and abandoned)."""
        self._stopping = True  # what the PBX cannot take now is not tried again: the server stops
        holds = list(self._holds.values())
        if holds:
            await asyncio.wait([self._spawn(self._release(hold)) for hold in holds], timeout=timeout_s)

    async def sweep(self) -> int:
        """Pauses for a disposition that no server will end (the server holding them was killed):
        released once twice as old as the longest hold may be. Done by the server holding the
        PBX's link; how many member pauses it released."""
        released = 0
        for pbx, bridge in self._bridges.items():
            if not bridge.holding or pbx not in self._pbx:
                continue
            now = bridge.pbx_clock.now()
            for agent, by_queue in bridge.tracker.agent_states().items():
                if agent in self._holds:
                    continue
                for queue, event in sorted(by_queue.items()):
                    if event.state != "wrap_up" or event.reason != self._reason \
                            or now - event.t < 2 * self._max_s:
                        continue
                    try:
                        await bridge.queue_pause(member_interface(self._pbx[pbx], agent), False, queue=queue)
                    except Exception as exc:
                        log.warning("stale after-call pause of %s in %s not released: %s", agent, queue, exc)
                        continue
                    released += 1
                    log.warning("agent %s was paused for a disposition in %s for %.0f s with no server holding "
                                "it (its server stopped); released", agent, queue, now - event.t)
        return released

    async def close(self) -> None:
        for hold in self._holds.values():
            if hold.timer is not None:
                hold.timer.cancel()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # --- the hold ---------------------------------------------------------------------------
    def _now(self, hold: Hold) -> float:
        return self._bridges[hold.pbx].pbx_clock.now()

    def _member_states(self, hold: Hold) -> dict[str, AgentState]:
        return self._bridges[hold.pbx].tracker.agent_states().get(hold.agent, {})

    def _interface(self, hold: Hold) -> str:
        return member_interface(self._pbx[hold.pbx], hold.agent)

    async def _hold(self, hold: Hold) -> None:
        bridge = self._bridges[hold.pbx]
        for queue, event in sorted(self._member_states(hold).items()):
            if event.state in ("logged_out", "paused") or queue in hold.queues:
                continue  # not taking calls there (another pause is the agent's own), or held
            hold.queues.add(queue)
            try:
                await bridge.queue_pause(self._interface(hold), True, self._reason, queue=queue)
            except Exception as exc:  # the PBX refused or is down: say so, go on
                log.warning("after-call hold of %s in %s failed: %s", hold.agent, queue, exc)

    def _arm(self, hold: Hold) -> None:
        if hold.timer is not None:
            hold.timer.cancel()
        due = max(hold.calls.values()) + self._max_s - self._now(hold)
        hold.timer = asyncio.get_running_loop().call_later(max(0.0, due), self._spawn_expiry, hold)

    def _spawn_expiry(self, hold: Hold) -> None:
        self._spawn(self._expire(hold))

    async def _expire(self, hold: Hold) -> None:
        """The maximum is up: the agent takes calls again; what is owed is recorded as the maximum."""
        if self._holds.get(hold.agent) is not hold:
            return
        owed, hold.calls = list(hold.calls), {}
        await self._release(hold)
        for call in owed:
            self._measured(call, hold.agent, self._max_s)
            await self._record(call, hold.agent, self._max_s)

    async def _release(self, hold: Hold) -> None:
        if hold.timer is not None:
            hold.timer.cancel()
        self._holds.pop(hold.agent, None)
        if hold.pausing is not None:  # a disposition sent within milliseconds: let the pause land
            with contextlib.suppress(Exception):
                await hold.pausing
        states = self._member_states(hold)
        for queue in sorted(hold.queues):
            event = states.get(queue)
            if event is not None and (event.state == "logged_out" or event.reason not in (None, self._reason)):
                continue  # the agent left the queue or chose a pause of their own meanwhile
            try:
                await self._bridges[hold.pbx].queue_pause(self._interface(hold), False, queue=queue)
            except AmiConnectionLost as exc:  # the link is down, or changing servers: once it is back
                if self._stopping:
                    log.warning("after-call release of %s in %s failed: %s", hold.agent, queue, exc)
                    continue
                log.warning("after-call release of %s in %s failed: %s; trying again", hold.agent, queue, exc)
                self._spawn(self._release_when_back(hold, queue))
            except Exception as exc:
                log.warning("after-call release of %s in %s failed: %s", hold.agent, queue, exc)

    async def _release_when_back(self, hold: Hold, queue: str) -> None:
        """A release the PBX could not take (no AMI link here or on any server: a failover takes a
        few seconds): tried again every second, as long as the agent is still paused for this
        disposition and no new hold has begun; the sweep releases what is left much later."""
        for _ in range(RELEASE_RETRIES):
            await asyncio.sleep(RELEASE_RETRY_S)
            if hold.agent in self._holds:
                return  # a new call's hold: its own release will do
            event = self._member_states(hold).get(queue)
            if event is None or event.state == "logged_out" or event.reason != self._reason:
                return  # released meanwhile, or the agent chose another pause
            try:
                await self._bridges[hold.pbx].queue_pause(self._interface(hold), False, queue=queue)
            except AmiConnectionLost:
                continue
            except Exception as exc:
                log.warning("after-call release of %s in %s failed: %s", hold.agent, queue, exc)
                return
            log.info("after-call release of %s in %s done once the PBX was back", hold.agent, queue)
            return

    def _spawn(self, coro: Awaitable[None]) -> asyncio.Future[None]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
