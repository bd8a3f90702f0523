"""Predictive pacing against the simulator: over-dials when few answer, never past the abandon cap.

The exhaustive check across answer rates 10%–90% is the pure pacing simulation in
tests/telephony/test_dialer.py; this is the shorter run of the real service (claims, Originates,
the queue, the recorded Interactions) at three answer rates.
"""

from __future__ import annotations

import random

import pytest

from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, campaign_floor
from tests.server.conftest import FrozenClock

CAP = 0.03


@pytest.mark.parametrize(("answer_rate", "leads"), [(0.1, 600), (0.5, 120), (0.9, 70)])
async def test_predictive_keeps_the_abandon_rate_under_the_cap(make_client, seeded_engine, answer_rate, leads) -> None:
    if seeded_engine.dialect.name != "sqlite":
        pytest.skip("pacing does not depend on the database: the SQLite run covers it")
    rng = random.Random(11)

    def customers(number: str, nth: int) -> Dialout:
        if rng.random() < answer_rate:
            return Dialout("answer", rng.uniform(0.5, 3.0), rng.uniform(4.0, 8.0))
        return Dialout(rng.choice(["busy", "unreachable"]))

    # At 10x the 2 s abandon threshold is 0.2 s of real time, well above the server's reaction time.
    async with campaign_floor(make_client, customers, agents=5, speed=10.0, clock=FrozenClock(MONDAY_10)) as floor:
        apologies: list[str] = []
        floor.sim.pbx.subscribers.append(lambda f: apologies.append(dict(f)["Channel"])
                                         if dict(f).get("Event") == "QueueCallerAbandon" else None)
        campaign = await floor.create(mode="predictive", max_attempts=1)
        await floor.import_csv(campaign, "number\n" + "\n".join(f"1392222{i:04d}" for i in range(leads)) + "\n")
        await floor.move(campaign, "start")
        stats = await floor.until_done(campaign, timeout=180)
        rounds = [r for r in floor.dialer.decisions if r[0] == campaign]
        window_size = floor.dialer.window_size
    redirected = len(apologies)
    peak = max((in_flight + dial) / free for _, free, in_flight, dial in rounds)
    print(f"answer rate {answer_rate:.0%}: {stats['attempts']} calls, {stats['contacts']} answered, "
          f"{stats['abandoned']} abandoned ({stats['abandon_rate']:.1%}), {redirected} redirected to the apology, "
          f"peak lines per free agent {peak:.2f}")
    assert stats["attempts"] == leads and stats["leads_left"] == 0
    assert stats["abandon_rate"] <= CAP
    window = floor.dialer.window(campaign)
    if leads <= window_size:  # the pacer saw every call: customers it redirected count as abandoned there too
        assert (window.answered, window.abandoned) == (stats["contacts"], stats["abandoned"])
    if answer_rate <= 0.1:
        assert peak > 1.5  # it did over-dial: few customers answer
