"""The tracker's plain data: channels, calls, their passes through a queue (segments) and rings.

A *segment* is what one ``ended`` event closes: one pass of a call through one queue, or the
non-queue part of a call (a direct call to an extension, an agent's outbound call, or the legs
after a transfer), keyed ``(call, queue, pass_no)`` with ``queue`` None for the latter. A *ring*
is one agent's phone ringing for a segment: the screen pop, cleared by ``ring_stopped`` unless
that agent answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from telephony.events import Direction, HangupBy, RingStopReason

# What a dialled leg that was not answered came to (``dial_failure``).
DialFailure = Literal["busy", "no_answer", "failed"]

# Asterisk prints an empty name or number as this literal.
UNKNOWN = frozenset({"", "<unknown>"})
_DIGITS = re.compile(r"\d{2,}")
_CHANNEL_SEQ = re.compile(r"-[0-9a-fA-F]{8}(;\d)?$")


def clean_name(value: str | None) -> str | None:
    """A caller name exactly as Asterisk gave it (Chinese intact), None when it had none.

    A name res_pjsip could not decode (a carrier sending GBK) arrives with its bytes replaced by
    U+FFFD: it cannot be turned back into the original, and "����" on a card helps nobody, so
    it is no name."""
    if value is None or value in UNKNOWN or "\ufffd" in value:
        return None
    return value


def clean_number(value: str | None) -> str:
    return "" if value is None or value in UNKNOWN else value


def device_of(channel: str) -> str:
    """``PJSIP/1001-0000000d`` -> ``PJSIP/1001`` (the endpoint a channel belongs to)."""
    return _CHANNEL_SEQ.sub("", channel)


def is_local(channel: str) -> bool:
    return channel.startswith("Local/")


def local_base(channel: str) -> str:
    """``Local/1002@ctx-00000000;1`` -> ``Local/1002@ctx-00000000`` (names the pair)."""
    return channel[:-2] if channel[-2:-1] == ";" else channel


def to_float(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


def to_int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def dial_failure(status: str | None, cause: int | None) -> tuple[DialFailure, str] | None:
    """What a dialled leg that was not answered came to, from its ``DialEnd DialStatus`` and its
    Hangup cause: busy (486: BUSY, cause 17), no_answer (the Dial timeout: NOANSWER; 480:
    cause 18/19) or failed; None while neither says anything yet."""
    if status == "BUSY" or cause == 17:
        return "busy", f"busy (cause {cause or 17})"
    if cause in (18, 19):
        return "no_answer", f"unavailable (cause {cause})"
    if status == "NOANSWER":
        return "no_answer", "no answer"
    if status in ("CHANUNAVAIL", "CONGESTION") or cause:
        return "failed", f"{(status or 'failed').lower()} (cause {cause})"
    return None


def party(reason: str | None) -> Literal["caller", "agent"] | None:
    """AgentComplete's ``Reason`` when it names who hung up; None for "transfer" (or none)."""
    return "caller" if reason == "caller" else "agent" if reason == "agent" else None


def digits_agent(interface: str) -> str | None:
    """The extension digits of a member interface: PJSIP/1001, SIP/1001, Local/1004@agents/n."""
    resource = interface.split("/", 1)[1] if "/" in interface else interface
    resource = resource.split("@", 1)[0]
    if resource.isdigit():
        return resource
    match = _DIGITS.search(resource)
    return match.group(0) if match and interface.startswith("Local/") else None


@dataclass(slots=True)
class Chan:
    """One Asterisk channel we have heard of."""

    name: str
    uniqueid: str
    linkedid: str
    num: str = ""
    cid_name: str | None = None
    exten: str = ""  # what the channel dialled (Newchannel Exten): names a transfer's target
    vars: dict[str, str] = field(default_factory=dict)
    # Variables are read "before the queue": once the channel joins a queue or dials, stop.
    vars_frozen: bool = False
    hangup_requested_t: float | None = None
    # Who ended this leg when that is known for sure rather than guessed from the events: calldesk
    # itself asked for it (an agent's hang-up key: "agent"; a supervisor: "system"), or the PBX
    # is shutting down (SoftHangupRequest cause 4: "system"); and when it was asked.
    hangup_by: HangupBy | None = None
    hangup_by_t: float = 0.0
    pending_queue: str | None = None  # from Newexten Application=Queue, for JOINEMPTY
    bridge_enter_t: float | None = None
    bridge_leave_t: float | None = None
    bridge_leave_order: int = 0  # which message it was (ties of bridge_leave_t)
    bridge: str | None = None  # the BridgeUniqueid it is in now
    ringing: bool = False  # Newstate Ringing / DialState RINGING: the device really rings
    dialled: bool = False  # a Dial's destination (we called it), not a channel that called in
    up: bool = False


