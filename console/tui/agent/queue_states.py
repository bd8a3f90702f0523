"""My state as one line, from Asterisk's state per queue. Pure: no clock, no widgets.

Asterisk reports a member's state queue by queue, and a pause can be one queue's only: a ring
that times out auto-pauses the agent in that queue (app_queue ``autopause = yes``) and leaves
them free in the others. The status bar once showed whichever queue's event came last: an agent
auto-paused in retail read "idle" because vip said so, and sat there while ten retail callers
waited. The line shows the state that matters most across the queues (a call first, a pause
last), and names the queues where a free agent is paused, with why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telephony.events import AGENT_STATE_URGENCY

_RANK: dict[str, int] = {state: rank for rank, state in enumerate(AGENT_STATE_URGENCY)}
QueueState = tuple[str, str | None, str | None]
"""(state, reason, queue) as an agent_state event says it; queue None: an event that named none."""


@dataclass(frozen=True, slots=True)
class Shown:
    state: str
    reason: str | None = None  # why paused, when ``state`` is paused
    paused_in: tuple[tuple[str, str | None], ...] = ()  # (queue, reason): paused there, free elsewhere


class QueueStates:
    """The last state of each of my queues (``None``: an event that named no queue)."""

    def __init__(self) -> None:
        self._states: dict[str | None, tuple[str, str | None]] = {}

    def reset(self, states: Iterable[QueueState]) -> Shown:
        """What a (re)connect says: the server's last state of each of my queues."""
        self._states = {queue: (state, reason) for state, reason, queue in states}
        return self.shown()

    def update(self, state: str, reason: str | None, queue: str | None) -> Shown:
        if queue is not None:
            self._states.pop(None, None)  # a state of no queue said nothing about the queues
        self._states[queue] = (state, reason)
        return self.shown()

    def shown(self) -> Shown:
        if not self._states:
            return Shown("logged_out")
        state, reason = min(self._states.values(), key=lambda s: _RANK.get(s[0], len(_RANK)))
        if state == "paused":
            return Shown(state, reason)
        paused = tuple(sorted((q, r) for q, (s, r) in self._states.items() if s == "paused" and q is not None))
        return Shown(state, None, paused if state == "available" else ())
