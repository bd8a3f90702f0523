"""The domain events: what the telephony layer tells everyone else.

One JSON object per event, named by its ``event`` key (see DESIGN.md, "The domain events").
``t`` is the time, in seconds, of the AMI event that caused it (the PBX's clock or the
transcript's, never a clock read here). ``call`` is the Asterisk ``Linkedid`` of the call.
Channel fields are real Asterisk channel names (the legs behind any Local channel hops).

The events are plain frozen dataclasses: no I/O, no behaviour beyond their JSON form.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

RingStopReason = Literal["answered_elsewhere", "caller_left", "timeout", "rejected"]
TransferKind = Literal["blind", "attended", "blonde"]
Outcome = Literal[
    "answered", "abandoned", "no_answer", "busy", "rejected", "cancelled",
    "refused", "callback_requested", "failed",
]
HangupBy = Literal["caller", "agent", "system"]
AgentStateName = Literal["logged_out", "available", "ringing", "on_call", "wrap_up", "paused"]
AGENT_STATE_URGENCY: tuple[AgentStateName, ...] = ("on_call", "ringing", "wrap_up", "available", "paused", "logged_out")
"""Asterisk reports an agent's state queue by queue; the one that says most about the agent, when
one must stand for all, is the first of these: what they are doing, then whether calls reach them."""
Direction = Literal["inbound", "outbound"]
OriginateOutcome = Literal["answered", "busy", "no_answer", "failed"]

@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    name: ClassVar[str] = ""
    t: float

    def to_json(self) -> dict[str, Any]:
        """The wire form: ``{"event": name, "t": …, …fields}``."""
        out: dict[str, Any] = {"event": self.name}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = dict(value) if isinstance(value, dict) else value
        return out


def event_from_json(data: dict[str, Any]) -> DomainEvent:
    """Rebuild an event from its wire form; unknown keys are ignored, a bad name raises ValueError."""
    try:
        cls = EVENT_TYPES[data["event"]]
    except KeyError:
        raise ValueError(f"unknown domain event {data.get('event')!r}") from None
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True, kw_only=True)
class Queued(DomainEvent):
    """A caller joined a queue and waits for an agent (app_queue's QueueCallerJoin): the queue's
    waiting figures change. Leaving is told by ``answered`` or the pass's ``ended``."""

    name: ClassVar[str] = "queued"
    call: str
    queue: str
    caller: str
    caller_name: str | None = None
    position: int | None = None
    pass_no: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Ringing(DomainEvent):
    """An agent's phone rings for a call: the moment of the screen pop."""

    name: ClassVar[str] = "ringing"
    call: str
    agent: str
    caller: str
    caller_name: str | None = None
    queue: str | None = None
    wait_s: float = 0.0
    vars: dict[str, str] = field(default_factory=dict)
    caller_channel: str | None = None
    agent_channel: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RingStopped(DomainEvent):
    """An agent's phone stopped ringing without that agent answering: clear the pop."""

    name: ClassVar[str] = "ring_stopped"
    call: str
    agent: str
    reason: RingStopReason


@dataclass(frozen=True, slots=True, kw_only=True)
class Answered(DomainEvent):
    name: ClassVar[str] = "answered"
    call: str
    agent: str
    queue: str | None = None
    wait_s: float = 0.0
    caller_channel: str | None = None
    agent_channel: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Transferred(DomainEvent):
    """The call moved from one agent to a target; the customer stays the call's caller."""

    name: ClassVar[str] = "transferred"
    call: str
    from_agent: str | None
    to: str
    kind: TransferKind
    caller_channel: str | None = None
    to_channel: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ended(DomainEvent):
    """A call (one pass through one queue, one direct or outbound call) is over: one per pass."""

    name: ClassVar[str] = "ended"
    call: str
    caller: str
    agent: str | None
    queue: str | None
    outcome: Outcome
    hangup_by: HangupBy
    cause: int | None = None
    wait_s: float = 0.0
    talk_s: float = 0.0
    caller_channel: str | None = None
    # "outbound": an agent's phone placed the call (not an Originate); ``caller`` is then the
    # number dialled (the customer), ``agent`` the agent who dialled it.
    direction: Direction = "inbound"
    # Which pass of ``call`` through ``queue`` this is: 2 for a caller transferred or redirected
    # back into a queue it already went through (each pass is a call of its own in the figures,
    # as app_queue counts it). Frames without it (older producers) are a first pass.
    pass_no: int = 1
    # The call's recording as Asterisk wrote it (MixMonitor's file name, e.g.
    # /var/spool/asterisk/monitor/1795372966.0.wav); None when the PBX recorded nothing.
    recording: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SurveyAnswered(DomainEvent):
    """The caller answered the post-call satisfaction survey (dialplan UserEvent CallSurvey):
    ``score`` 1 (very unsatisfied) … 5 (very satisfied) for the call's pass with ``agent``."""

    name: ClassVar[str] = "survey"
    call: str
    agent: str | None
    queue: str | None
    score: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CallbackRequested(DomainEvent):
    """The caller left the queue asking to be called back (dialplan UserEvent CallbackRequest)."""

    name: ClassVar[str] = "callback_requested"
    call: str
    caller: str
    account: str | None = None
    queue: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentState(DomainEvent):
    name: ClassVar[str] = "agent_state"
    agent: str
    state: AgentStateName
    reason: str | None = None
    queue: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OriginateResult(DomainEvent):
    """The result of an Originate (click-to-call or a campaign call)."""

    name: ClassVar[str] = "originate_result"
    call: str | None
    action_id: str
    number: str
    outcome: OriginateOutcome
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueStats(DomainEvent):
    name: ClassVar[str] = "queue_stats"
    queue: str
    waiting: int = 0
    longest_wait_s: float = 0.0
    agents: dict[str, int] = field(default_factory=dict)
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    service_level: float | None = None
    asa_s: float | None = None
    aht_s: float | None = None
    # Added for the wallboard (telephony.stats_live); defaults keep older producers valid.
    short_abandoned: int = 0
    abandon_rate: float | None = None
    longest_wait_today_s: float = 0.0
    service_level_s: float | None = None
    target_pct: float | None = None
    vip_waiting: int = 0
    longest_vip_wait_s: float = 0.0
    day_start: float | None = None
    """Local midnight of the day these counts cover (epoch seconds)."""
    interval_s: float = 900.0
    sparkline: list[int] = field(default_factory=list)
    """Offered calls per ``interval_s`` from ``day_start`` up to the current interval."""
    csat: float | None = None
    """Today's mean post-call survey answer (1-5) of the queue's answered calls; None: no answer yet."""
    csat_answers: int = 0


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.name: cls
    for cls in (
        Queued, Ringing, RingStopped, Answered, Transferred, Ended, CallbackRequested, SurveyAnswered,
        AgentState, OriginateResult, QueueStats,
    )
}