@dataclass(slots=True)
class Ring:
    seg: Segment
    agent: str | None  # None: an outside number (trunk), tracked but never popped
    dest: str  # the channel the dialling side named (may be Local ;1)
    agent_channel: str | None  # the real phone leg, once known
    t: float
    via: str | None = None  # the Local pair the dial went through, if any
    rang: bool = False  # the phone really rang (Newstate Ringing, DialState RINGING/PROGRESS)
    announced: bool = False  # the ringing event went out
    picked_up: bool = False  # DialEnd ANSWER seen (a queue ring is answered at AgentConnect)
    answered: bool = False
    stopped: bool = False
    status: str | None = None  # the DialStatus that ended the ring, if a DialEnd did
    reason: RingStopReason | None = None  # the ring_stopped reason


@dataclass(slots=True)
class Segment:
    call: str
    queue: str | None
    caller: str
    caller_name: str | None
    caller_channel: str
    caller_uid: str
    vars: dict[str, str]
    start_t: float
    rings: list[Ring] = field(default_factory=list)
    agent: str | None = None
    agent_channel: str | None = None
    answered_t: float | None = None
    wait_s: float | None = None
    left_t: float | None = None
    abandon_wait: float | None = None  # QueueCallerAbandon seen, outcome not settled yet
    complete_reason: str | None = None  # AgentComplete Reason
    pass_no: int = 1  # which pass of the call through this queue (a second QueueCallerJoin: 2)
    direction: Direction = "inbound"  # "outbound": an agent's phone placed the call (outbound.py)
    # Outbound: the agent's own leg, as a ring that never pops; answered when the customer is.
    placed_by: Ring | None = None
    talk_s: float | None = None
    consult: bool = False  # an attended-transfer consult leg: no history of its own
    # (agent, talk seconds) before a transfer handed the call on: if nobody takes it over,
    # the call still ends as answered by that agent.
    handed_from: tuple[str | None, float] | None = None
    # The caller before the caller transferred the agent away (a caller-side blind transfer):
    # if nobody takes it over, the call was that caller's conversation with the agent.
    handed_caller: tuple[str, str | None] | None = None
    ended: bool = False
    ended_t: float | None = None

    @property
    def key(self) -> tuple[str, str | None, int]:
        return (self.call, self.queue, self.pass_no)

    def live_rings(self) -> list[Ring]:
        return [r for r in self.rings if not r.stopped and not r.answered]


class ActiveCall(TypedDict):
    """One row of ``Tracker.active_calls()``: an open segment as the live views show it."""

    call: str
    queue: str | None
    caller: str
    caller_name: str | None
    caller_channel: str
    state: Literal["waiting", "ringing", "talking"]
    since: float  # when the segment started
    answered_t: float | None
    agent: str | None
    agent_channel: str | None
    ringing_agents: list[str]
    vars: dict[str, str]
    unconfirmed: bool  # the AMI link dropped since; the resync snapshot decides
    direction: Direction


@dataclass(slots=True)
class Call:
    """Everything sharing one Linkedid."""

    linkedid: str
    first_t: float = 0.0  # when the tracker first heard of it (to tell calls from before a restart)
    segments: list[Segment] = field(default_factory=list)
    channels: set[str] = field(default_factory=set)  # uniqueids
    unconfirmed: bool = False  # the AMI link dropped; the resync snapshot decides
    # The file MixMonitor writes the call to, as Asterisk named it (VarSet MIXMONITOR_FILENAME on
    # any of its channels: app_queue's monitor-format on the caller's, or the dialplan's MixMonitor).
    recording: str | None = None

    def open_segments(self) -> list[Segment]:
        return [s for s in self.segments if not s.ended]
