"""Random traffic from a seeded RNG: the mix of callers and the Poisson arrival rate."""

from __future__ import annotations

import itertools
import random
import statistics

from telephony.simulator import center, queues
from telephony.simulator.clock import SimClock
from telephony.simulator.pbx import Pbx
from telephony.simulator.traffic import Customer, Traffic, TrafficConfig

CUSTOMERS = [Customer(f"1380000{i:04d}", f"31000000{i:04d}", "vip" if i < 20 else "") for i in range(100)]


def make(rate: float = 3600.0, seed: int = 5) -> Traffic:
    pbx = Pbx(SimClock(epoch=0.0))
    pbx.on_idle.append(lambda: queues.dispatch(pbx))
    center.build(pbx, center.AgentSetup(count=4))
    return Traffic(pbx, TrafficConfig(calls_per_hour=rate, customers=CUSTOMERS), random.Random(seed))


def test_the_caller_mix_follows_the_configuration() -> None:
    traffic = make()
    specs = [traffic.next_spec() for _ in range(20_000)]
    known = {c.number for c in CUSTOMERS}
    unknown = sum(s.number not in known for s in specs) / len(specs)
    assert 0.17 < unknown < 0.23  # unknown_share 0.2
    direct = [s for s in specs if s.direct_to]
    assert 0.02 < len(direct) / len(specs) < 0.04 and {s.direct_to for s in direct} == {"1002"}
    assert 0.035 < sum(s.did == "95556" for s in specs) / len(specs) < 0.065
    keyed = [s for s in specs if s.number in known and s.account]
    assert 0.6 < len(keyed) / sum(s.number in known for s in specs) < 0.8  # ivr_share 0.7
    assert all(s.tier == "" for s in specs if not s.account)  # a tier only comes with a keyed account
    assert {s.tier for s in keyed} == {"", "vip"}
    assert all(s.talk_s > 0 and s.patience_s >= 0 for s in specs)
    assert 0.03 < sum(s.exit_key_after_s is not None for s in specs) / len(specs) < 0.07
    assert 80 < statistics.median(s.talk_s for s in specs) < 100  # talk_median_s 90


def test_arrivals_are_poisson_at_the_configured_rate() -> None:
    traffic = make(rate=360.0)
    arrivals: list[float] = []
    traffic.pbx.subscribers.append(
        lambda f: arrivals.append(traffic.pbx.clock.now) if f[0][1] == "Newchannel" and "carrier" in f[2][1] else None)
    traffic.start()
    traffic.pbx.clock.run_until(20 * 3600)
    assert 0.95 * 7200 < len(arrivals) < 1.05 * 7200
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    mean = statistics.fmean(gaps)
    assert 9.5 < mean < 10.5 and 0.9 < statistics.pstdev(gaps) / mean < 1.1  # exponential: sd = mean


def test_vip_callers_wait_in_queue_vip() -> None:
    from telephony.simulator.inbound import queue_for

    traffic = make()
    specs = [traffic.next_spec() for _ in range(2000)]
    routed = {(s.tier, queue_for(traffic.pbx, s)) for s in specs if not s.direct_to and s.did == "95555"}
    assert routed == {("", "retail"), ("vip", "vip")}


def test_a_share_of_keyed_accounts_is_ivr_verified() -> None:
    traffic = make()
    specs = [traffic.next_spec() for _ in range(20_000)]
    keyed = [s for s in specs if s.account]
    assert 0.55 < sum(s.verified for s in keyed) / len(keyed) < 0.65  # verified_share 0.6
    assert not any(s.verified for s in specs if not s.account)  # nothing to verify without an account


def test_verified_callers_ring_agents_with_customer_verified_next_to_the_account() -> None:
    """What the server reads: the tracker's ringing events carry CUSTOMER_VERIFIED=1 and the
    account, and console.server.pop.ivr_info calls such a caller verified."""
    from console.server.pop import ivr_info
    from telephony.tracker import Tracker

    traffic = make(rate=600.0)
    tracker, ringing = Tracker(), []
    traffic.pbx.subscribers.append(
        lambda f: ringing.extend(e for e in tracker.feed(dict(f), traffic.pbx.clock.now) if e.name == "ringing"))
    traffic.start()
    traffic.pbx.clock.run_until(3600)
    verdicts = [ivr_info(dict(e.vars)) for e in ringing]
    verified = [v for v in verdicts if v["verified"]]
    assert verified and all(v["account"] for v in verified)
    assert any(v["account"] and not v["verified"] for v in verdicts)  # a share only
