"""Random callers: Poisson arrivals at a configured rate, from an injected RNG (so a seed replays).

Numbers come from the customer list given (the CLI reads them from the store) plus a share of
unknown numbers; some callers key in their account in the IVR (CUSTOMER_ACCOUNT/CUSTOMER_TIER),
VIP-tier accounts go to queue vip; the IVR verifies the trading password of a share of those who
key in their account (CUSTOMER_VERIFIED=1: the server shows them unmasked). Patience and talk
times are exponential / log-normal; agents answer after a random ring delay and sometimes not at
all (ring-no-answer); a few callers press 1 for a callback; outbound calls are answered, busy,
unanswered or unreachable.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from telephony.simulator import inbound, members
from telephony.simulator.dialout import Dialout, DialoutOutcome
from telephony.simulator.model import UNKNOWN, CallSpec, Member, Phone
from telephony.simulator.pbx import Pbx
from telephony.simulator.survey import SURVEY_DID


@dataclass(frozen=True)
class Customer:
    number: str
    account: str | None = None
    tier: str = ""  # "vip" routes to queue vip
    name: str | None = None  # the carrier's caller name, when it sends one


@dataclass
class TrafficConfig:
    calls_per_hour: float = 120.0
    customers: list[Customer] = field(default_factory=list)
    unknown_share: float = 0.2  # callers not in the customer list
    ivr_share: float = 0.7  # known callers who key in their account
    verified_share: float = 0.6  # of those, callers whose trading password the IVR verified
    ringall_share: float = 0.05
    direct_share: float = 0.03
    direct_extension: str = "1002"
    patience_mean_s: float = 120.0
    talk_median_s: float = 90.0
    agent_hangup_share: float = 0.4
    exit_key_share: float = 0.05
    ring_no_answer_share: float = 0.03
    ring_delay_range: tuple[float, float] = (1.0, 5.0)
    auto_pause_s: tuple[float, float] = (20.0, 120.0)  # how long an auto-paused agent stays paused
    break_every_s: float = 1800.0  # mean time between an agent's breaks (0: none)
    transfer_share: float = 0.03  # answered queue calls the agent transfers (to a colleague or queue retail)
    survey_share: float = 0.0  # hotline callers who call the survey hotline (95559): asked after the agent hangs up
    survey_answer_share: float = 0.6  # of those asked, callers who press a key (1-5)


class Traffic:
    def __init__(self, pbx: Pbx, config: TrafficConfig, rng: random.Random) -> None:
        self.pbx, self.config, self.rng = pbx, config, rng
        # The survey's draws come from a stream of their own: turning it on moves no other call.
        self.survey_rng = random.Random(hash(rng.getstate()[1][:16]))  # reads the state, draws nothing
        self.placed = 0
        self.stopped = False
        pbx.answer_delay = self._answer_delay
        pbx.dialout = self._dialout
        pbx.late_device_state = lambda: rng.random() < 0.5
        pbx.on_auto_pause = self._come_back_later

    def start(self) -> None:
        from telephony.simulator.habits import Habits

        self.habits = Habits(self.pbx, self.rng, self.config.break_every_s, self.config.transfer_share)
        self.habits.start()
        self._schedule_next()

    def stop(self) -> None:
        """No new callers from now on (the calls in progress go on to their end)."""
        self.stopped = True

    def _schedule_next(self) -> None:
        rate = self.config.calls_per_hour / 3600.0
        if rate > 0 and not self.stopped:
            self.pbx.clock.call_later(self.rng.expovariate(rate), self._arrive)

    def _arrive(self) -> None:
        if self.stopped:
            return
        inbound.place_call(self.pbx, self.next_spec())
        self.placed += 1
        self._schedule_next()

    def next_spec(self) -> CallSpec:
        c, rng = self.config, self.rng
        known = c.customers and rng.random() >= c.unknown_share
        customer = rng.choice(c.customers) if known else Customer(self._unknown_number())
        keyed = known and customer.account and rng.random() < c.ivr_share
        verified = bool(keyed) and rng.random() < c.verified_share
        roll = rng.random()
        did, direct_to = "95555", None
        if roll < c.direct_share:
            did, direct_to = "95557", c.direct_extension
        elif roll < c.direct_share + c.ringall_share:
            did = "95556"
        survey_score = None
        if did == "95555" and self.survey_rng.random() < c.survey_share:
            did = SURVEY_DID
            if self.survey_rng.random() < c.survey_answer_share:  # mostly satisfied, some not at all
                survey_score = self.survey_rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 2, 4, 6))[0]
        return CallSpec(
            survey_score=survey_score, survey_after_s=self.survey_rng.uniform(2.0, 6.0),
            number=customer.number, name=customer.name or UNKNOWN, did=did, direct_to=direct_to,
            account=customer.account if keyed else ("" if rng.random() < 0.5 else None),
            tier=customer.tier if keyed else "", verified=verified, ivr_s=rng.uniform(2.0, 8.0),
            patience_s=rng.expovariate(1.0 / c.patience_mean_s),
            talk_s=rng.lognormvariate(math.log(c.talk_median_s), 0.6),
            hangup_by="agent" if rng.random() < c.agent_hangup_share else "caller",
            exit_key_after_s=rng.uniform(5.0, 60.0) if rng.random() < c.exit_key_share else None,
        )

    def _unknown_number(self) -> str:
        if self.rng.random() < 0.8:
            return "1" + self.rng.choice("3456789") + "".join(self.rng.choices("0123456789", k=9))
        return "0" + self.rng.choice(["21", "10", "755", "571"]) + "".join(self.rng.choices("0123456789", k=8))

    def _answer_delay(self, phone: Phone) -> float | None:
        if phone.ring_delay is None or self.rng.random() < self.config.ring_no_answer_share:
            return None
        return self.rng.uniform(*self.config.ring_delay_range)

    def _come_back_later(self, member: Member) -> None:
        """An auto-paused agent notices and unpauses after a while (from the phone, like a real one)."""
        def unpause() -> None:
            still_member = member.interface in self.pbx.queues[member.queue].members
            if member.paused and member.paused_reason == "Auto-Pause" and still_member:
                members.pause(self.pbx, member.interface, False, queue=member.queue)

        self.pbx.clock.call_later(self.rng.uniform(*self.config.auto_pause_s), unpause)

    def _dialout(self, number: str) -> Dialout:
        roll = self.rng.random()
        outcome: DialoutOutcome = (
            "answer" if roll < 0.6 else "busy" if roll < 0.75 else "noanswer" if roll < 0.9 else "unreachable")
        return Dialout(outcome, self.rng.uniform(2.0, 10.0), self.rng.lognormvariate(math.log(60.0), 0.5))
