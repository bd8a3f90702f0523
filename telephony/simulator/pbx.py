"""The simulated PBX: channels, ids, phones, queues, and the event stream.

Ids follow Asterisk: channel names ``PJSIP/<endpoint>-<8 hex digits>`` from one counter shared by
all SIP channels, ``Local/<exten>@<context>-<8 hex>;1/;2`` from their own, and Uniqueids
``<unix seconds at creation>.<sequence>``. Every state change is emitted at once, in Asterisk's
order, to every subscriber (the AMI sessions).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from pathlib import Path

from telephony.simulator import events as ev
from telephony.simulator.clock import SimClock
from telephony.simulator.dialout import Dialout
from telephony.simulator.ledger import Ledger
from telephony.simulator.model import UNKNOWN, Call, Channel, Member, Phone, Queue, QueueConfig
from telephony.simulator.variants import Variants

Subscriber = Callable[[ev.Fields], None]


class Pbx:
    def __init__(self, clock: SimClock | None = None, rng: random.Random | None = None,
                 variants: Variants | None = None) -> None:
        self.clock = clock or SimClock()
        self.rng = rng or random.Random(0)
        # Asterisk's own non-determinism (event orders, header sets): scripted unless given a seed.
        self.variants = variants or Variants()
        self.queues: dict[str, Queue] = {}
        self.phones: dict[str, Phone] = {}  # by interface, PJSIP/1001
        self.channels: dict[str, Channel] = {}
        self.bridges: dict[str, list[Channel]] = {}  # bridge id -> the channels in it, in order
        self.member_index: dict[str, dict[str, Member]] = {}  # state interface -> queue -> membership
        self.calls: list[Call] = []
        self.ledger = Ledger()  # what it did, for benchmarks (telephony.simulator.ledger)
        self.subscribers: list[Subscriber] = []
        self.globals: dict[str, str] = {}
        self.held: list[ev.Fields] | None = None
        self.started_unix = int(self.clock.unix())
        self.booted_at = self.clock.now
        self.events_emitted = 0
        # Seconds until a ringing phone answers by itself (None: it does not); traffic randomises it.
        self.answer_delay: Callable[[Phone], float | None] = lambda phone: phone.ring_delay
        # Whether a phone's "in use" status follows AgentConnect (True) or precedes DialEnd.
        self.late_device_state: Callable[[], bool] = lambda: self.variants.pick("in_use_status") == "after_connect"
        self.dialout: Callable[[str], Dialout] = lambda number: Dialout()
        self.on_auto_pause: Callable[[Member], None] = lambda member: None  # traffic: the agent comes back later
        self.on_connected: list[Callable[[Call], None]] = []  # habits: an agent may transfer the call
        self.on_idle: list[Callable[[], None]] = []  # run when a phone or member may have freed up
        self.on_hangup: list[Callable[[Channel], None]] = []  # run after a channel's Hangup (ChanSpy's E)
        # Where MixMonitor's files are written (the demo's recordings folder); None: names only.
        self.recordings_dir: Path | None = None
        self._wake_pending = False
        self._unique_seq = 0
        self._sip_seq = 0
        self._local_seq = 0

    # -- configuration -------------------------------------------------------------------
    def add_queue(self, config: QueueConfig) -> Queue:
        self.queues[config.name] = queue = Queue(config)
        return queue

    def add_phone(self, phone: Phone) -> Phone:
        self.phones[phone.interface] = phone
        return phone

    def queue_of(self, call: Call) -> Queue:
        """The queue a caller waits in (KeyError for a caller in none, as ``queues[None]`` was)."""
        if call.queue is None:
            raise KeyError(f"{call.caller.name} waits in no queue")
        return self.queues[call.queue]

    def phone_of(self, member: Member) -> Phone | None:
        return self.phones.get(member.state_interface)

    def phone_by_extension(self, extension: str) -> Phone | None:
        return self.phones.get(f"PJSIP/{extension}")

    def memberships(self, phone: Phone) -> list[Member]:
        return list(self.member_index.get(phone.interface, {}).values())

    def reboot(self) -> None:
        """A new Asterisk process: memberships and pauses persist (persistentmembers), nothing else."""
        self.booted_at = self.clock.now
        self._sip_seq = self._local_seq = 0
        for queue in self.queues.values():
            queue.rr_next = queue.completed = queue.abandoned = 0
            queue.holdtime_total = queue.talktime_total = 0.0
            for member in queue.members.values():
                member.calls_taken = member.last_call = 0
        for phone in self.phones.values():
            phone.wrapup_until, phone.last_call = 0.0, 0

    def uptime(self) -> int:
        return int(self.clock.now - self.booted_at)

    # -- events ----------------------------------------------------------------------------
    def emit(self, fields: ev.Fields) -> None:
        if self.held is not None:  # an action is being answered: its events follow its response
            self.held.append(fields)
            return
        self.events_emitted += 1
        for subscriber in list(self.subscribers):
            subscriber(fields)

    def unix(self) -> int:
        return int(self.clock.unix())

    def phone_changed(self, phone: Phone, in_call: bool = False) -> None:
        """QueueMemberStatus for every queue the phone is in (app_queue repeats it per queue)."""
        for member in self.memberships(phone):
            self.emit(ev.member_event("QueueMemberStatus", member, phone, in_call))
        if not phone.busy:
            self.wake()

    def wake(self) -> None:
        """Let waiting callers look for free members once the current flow has finished emitting."""
        if not self._wake_pending:
            self._wake_pending = True
            self.clock.call_later(0.0, self._run_wake)

    def _run_wake(self) -> None:
        self._wake_pending = False
        for hook in self.on_idle:
            hook()

    # -- channels --------------------------------------------------------------------------
    def _uniqueid(self) -> str:
        uid = f"{self.unix()}.{self._unique_seq}"
        self._unique_seq += 1
        return uid

    def sip_channel(self, endpoint: str, linkedid: str | None = None, *, emit: bool = True, **attrs: object) -> Channel:
        name = f"PJSIP/{endpoint}-{self._sip_seq:08x}"
        self._sip_seq += 1
        return self._new_channel(name, linkedid, emit, attrs)

    def local_pair(self, exten: str, context: str, linkedid: str, **attrs: object) -> tuple[Channel, Channel]:
        base = f"Local/{exten}@{context}-{self._local_seq:08x}"
        self._local_seq += 1
        one = self._new_channel(f"{base};1", linkedid, True, dict(attrs, context=context, exten=exten))
        two = self._new_channel(f"{base};2", linkedid, True, dict(attrs, context=context, exten=exten))
        return one, two

    def _new_channel(self, name: str, linkedid: str | None, emit: bool, attrs: dict[str, object]) -> Channel:
        uid = self._uniqueid()
        ch = Channel(name=name, uniqueid=uid, linkedid=linkedid or uid, created=self.clock.now)
        for key, value in attrs.items():
            setattr(ch, key, value)
        self.channels[name] = ch
        if emit:
            self.emit(ev.on_channel("Newchannel", ch))
        return ch

    def agent_channel(self, phone: Phone, linkedid: str | None) -> Channel:
        """A queue or Dial leg to an agent phone: ``PJSIP/1001-…`` in context agents-out."""
        return self.sip_channel(
            phone.extension, linkedid, caller_num=phone.extension, caller_name=phone.cid_name,
            context="agents-out", exten="s", priority=1,
        )

    def inherit_vars(self, parent: Channel, child: Channel) -> None:
        """Variables set with ``__`` are inherited by dialled legs (VarSet on the new leg)."""
        for name in ("__CC_DID", "__CUSTOMER_TIER", "__CUSTOMER_ACCOUNT", "__CUSTOMER_VERIFIED"):
            if name in parent.vars:
                child.vars[name] = parent.vars[name]
                self.emit(ev.varset(child, name, parent.vars[name]))

    def set_var(self, ch: Channel, name: str, value: str) -> None:
        ch.vars[name] = value
        self.emit(ev.varset(ch, name, value))

    def set_state(self, ch: Channel, state: int) -> None:
        ch.state = state
        self.emit(ev.on_channel("Newstate", ch))

    def connect_line(self, a: Channel, b: Channel) -> None:
        a.connected_num, a.connected_name = b.caller_num, b.caller_name
        b.connected_num, b.connected_name = a.caller_num, a.caller_name

    def destroy(self, ch: Channel, cause: int) -> None:
        if ch.hung_up:
            return
        self.leave_bridge(ch)  # a channel still bridged leaves it before its Hangup
        ch.hung_up = True
        self.emit(ev.hangup(ch, cause))
        self.channels.pop(ch.name, None)
        for hook in list(self.on_hangup):
            hook(ch)

    # -- bridges: BridgeEnter / BridgeLeave with the count after the move ---------------------
    def bridge(self, a: Channel, b: Channel) -> str:
        """A new basic bridge, ``a`` entering first."""
        bridge_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self.bridges[bridge_id] = []
        for ch in (a, b):
            self.enter_bridge(bridge_id, ch)
        return bridge_id

    def enter_bridge(self, bridge_id: str, ch: Channel) -> None:
        self.leave_bridge(ch)
        members = self.bridges.setdefault(bridge_id, [])
        members.append(ch)
        ch.bridge = bridge_id
        self.emit(ev.bridge_event("BridgeEnter", bridge_id, len(members), ch))

    def leave_bridge(self, *channels: Channel) -> None:
        """Each channel leaves its bridge, in this order (the side that hung up first)."""
        for ch in channels:
            members = self.bridges.get(ch.bridge)
            if members is None or ch not in members:
                ch.bridge = ""
                continue
            members.remove(ch)
            self.emit(ev.bridge_event("BridgeLeave", ch.bridge, len(members), ch))
            if not members:
                del self.bridges[ch.bridge]
            ch.bridge = ""

    def channel_by_name(self, name: str) -> Channel | None:
        return self.channels.get(name)

    def call_of(self, ch: Channel) -> Call | None:
        for call in self.calls:
            if call.caller is ch or call.customer is ch:
                return call
            legs = call.legs + ([call.connected] if call.connected else [])
            if any(ch in (leg.channel, leg.phone_channel, leg.local2) for leg in legs):
                return call
        return None

    @staticmethod
    def unknown_if_empty(value: str | None) -> str:
        return value or UNKNOWN
