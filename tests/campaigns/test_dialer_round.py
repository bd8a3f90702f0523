"""One pacing round sees one instant: the free agents and the calls in flight are counted together.

A round awaits the database for the leads due; the dialer's events are handled meanwhile. A call
that rings an agent during that await leaves the calls in flight and takes its agent out of the
free ones at once: counting the free agents before the await and the calls in flight after it
counted that agent free and unneeded, and dialled a customer for nobody (on the real Asterisk: a
third customer for two agents, abandoned on answer)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from console.server.dialer_flight import Flight
from console.store.models import Campaign
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, campaign_floor
from tests.server.conftest import FrozenClock


@pytest.mark.parametrize("mode", ["progressive", "predictive"])
async def test_a_call_that_rings_an_agent_while_the_round_reads_its_leads_is_counted_once(
        make_client, seeded_engine, mode) -> None:
    if seeded_engine.dialect.name != "sqlite":
        pytest.skip("pacing does not depend on the database: the SQLite run covers it")
    async with campaign_floor(make_client, lambda n, k: Dialout("answer", 1.0, 3.0), agents=2,
                              clock=FrozenClock(MONDAY_10)) as floor:
        campaign = await floor.create(mode=mode)
        await floor.import_csv(campaign, "number\n" + "\n".join(f"1396666{i:04d}" for i in range(6)) + "\n")
        with seeded_engine.connect() as conn:
            row = conn.execute(select(Campaign.__table__).where(Campaign.id == campaign)).one()
        dialer = floor.dialer
        assert dialer.free_agents("retail") == ["1001", "1002"]
        # Two customers dialled for the two agents, neither at an agent yet.
        ringing = [Flight(f"a{n}", "main", campaign, 900 + n, f"+861397777000{n}", None, 1, None, MONDAY_10)
                   for n in range(2)]
        for flight in ringing:
            dialer.flights.add(flight)
        read_leads = dialer._due

        def due(*args: Any) -> list[Any]:
            leads = read_leads(*args)
            ringing[0].at_agent, ringing[0].agent = True, "1001"  # its Ringing handled meanwhile
            return leads

        dialer._due = due
        await dialer._pace(row, MONDAY_10)
        free, in_flight, dialled = dialer.decisions[-1][1:]
        assert (free, in_flight, dialled) == (1, 1, 0)
        assert not dialer.dialled  # nobody dialled for an agent that is not there
