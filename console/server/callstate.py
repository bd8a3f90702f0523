"""Live calls and agent states, as the server has seen them in the domain events.

Routes ask it who may act on a call (an agent hangs up only its own calls), whose customer a
call is (transfer to the account manager, the pop for a transfer target), and whether the
caller was verified on a call (masking). Ended calls are kept a while (bounded) because the
agent keeps working on them in wrap-up: the verification must outlive the hang-up.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from telephony.events import AgentState, DomainEvent

ENDED_KEPT = 2000


@dataclass
class LiveCall:
    pbx: str
    call: str
    caller: str
    vars: dict[str, str] = field(default_factory=dict)
    queue: str | None = None
    caller_channel: str | None = None
    rung: set[str] = field(default_factory=set)
    """Agents whose phone rang for this call (they get its follow-up events)."""
    agent: str | None = None
    agent_channel: str | None = None
    popped: set[str] = field(default_factory=set)
    customer_id: int | None = None
    candidates: tuple[int, ...] = ()
    verified: dict[int, str] = field(default_factory=dict)
    """Customer id -> how the caller was verified (``ivr`` or ``questions``)."""
    lookup: Any = None
    """The screen-pop lookup result, reused for every agent the call rings (ring-all, transfers)."""
    ended: bool = False


class CallRegistry:
    def __init__(self) -> None:
        self._calls: OrderedDict[str, LiveCall] = OrderedDict()
        self._ended: OrderedDict[str, None] = OrderedDict()  # oldest first, for forgetting
        self._agent_states: dict[str, AgentState] = {}
        self._originates: dict[str, int] = {}
        self.queue_stats: dict[str, DomainEvent] = {}

    def get(self, call: str) -> LiveCall | None:
        return self._calls.get(call)

    def open(self, pbx: str, call: str, caller: str, **fields: Any) -> LiveCall:
        live = self._calls.get(call)
        if live is None:
            live = self._calls[call] = LiveCall(pbx=pbx, call=call, caller=caller, **fields)
        if live.ended:  # a call that passes through a second queue lives on
            live.ended = False
            self._ended.pop(call, None)
        return live

    def end(self, call: str) -> None:
        live = self._calls.get(call)
        if live is None:
            return
        live.ended = True
        self._ended[call] = None
        self._ended.move_to_end(call)
        while len(self._ended) > ENDED_KEPT:
            old, _ = self._ended.popitem(last=False)
            self._calls.pop(old, None)

    def calls_of_agent(self, agent: str) -> list[LiveCall]:
        return [c for c in self._calls.values() if not c.ended and (c.agent == agent or agent in c.rung)]

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
        self._agent_states[event.agent] = event

    def agent_state(self, agent: str | None) -> dict[str, Any] | None:
        event = self._agent_states.get(agent) if agent else None
        return event.to_json() if event else None

    def agent_states(self) -> dict[str, DomainEvent]:
        return dict(self._agent_states)

    def remember_originate(self, action_id: str, user_id: int) -> None:
        self._originates[action_id] = user_id
        while len(self._originates) > ENDED_KEPT:
            self._originates.pop(next(iter(self._originates)))

    def originator(self, action_id: str) -> int | None:
        return self._originates.pop(action_id, None)
