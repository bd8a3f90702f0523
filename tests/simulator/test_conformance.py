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


async def test_caller_leaving_a_ring_all_clears_every_pop() -> None:
    """Capture 15's situation (README: two DialEnd CANCEL per leg, then QueueCallerAbandon)."""
    events = through_tracker(await record(SCENARIOS["ringall-caller-leaves"]))
    stopped = sorted(dict(e[1:])["agent"] for e in events if e[0] == "ring_stopped")
    assert stopped == ["1001", "1002", "1003"]
    assert {dict(e[1:])["reason"] for e in events if e[0] == "ring_stopped"} == {"caller_left"}
    ended = [dict(e[1:]) for e in events if e[0] == "ended"]
    assert [(e["outcome"], e["hangup_by"], e.get("agent")) for e in ended] == [("abandoned", "caller", None)]


async def test_margin_queue_refuses_when_empty_and_sends_callers_out() -> None:
    """README, scenario 20: JOINEMPTY refuses at once; LEAVEEMPTY after the last member is removed."""
    messages = await record(SCENARIOS["margin-joinempty-leaveempty"])
    statuses = [m["Value"] for _, m in messages if m.get("Event") == "VarSet" and m["Variable"] == "QUEUESTATUS"]
    assert statuses == ["LEAVEEMPTY", "JOINEMPTY"]
    joins = [m["CallerIDNum"] for _, m in messages if m.get("Event") == "QueueCallerJoin"]
    assert joins == ["13820200001"]  # the refused caller never joins
    abandon = next(m for _, m in messages if m.get("Event") == "QueueCallerAbandon")
    assert abandon["CallerIDNum"] == "13820200001"
    ended = [dict(e[1:]) for e in through_tracker(messages) if e[0] == "ended"]
    assert [(e["caller"], e["outcome"]) for e in ended] == [("13820200001", "abandoned"), ("13820200002", "refused")]
