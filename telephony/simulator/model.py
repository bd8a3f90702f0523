"""The simulated PBX's state: channels, agent phones, queues and their members, calls.

Plain data; the behaviour lives in ``pbx`` (channels and events), ``queues`` (app_queue),
``talk`` (answered calls and transfers), ``direct`` and ``originate``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from telephony.simulator.clock import Timer

if TYPE_CHECKING:  # transfer.py builds on this module
    from telephony.simulator.transfer import Consult

UNKNOWN = "<unknown>"
STATE_DESC = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up"}
Strategy = Literal["ringall", "rrmemory", "leastrecent"]


@dataclass
class Channel:
    name: str
    uniqueid: str
    linkedid: str
    caller_num: str = UNKNOWN
    caller_name: str = UNKNOWN
    connected_num: str = UNKNOWN
    connected_name: str = UNKNOWN
    context: str = ""
    exten: str = "s"
    priority: int = 1
    state: int = 0
    created: float = 0.0
    application: str = ""
    app_data: str = ""
    bridge: str = ""
    vars: dict[str, str] = field(default_factory=dict)
    hung_up: bool = False


@dataclass
class Phone:
    """An agent's SIP phone (the state interface of one or more queue memberships)."""

    interface: str  # PJSIP/1001
    extension: str  # 1001
    name: str  # the member name shown in queue events, e.g. 张伟
    cid_name: str  # the phone's own caller ID name, e.g. Zhang Wei
    ring_delay: float | None = 3.0  # seconds until it answers by itself; None: answers only on request
    channel: Channel | None = None  # the leg it is on (ringing or talking)
    ringing: bool = False
    wrapup_until: float = 0.0
    last_call: int = 0
    answer: Callable[[], None] | None = None  # what answering now does (set while it rings)

    @property
    def busy(self) -> bool:
        return self.channel is not None


@dataclass
class Member:
    """One phone's membership of one queue (pause and penalty are per queue, as in app_queue)."""

    queue: str
    interface: str  # as added: PJSIP/1001, or Local/1004@agents/n
    name: str
    state_interface: str
    penalty: int = 0
    paused: bool = False
    paused_reason: str = ""
    calls_taken: int = 0
    last_call: int = 0
    last_pause: int = 0
    login_time: int = 0


@dataclass
class QueueConfig:
    name: str
    strategy: Strategy = "rrmemory"
    weight: int = 0
    timeout: float = 12.0
    retry: float = 2.0
    wrapuptime: float = 3.0
    autopause: bool = True
    servicelevel: int = 20
    exit_keys: frozenset[str] = frozenset()  # digits of the queue's exit context (retail: "1")
    joinempty: bool = True  # False: a caller is refused (QUEUESTATUS=JOINEMPTY) when no member is usable
    leavewhenempty: bool = False  # True: waiting callers are sent out (LEAVEEMPTY) when none is left
    # monitor-format: app_queue starts MixMonitor on the caller's channel when an agent answers
    # (the lab's queues, and calldesk's sample queues.conf, record every answered call).
    monitor: bool = True


@dataclass
class Queue:
    config: QueueConfig
    members: dict[str, Member] = field(default_factory=dict)
    entries: list[Call] = field(default_factory=list)
    rr_next: int = 0
    completed: int = 0
    abandoned: int = 0
    holdtime_total: float = 0.0
    talktime_total: float = 0.0

    @property
    def name(self) -> str:
        return self.config.name


@dataclass
class CallSpec:
    """What a caller will do: the traffic generator and the scenarios build these."""

    number: str
    name: str = UNKNOWN
    did: str = "95555"  # 95555 hotline (IVR, vip by tier), 95556 ring-all, else a direct line
    queue: str | None = None  # overrides the DID's queue
    direct_to: str | None = None  # extension dialled directly (no queue)
    account: str | None = None  # keyed in the IVR; None: no IVR variables
    tier: str = ""
    verified: bool = False  # the IVR checked the keyed account's trading password (CUSTOMER_VERIFIED=1)
    ivr_s: float = 3.0
    patience_s: float | None = None  # hangs up after waiting this long in the queue
    talk_s: float | None = 60.0  # None: talks until told otherwise (scripts)
    hangup_by: Literal["caller", "agent"] = "caller"
    exit_key_after_s: float | None = None  # presses 1 (callback request) after this long in queue
    # The survey hotline (95559): the key pressed when asked after the agent hung up (None: none).
    survey_score: int | None = None
    survey_after_s: float = 3.0


@dataclass
class Leg:
    """One ringing or connected agent leg of a call."""

    phone: Phone
    channel: Channel  # the leg the queue dials (PJSIP/1001-…, or Local/…;1 for Local members)
    member: Member | None
    dialed_at: float
    phone_channel: Channel | None = None  # for Local members: PJSIP/1004-…; the ;2 half is ``local2``
    local2: Channel | None = None
    timer: Timer | None = None

    def queue_member(self) -> Member:
        """The membership a queue rang this leg for: every leg of a queue's ring has one."""
        if self.member is None:
            raise ValueError(f"{self.channel.name} was not dialled by a queue")
        return self.member


@dataclass
class Call:
    """One caller's journey: through a queue or a direct line, then talking, maybe transferred."""

    spec: CallSpec
    caller: Channel
    queue: str | None = None  # the queue it waits in now
    queue_of_answer: str | None = None  # the queue whose member answered
    joined_at: float = 0.0
    position: int = 0
    original_position: int = 0
    attempt: Literal["idle", "ringing", "retry"] = "idle"
    legs: list[Leg] = field(default_factory=list)
    connected: Leg | None = None
    answered_at: float = 0.0
    timers: list[Timer] = field(default_factory=list)
    ring_timer: Timer | None = None
    talk_timer: Timer | None = None
    transfer: Consult | None = None  # an attended transfer in progress
    complete_on_hangup: Leg | None = None  # a redirect defers AgentComplete to the caller's hang-up
    customer: Channel | None = None  # the customer leg of an agent's click-to-dial
    spied: Channel | None = None  # the channel a supervisor's ChanSpy call is listening to
    leaving_empty: bool = False  # a LEAVEEMPTY check is pending
    recording: str | None = None  # the MixMonitor file's name (<uniqueid>.wav), once an agent answered
    done: bool = False
