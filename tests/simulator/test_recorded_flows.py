"""The simulator against sessions of the real Asterisk 22 recorded by the live conformance test
(``tests/simulator/recorded``): the same flow on the simulator, pinned to the options the real one
took where it varies, gives the same domain events and the same call skeletons. No Asterisk needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from telephony.transcripts import load, parse_frame_headers
from tests.simulator.compare import domain, skeleton, snapshots
from tests.simulator.flows import FLOWS, run
from tests.simulator.recorded import header, recordings
from tests.simulator.simfloor import SimFloor

RECORDED = recordings()


def _messages(path: Path) -> list[tuple[float, dict[str, str]]]:
    return [(f.t, parse_frame_headers(f.raw)) for f in load(path).frames if f.dir == "recv" and not f.is_banner]


def test_every_flow_has_a_recording() -> None:
    assert {header(path)["scenario"] for path in RECORDED.values()} == set(FLOWS)


@pytest.mark.parametrize("name", sorted(RECORDED))
async def test_simulator_gives_the_recorded_sessions_domain_events(name: str, tmp_path: Path) -> None:
    path = RECORDED[name]
    floor = SimFloor(header(path)["pins"])
    await run(floor, FLOWS[header(path)["scenario"]])
    ours = floor.recorder.write(tmp_path / "sim.jsonl")
    assert domain(ours) == domain(path)
    assert skeleton(floor.messages) == skeleton(_messages(path))


async def test_snapshot_fields_are_the_recorded_ones() -> None:
    """Case 5: CoreShowChannels of a caller waiting in Queue() and of a talking queue call."""
    path = RECORDED["hung-up-by-calldesk"]
    floor = SimFloor(header(path)["pins"])
    result = await run(floor, FLOWS["hung-up-by-calldesk"])

    replies: dict[str, list[dict[str, str]]] = {}
    for _, m in _messages(path):
        if m.get("Event") == "CoreShowChannel":
            replies.setdefault(m["ActionID"], []).append(m)
    theirs = [sorted(items, key=lambda m: m["Channel"]) for items in replies.values()]  # as Floor.snapshot
    assert snapshots(result["waiting"], result["talking"]) == snapshots(*theirs)
    assert (theirs[0][0]["Application"], theirs[0][0]["ApplicationData"]) == ("Queue", "retail,t,,,600")
