"""What simulated agents do on their own under random traffic: breaks and the odd transfer.

Phones answered from a console (``ring_delay`` None) are left alone: their agent decides.
"""

from __future__ import annotations

import random

from telephony.simulator import members, transfer
from telephony.simulator.model import Call, Leg, Member, Phone
from telephony.simulator.pbx import Pbx

BREAK_REASONS = ("break", "lunch", "training", "toilet", "meeting")


class Habits:
    def __init__(self, pbx: Pbx, rng: random.Random, break_every_s: float, transfer_share: float) -> None:
        self.pbx, self.rng = pbx, rng
        self.break_every_s, self.transfer_share = break_every_s, transfer_share
        self.breaks = self.transfers = 0

    def start(self) -> None:
        self.pbx.on_connected.append(self._maybe_transfer)
        if self.break_every_s > 0:
            for phone in self.pbx.phones.values():
                self._next_break(phone)

    def _next_break(self, phone: Phone) -> None:
        self.pbx.clock.call_later(self.rng.expovariate(1.0 / self.break_every_s), lambda: self._take_break(phone))

    def _take_break(self, phone: Phone) -> None:
        interfaces = {m.interface for m in self.pbx.memberships(phone) if not m.paused}
        if phone.ring_delay is None or phone.busy or not interfaces:
            self._next_break(phone)
            return
        reason = self.rng.choice(BREAK_REASONS)
        for interface in interfaces:
            members.pause(self.pbx, interface, True, reason)
        self.breaks += 1

        def back() -> None:
            for interface in interfaces:
                if any(m.paused and m.paused_reason == reason for m in self._of(interface)):
                    members.pause(self.pbx, interface, False)
            self._next_break(phone)

        self.pbx.clock.call_later(self.rng.uniform(60.0, 300.0), back)

    def _of(self, interface: str) -> list[Member]:
        return [q.members[interface] for q in self.pbx.queues.values() if interface in q.members]

    def _maybe_transfer(self, call: Call) -> None:
        leg = call.connected
        if leg is None or leg.member is None or leg.phone.ring_delay is None:
            return
        if self.rng.random() >= self.transfer_share:
            return
        talk_s = call.spec.talk_s or 60.0
        self.pbx.clock.call_later(self.rng.uniform(5.0, max(6.0, talk_s * 0.6)), lambda: self._transfer(call, leg))

    def _transfer(self, call: Call, leg: Leg) -> None:
        if call.done or call.connected is not leg or call.transfer is not None:
            return
        idle = [p.extension for p in self.pbx.phones.values()
                if not p.busy and p is not leg.phone and p.ring_delay is not None]
        target = self.rng.choice(idle) if idle and self.rng.random() < 0.5 else "8001"
        transfer.blind(self.pbx, call, target, "transfer-targets")
        self.transfers += 1
