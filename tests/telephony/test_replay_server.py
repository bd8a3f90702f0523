"""Every capture through the replay server and a real Bridge over TCP = the offline replay."""

from __future__ import annotations

from pathlib import Path

import pytest

from telephony.replay import replay
from telephony.transcripts import load

from .ami_helpers import run_through_bridge, without_t

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami-transcripts"
CAPTURES = sorted(FIXTURES.glob("*.jsonl"))


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
async def test_capture_over_tcp_gives_the_offline_events(path: Path) -> None:
    expected = _lost_talk_aside(without_t(list(replay(path))))
    got, bridge, server = await run_through_bridge(load(path), chunk=(1, 97), seed=len(path.stem), timestamps=True)
    assert _lost_talk_aside(without_t(got)) == expected
    conns = len({f.conn for f in load(path).frames})
    assert server.connections == conns and bridge.reconnects == conns - 1


def _lost_talk_aside(events: list[dict]) -> list[dict]:
    """A call its link lost (a SIGKILLed PBX: ended by the system, no cause) ended when the link
    died: the offline replay has the capture's close time, the bridge its own clock (frozen
    here), so their talk times differ by design."""
    return [{**e, "talk_s": None} if e["event"] == "ended" and e["hangup_by"] == "system" and e["cause"] is None
            else e for e in events]


async def test_recorded_pace_scaled_by_speed() -> None:
    path = next(p for p in CAPTURES if p.stem.startswith("01-"))
    got, _, _ = await run_through_bridge(load(path), speed=200.0, timestamps=True)
    assert without_t(got) == without_t(list(replay(path)))


async def test_event_time_is_the_timestamp_header_else_the_injected_clock() -> None:
    path = next(p for p in CAPTURES if p.stem.startswith("01-"))
    stamped, _, _ = await run_through_bridge(load(path), timestamps=True)
    offline = list(replay(path))
    ringing = next(e for e in offline if e.name == "ringing")
    assert next(e for e in stamped if e.name == "ringing").t == ringing.t  # the recorded time
    unstamped, _, _ = await run_through_bridge(load(path), bridge_kw={"clock": lambda: 42.0})
    assert {e.t for e in unstamped} == {42.0}
