"""Live calls and agent states, as the server has seen them in the domain events.

A call is followed through every agent it reaches, not only its first: each agent whose phone
rang for it has a *part* (ringing, then talking, then over for them), opened by ``ringing`` and
``answered`` and closed by that agent's ``ring_stopped`` or ``ended``. After a transfer the
first agent's ``ended`` closes their part only; the call goes on with the agent who took it over.
Routes ask it who may act on a call (an agent acts on a call they are ringing for or talking on),
whose customer a call is (transfer to the account manager, the pop for a transfer target), and
whether the caller was verified on a call (masking). Calls nobody is on any more are kept a while
(bounded) because the agent keeps working on them in wrap-up: the verification must outlive the
hang-up.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from telephony.events import AGENT_STATE_URGENCY, AgentState, DomainEvent

if TYPE_CHECKING:
    from console.server.pop import Lookup

ENDED_KEPT = 2000
PartState = Literal["ringing", "talking", "over"]


@dataclass
class Part:
    """One agent's part in a call."""

    state: PartState
    channel: str | None = None  # the agent's own leg (what hang-up, transfer and spy act on)
    talked: bool = False  # answered at some point: the agent owes the call a wrap-up


@dataclass
class LiveCall:
    pbx: str
    call: str
    caller: str
    vars: dict[str, str] = field(default_factory=dict)
    queue: str | None = None
    caller_channel: str | None = None
    parts: dict[str, Part] = field(default_factory=dict)
    """Agent -> their part: everyone whose phone rang for this call."""
    agent: str | None = None
    """The agent who answered it last: the one it is with now (or was, once over)."""
    popped: set[str] = field(default_factory=set)
    pops: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Agent -> the pop frame body they were sent (a console started mid-call is given it again)."""
    customer_id: int | None = None
    candidates: tuple[int, ...] = ()
    verified: dict[int, str] = field(default_factory=dict)
    """Customer id -> how the caller was verified (``ivr`` or ``questions``)."""
    lookup: Lookup | None = None
    """The screen-pop lookup result, reused for every agent the call rings (ring-all, transfers)."""
    ended: bool = False
    """Nobody is on it now (its last part is over); a later ring opens it again."""
    manager_told: bool = False
    """The customer's account manager was told of this call (console/server/manager_alerts.py)."""

    def ringing(self, agent: str, channel: str | None) -> None:
        part = self.parts.get(agent)
        if part is None or part.state == "over":
            self.parts[agent] = Part("ringing", channel, talked=part.talked if part else False)

    def answered(self, agent: str, channel: str | None) -> None:
        self.parts[agent] = Part("talking", channel, talked=True)
        self.agent = agent

    def part_over(self, agent: str | None) -> None:
        part = self.parts.get(agent or "")
        if part is not None:
            part.state = "over"

    def is_on(self, agent: str | None) -> bool:
        """The agent's phone rings for it, or the agent talks on it."""
        part = self.parts.get(agent or "")
        return part is not None and part.state != "over"

    def talking(self, agent: str | None) -> Part | None:
        part = self.parts.get(agent or "")
        return part if part is not None and part.state == "talking" else None

    def took_part(self, agent: str | None) -> bool:
        """The agent is or was on it (rang, talked): it may see the call's customer in wrap-up."""
        return (agent or "") in self.parts

    def talked(self, agent: str | None) -> bool:
        part = self.parts.get(agent or "")
        return part is not None and part.talked

    def active(self) -> bool:
        return any(part.state != "over" for part in self.parts.values())

    def current_channel(self) -> str | None:
        """The leg to act on for the call as a whole: its agent's, else the caller's."""
        part = self.talking(self.agent)
        return part.channel if part is not None and part.channel else self.caller_channel


