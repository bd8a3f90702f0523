"""A scripted simulator run, read over TCP, gives the capture's domain events through the tracker."""

from __future__ import annotations

import pytest

from telephony.simulator.catalogue import SCENARIOS
from tests.simulator.conformance import capture_messages, through_tracker
from tests.simulator.harness import record

WITH_CAPTURE = [name for name, s in SCENARIOS.items() if s.capture]


@pytest.mark.parametrize("name", WITH_CAPTURE)
async def test_scenario_matches_capture(name: str) -> None:
    scenario = SCENARIOS[name]
    expected = through_tracker(capture_messages(scenario.capture))
    assert expected, "the capture gives domain events"
    got = through_tracker(await record(scenario))
    assert got == expected


async def test_vip_caller_is_served_before_an_earlier_retail_caller() -> None:
    events = through_tracker(await record(SCENARIOS["vip-priority"]))
    rings = [dict(e[1:]) for e in events if e[0] == "ringing"]
    assert [(r["caller"], r["queue"]) for r in rings] == [("13500000005", "vip"), ("13800000001", "retail")]
    ended = [dict(e[1:]) for e in events if e[0] == "ended"]
    assert [(e["caller"], e["outcome"]) for e in ended] == [("13500000005", "answered"), ("13800000001", "answered")]
