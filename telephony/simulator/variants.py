"""Where a real Asterisk 22 is not deterministic, which of its observed behaviours the simulator gives.

Each name is one point where the live Asterisk was seen to vary from run to run (threads racing:
app_queue, the bridging core, the device-state thread); its options are the sequences it was
seen to send, the first being the one of the captures in ``tests/fixtures/ami-transcripts``.
Under random traffic each point is a seeded draw with the weights below (roughly how often the
live runs showed it); a scripted run takes the first option, or what a test pins
(``pin(name, option, …)``: one option per occurrence, in order, then the first again).
"""

from __future__ import annotations

import itertools
import random
from collections import deque

# AgentComplete as app_queue builds it from the channels Asterisk still knows when its thread
# gets to it: both (the caller's Channel* and the agent leg's Dest* headers), the agent leg
# already gone ("/nodest"), the caller gone ("/nocaller"), or neither ("/bare").
COMPLETES = ("complete", "complete/nodest", "complete/nocaller", "complete/bare")


def orders(steps: tuple[str, ...], completes: tuple[str, ...], seen: dict[str, float],
           before: tuple[tuple[str, str], ...] = (("agent", "status"),)) -> dict[str, float]:
    """Options that are the order in which ``steps`` and one AgentComplete (of one of these
    shapes) came from threads that race, each of ``before`` in that order (a leg's Hangup,
    "agent", before its phone's "not in use" status, "status"): the orders seen live with their
    weights, the first the capture's; every other possible order too, never drawn at random but
    there to be pinned by a live run that meets it."""
    every = [" ".join(order) for shape in completes for order in itertools.permutations(steps + (shape,))
             if all(order.index(a) < order.index(b) for a, b in before)]
    unknown = set(seen) - set(every)
    assert not unknown, unknown
    return {**seen, **{option: 0.0 for option in every if option not in seen}}


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
    # An AMI Hangup of a queue call's agent channel (calldesk's hang-up key): after BridgeLeave
    # agent, caller and the caller's SoftHangupRequest, the agent leg's Hangup ("agent") and its
    # phone's status ("status"), the caller's Hangup ("caller") and AgentComplete Reason caller
    # (one of COMPLETES) come in the order of the threads that send them. The tracker tells
    # them apart (a moment of "available" before the wrap-up; a report it takes for a late one).
    # The orders of about 80 live runs, most of them on a loaded machine.
    "ami_hangup": orders(("agent", "status", "caller"), COMPLETES, {
        "complete agent status caller": 0.4, "complete caller agent status": 0.07,
        "complete agent caller status": 0.03, "complete/nodest agent status caller": 0.03,
        "agent complete/nodest status caller": 0.14, "agent status complete/nodest caller": 0.18,
        "agent complete/nodest caller status": 0.05, "caller complete/nocaller agent status": 0.03,
        "agent status caller complete/bare": 0.03, "caller agent complete/bare status": 0.02,
        "agent caller complete/bare status": 0.02,
    }),
    # An attended transfer completed by an AMI Hangup of the transferer: its AgentComplete
    # (Reason transfer), the transferer's Hangup and its status likewise (the caller stays:
    # AgentComplete always names it).
    "transfer_complete": orders(("agent", "status"), COMPLETES[:2], {
        "complete agent status": 0.7, "agent complete status": 0.05, "agent complete/nodest status": 0.13,
        "agent status complete/nodest": 0.12,
    }),
    # A campaign customer answers: the OriginateResponse (Success, Reason 4) before the caller
    # joins the campaign's queue, or, the originate thread lagging on a busy machine, after the
    # join (not seen, possible) or after the first member was rung, ringing status and all.
    "originate_answer": {"before_join": 0.9, "after_ringing": 0.1, "after_join": 0.0},
    # A queue member is rung: its "ringing" QueueMemberStatus (6), or none at all when the
    # device-state thread gets to the phone only after it answered (live, a loaded machine).
    "ring_status": {"sent": 0.97, "skipped": 0.03},
    # A queue member answers: the device-state thread's "in use" QueueMemberStatus comes before
    # the DialEnd (captures 01, 02, 09) or after AgentConnect (04, 06, 14).
    "in_use_status": {"before_dialend": 0.5, "after_connect": 0.5},
    # The customer of a click-to-dial hangs up: their Hangup first (capture 09) or the agent's.
    "customer_hangup": {"customer_first": 0.5, "agent_first": 0.5},
    # An Originate that fails at once (486 busy, 480): where OriginateResponse falls among the
    # dialled channel's DialBegin, HangupRequest, DialEnd and Hangup (capture 09 busy: before the
    # DialEnd; live: before or after the Hangup, and on a busy machine before the channel's
    # Newchannel even; after the DialBegin but before the HangupRequest not seen, possible).
    "originate_failure": {"before_dialend": 0.2, "before_hangup": 0.38, "after_hangup": 0.38, "before_dial": 0.04,
                          "before_request": 0.0},
    # The target of an attended transfer (reached through Local ;1/;2) hung up by AMI: its
    # phone's Hangup before the caller's or after it (live, 1 run in 4).
    "target_hangup": {"target_first": 0.75, "caller_first": 0.25},
    # `core restart now` with a call up: which of its two channels is soft-hung-up (Cause 4)
    # first decides the AgentComplete Reason: the agent's (capture 12) or the caller's (live).
    "shutdown": {"agent_first": 0.4, "caller_first": 0.6},
    # ... then the call winds down in its threads: the caller leaves the bridge ("leave"), its
    # dialplan ends (SoftHangupRequest 16, "soft") and it hangs up ("caller"), in that order; the
    # agent leg leaves and hangs up ("agent"), its phone's status follows ("status"); and
    # AgentComplete, of one of COMPLETES. Capture 12: AgentComplete first, the agent's bridge
    # and Hangup before the caller's; live, the others.
    "shutdown_end": orders(("leave", "soft", "agent", "status", "caller"), COMPLETES, {
        "complete leave soft agent status caller": 0.5, "leave complete soft agent status caller": 0.2,
        "complete leave soft agent caller status": 0.1, "agent status complete/nodest leave soft caller": 0.2,
    }, before=(("agent", "status"), ("leave", "soft"), ("soft", "caller"))),
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
            known = list(POINTS[name]) if len(POINTS[name]) <= 12 else \
                [o for o, weight in POINTS[name].items() if weight] + ["… every order of these steps"]
            raise ValueError(f"{name}: no option {unknown} (known: {known})")
        self._pinned.setdefault(name, deque()).extend(options)

    def pick(self, name: str) -> str:
        weights = POINTS[name]
        pinned = self._pinned.get(name)
        if pinned:
            return pinned.popleft()
        if self.rng is None:
            return next(iter(weights))
        return self.rng.choices(list(weights), list(weights.values()))[0]
