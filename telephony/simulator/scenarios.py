"""Scripted runs that replay the real captures' situations (tests/fixtures/ami-transcripts).

A scenario says which phones and queue members exist, how each phone answers, and what happens
when: callers arriving (``CallSpec``), a phone hanging up, or an AMI action the client sends
(values may be functions of the PBX, e.g. the channel an agent is on). ``run`` steps the
virtual clock from one step to the next, so a 40-second call takes milliseconds.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from telephony.simulator import inbound, members, talk
from telephony.simulator.dialout import Dialout
from telephony.simulator.model import Call, CallSpec, Phone, QueueConfig
from telephony.simulator.pbx import Pbx

ActionValue = str | Callable[[Pbx], str]
SendAction = Callable[[dict[str, str]], Awaitable[object]]


@dataclass
class Step:
    t: float
    call: CallSpec | None = None
    do: Callable[[Pbx], None] | None = None
    action: Mapping[str, ActionValue] | None = None


@dataclass
class Scenario:
    name: str
    capture: str | None  # the capture it reproduces (None: no capture, e.g. VIP priority)
    members: list[tuple[str, str, str]]  # (queue, extension or Local/… interface, pause reason or "")
    steps: list[Step]
    end_t: float
    ring_delays: dict[str, float | None] = field(default_factory=dict)  # extension -> seconds (None: never)
    dialout: dict[str, Dialout] = field(default_factory=dict)
    queues: tuple[str, ...] = ("retail", "vip")
    # The capture's QueueMemberStatus "in use" follows AgentConnect: for every answer, or per answer in turn.
    late_device_state: bool | tuple[bool, ...] = False
    extra_phones: tuple[str, ...] = ()  # phones in no queue (a supervisor's 1009)
    # Asterisk's varying orders as the capture shows them (name -> options in turn); others: the first.
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def queue_configs(self, all_queues: list[QueueConfig]) -> list[QueueConfig]:
        return [q for q in all_queues if q.name in self.queues]


def prepare(pbx: Pbx, scenario: Scenario) -> None:
    """Set the phones and memberships before the client connects (its QueueStatus will see them)."""
    pbx.variants.scripted()
    for name, options in scenario.variants.items():
        pbx.variants.pin(name, *options)
    for ext in scenario.extra_phones:
        pbx.add_phone(Phone(interface=f"PJSIP/{ext}", extension=ext, name=ext, cid_name=ext))
    for ext, delay in scenario.ring_delays.items():
        pbx.phones[f"PJSIP/{ext}"].ring_delay = delay
    for queue, member, reason in scenario.members:
        # "1001" is PJSIP/1001; "Local/1004@agents/n" is a FreePBX-style member of phone PJSIP/1004
        ext = "".join(ch for ch in member.split("@")[0] if ch.isdigit())
        phone = pbx.phones[f"PJSIP/{ext}"]
        interface = member if member.startswith("Local/") else phone.interface
        members.add(pbx, queue, interface, phone.name, paused=bool(reason), reason=reason,
                    state_interface=phone.interface)
    if isinstance(scenario.late_device_state, tuple):
        turns = iter(scenario.late_device_state)
        pbx.late_device_state = lambda: next(turns, False)
    else:
        pbx.late_device_state = lambda: bool(scenario.late_device_state)
    plans = dict(scenario.dialout)
    pbx.dialout = lambda number: plans.get(number, Dialout())


async def run(pbx: Pbx, scenario: Scenario, send: SendAction) -> None:
    for step in sorted(scenario.steps, key=lambda s: s.t):
        pbx.clock.run_until(step.t)
        if step.call is not None:
            inbound.place_call(pbx, step.call)
        if step.do is not None:
            step.do(pbx)
        if step.action is not None:
            await send({k: v(pbx) if callable(v) else v for k, v in step.action.items()})
    pbx.clock.run_until(scenario.end_t)


def schedule(pbx: Pbx, scenario: Scenario, offset: float = 0.0) -> None:
    """Play a scenario on a running clock (``calldesk simulate --scenario``): its actions are
    carried out in the PBX itself, as if a client had sent them; connected clients see the events."""
    from telephony.simulator import actions

    def perform(step: Step) -> None:
        if step.call is not None:
            inbound.place_call(pbx, step.call)
        if step.do is not None:
            step.do(pbx)
        if step.action is not None:
            reply = actions.handle(pbx, {k: v(pbx) if callable(v) else v for k, v in step.action.items()})
            if reply.effect is not None:
                reply.effect()

    for step in scenario.steps:
        pbx.clock.call_at(offset + step.t, functools.partial(perform, step))


def agent_channel(ext: str) -> Callable[[Pbx], str]:
    """The name of the channel the phone is on (when the step runs, it is on one)."""
    def name(pbx: Pbx) -> str:
        channel = pbx.phones[f"PJSIP/{ext}"].channel
        if channel is None:
            raise ValueError(f"phone {ext} is on no call")
        return channel.name
    return name


def caller_hangs_up(number: str) -> Callable[[Pbx], None]:
    return lambda pbx: talk.caller_hangs_up(pbx, _call_from(pbx, number))


def agent_hangs_up(number: str) -> Callable[[Pbx], None]:
    return lambda pbx: talk.agent_hangs_up(pbx, _call_from(pbx, number))


def _call_from(pbx: Pbx, number: str) -> Call:
    return next(c for c in pbx.calls if c.spec.number == number and not c.done)


def set_ring_delay(ext: str, delay: float | None) -> Callable[[Pbx], None]:
    def apply(pbx: Pbx) -> None:
        pbx.phones[f"PJSIP/{ext}"].ring_delay = delay
    return apply