class CallRegistry:
    def __init__(self) -> None:
        self._calls: OrderedDict[str, LiveCall] = OrderedDict()
        self._ended: OrderedDict[str, None] = OrderedDict()  # oldest first, for forgetting
        self._agent_states: dict[str, dict[str, AgentState]] = {}  # agent -> queue -> its last state
        self._originates: dict[str, tuple[int, bool]] = {}
        self._hidden: OrderedDict[str, None] = OrderedDict()  # calls whose number the agent must not see
        self.queue_stats: dict[str, DomainEvent] = {}

    def get(self, call: str) -> LiveCall | None:
        return self._calls.get(call)

    def open(self, pbx: str, call: str, caller: str, *, vars: dict[str, str] | None = None, queue: str | None = None,
             caller_channel: str | None = None) -> LiveCall:
        """The live call, opened with these details unless it is already (then they are not changed)."""
        live = self._calls.get(call)
        if live is None:
            live = self._calls[call] = LiveCall(pbx=pbx, call=call, caller=caller, vars=vars or {}, queue=queue,
                                                caller_channel=caller_channel)
        self._reopen(live)
        return live

    def _reopen(self, live: LiveCall) -> None:
        if live.ended:  # transferred on, or through a second queue: the call lives on
            live.ended = False
            self._ended.pop(live.call, None)

    def ring(self, live: LiveCall, agent: str, channel: str | None) -> None:
        """An agent's phone rings for the call (again, perhaps: a transfer, a second queue)."""
        self._reopen(live)
        live.ringing(agent, channel)

    def answered(self, call: str, agent: str, channel: str | None) -> LiveCall | None:
        live = self._calls.get(call)
        if live is not None:
            self._reopen(live)
            live.answered(agent, channel)
        return live

    def part_over(self, call: str, agent: str | None) -> None:
        """This agent's part is over (their ring stopped, or their part of the call ended); the
        call is kept as ended once nobody is on it."""
        live = self._calls.get(call)
        if live is None:
            return
        live.part_over(agent)
        if not live.active():
            self._end(live)

    def _end(self, live: LiveCall) -> None:
        live.ended = True
        self._ended[live.call] = None
        self._ended.move_to_end(live.call)
        while len(self._ended) > ENDED_KEPT:
            old, _ = self._ended.popitem(last=False)
            self._calls.pop(old, None)

    def calls_of_agent(self, agent: str) -> list[LiveCall]:
        """The calls this agent's phone rings for or talks on now."""
        return [c for c in self._calls.values() if not c.ended and c.is_on(agent)]

    def restore_for(self, agent: str) -> list[dict[str, Any]]:
        """The calls this agent's console shows now, as their pop and where they stand (a console
        started or resynced mid-call restores its card from these)."""
        out = []
        for live in self.calls_of_agent(agent):
            pop = live.pops.get(agent)
            if pop is not None:
                out.append({"pop": pop, "state": "talking" if live.talking(agent) else "ringing"})
        return out

    def is_verified(self, call: str | None, customer_id: int) -> bool:
        live = self._calls.get(call) if call else None
        return live is not None and customer_id in live.verified

    def mark_verified(self, call: str, customer_id: int, method: str) -> bool:
        """Record that the caller on ``call`` proved to be this customer; False for an unknown call."""
        live = self._calls.get(call)
        if live is None:
            return False
        live.verified[customer_id] = method
        return True

    def set_agent_state(self, event: AgentState) -> None:
        """An agent's state in one queue (Asterisk reports them queue by queue: a ring that times out
        pauses the agent in that queue only)."""
        self._agent_states.setdefault(event.agent, {})[event.queue or ""] = event

    def agent_state(self, agent: str | None) -> dict[str, Any] | None:
        """The state that says most about the agent across their queues (``AGENT_STATE_URGENCY``)."""
        states = self._agent_states.get(agent) if agent else None
        if not states:
            return None
        return min(states.values(), key=_urgency).to_json()

    def queue_states(self, agent: str | None) -> list[dict[str, Any]]:
        """The agent's last state in each queue it was reported in, by queue."""
        states = self._agent_states.get(agent) if agent else None
        return [event.to_json() for _, event in sorted(states.items())] if states else []

    def agent_states(self) -> list[AgentState]:
        """Every agent's last state in every queue."""
        return [event for by_queue in self._agent_states.values() for event in by_queue.values()]

    def remember_originate(self, action_id: str, user_id: int, hide_number: bool = False) -> None:
        """``user_id`` asked for this Originate; ``hide_number``: they named a customer, not a
        number, so the number dialled reaches them masked (docs/API.md "PII masking")."""
        self._originates[action_id] = (user_id, hide_number)
        while len(self._originates) > ENDED_KEPT:
            self._originates.pop(next(iter(self._originates)))

    def originator(self, action_id: str) -> tuple[int, bool] | None:
        """Who asked for this Originate and whether its number is hidden from them (once)."""
        return self._originates.pop(action_id, None)

    def hide_number(self, call: str | None) -> None:
        """The number of this call came from the store (a customer dialled by id, a campaign's
        lead), not from the PBX's caller id: every frame about it shows it masked."""
        if call:
            self._hidden[call] = None
            while len(self._hidden) > ENDED_KEPT:
                self._hidden.popitem(last=False)

    def number_hidden(self, call: str | None) -> bool:
        return bool(call) and call in self._hidden


def _urgency(event: AgentState) -> int:
    return AGENT_STATE_URGENCY.index(event.state)
