"""Where a real Asterisk 22 is not deterministic, which of its observed behaviours the simulator gives.

Each name is one point where the live Asterisk was seen to vary from run to run (threads racing:
app_queue, the bridging core, the device-state thread); its options are the sequences it was
seen to send, the first being the one of the captures in ``tests/fixtures/ami-transcripts``.
Under random traffic each point is a seeded draw with the weights below (roughly how often the
live runs showed it); a scripted run takes the first option, or what a test pins
(``pin(name, option, …)``: one option per occurrence, in order, then the first again).
"""

from __future__ import annotations

import random
from collections import deque

# name -> {option: weight}; the first option is the capture's.
POINTS: dict[str, dict[str, float]] = {
    # AttendedTransfer when the transferer hangs up: the consult bridge still holds the target's
    # Local ;1 (SecondBridgeNumChannels 1), or it has already emptied with or without the
    # TransferTarget* headers (capture 07; both others live, about 1 run in 4 each).
    "attended_transfer": {"target_gone": 0.45, "target_in_second": 0.25, "no_target": 0.3},
    # A caller's BYE ends a queue call: the agent leg's Hangup first (capture 01) or the caller's.
    "caller_hangup": {"agent_first": 0.5, "caller_first": 0.5},
    # The agent's phone hangs up (BYE): the caller's Hangup first (capture 02) or the agent leg's.
    "agent_hangup": {"caller_first": 0.5, "agent_first": 0.5},
    # An AMI Hangup of the agent's channel (calldesk's hang-up key): agent leg first, or caller.
    "ami_hangup": {"agent_first": 0.5, "caller_first": 0.5},
    # ... and its AgentComplete (Reason caller, or transfer when it completes an attended
    # transfer): with the agent leg's Dest* headers, or without, after the leg's Hangup (the leg
    # already gone when app_queue reported it; live, about 1 run in 3).
    "ami_hangup_complete": {"with_dest": 0.5, "without_dest": 0.5},
    # A queue member answers: the device-state thread's "in use" QueueMemberStatus comes before
    # the DialEnd (captures 01, 02, 09) or after AgentConnect (04, 06, 14).
    "in_use_status": {"before_dialend": 0.5, "after_connect": 0.5},
    # The customer of a click-to-dial hangs up: their Hangup first (capture 09) or the agent's.
    "customer_hangup": {"customer_first": 0.5, "agent_first": 0.5},
    # An Originate that fails at once (486 busy, 480): where OriginateResponse falls among the
    # dialled channel's HangupRequest, DialEnd and Hangup (capture 09 busy; live: the others).
    "originate_failure": {"before_dialend": 0.2, "before_hangup": 0.4, "after_hangup": 0.4},
    # `core restart now` with a call up: which of its two channels is soft-hung-up first decides
    # the AgentComplete Reason (capture 12: the agent's, Reason agent, the channels leaving the
    # bridge after it; live: the caller's, leaving the bridge before AgentComplete or after).
    "shutdown": {"agent_first": 0.4, "caller_bridge_first": 0.3, "caller_complete_first": 0.3},
}


class Variants:
    """``pick(name)``: which option this occurrence of a non-deterministic point takes."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng  # None: scripted (first option unless pinned)
        self._pinned: dict[str, deque[str]] = {}

    def scripted(self) -> None:
        """Take the first option everywhere (a scripted scenario), unless pinned."""
        self.rng = None

    def pin(self, name: str, *options: str) -> None:
        """The next occurrences of ``name`` take these options, in order."""
        unknown = [o for o in options if o not in POINTS[name]]
        if unknown:
            raise ValueError(f"{name}: no option {unknown} (known: {list(POINTS[name])})")
        self._pinned.setdefault(name, deque()).extend(options)

    def pick(self, name: str) -> str:
        weights = POINTS[name]
        pinned = self._pinned.get(name)
        if pinned:
            return pinned.popleft()
        if self.rng is None:
            return next(iter(weights))
        return self.rng.choices(list(weights), list(weights.values()))[0]
