"""The tracker on AMI the real Asterisk sent in calldesk's own lab runs (tests/live/record_flows.py):
the cases where Asterisk's events alone mislead, pinned offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from telephony.replay import replay
from telephony.tracker import Tracker
from telephony.transcripts import load, parse_frame_headers

LAB = Path(__file__).resolve().parents[1] / "fixtures" / "lab-recordings"


def _of(events: list[Any], name: str, **where: Any) -> list[Any]:
    return [e for e in events if e.name == name and all(getattr(e, k) == v for k, v in where.items())]


@pytest.mark.parametrize("variant", ["atxfer-target-headers", "atxfer-no-target-headers"])
def test_attended_transfer_reaches_its_target_whichever_headers_asterisk_sends(variant: str) -> None:
    """Asterisk 22 leaves TransferTarget* out of AttendedTransfer in about one run in two (the
    consult bridge emptied before the merge): the target is then the transferee's bridge-mate."""
    path = LAB / f"{variant}.jsonl"
    transfer = next(parse_frame_headers(f.raw) for f in load(path).received() if b"AttendedTransfer" in f.raw)
    assert ("TransferTargetChannel" in transfer) == (variant == "atxfer-target-headers")
    events = list(replay(path))
    [moved] = _of(events, "transferred")
    assert (moved.kind, moved.from_agent, moved.to) == ("attended", "1001", "1002")
    assert moved.to_channel.startswith("PJSIP/1002-")
    assert [e.agent for e in _of(events, "answered")] == ["1001", "1002"]
    ends = _of(events, "ended")
    assert [(e.agent, e.queue, e.outcome, e.hangup_by) for e in ends] == [
        ("1001", "retail", "answered", "agent"), ("1002", None, "answered", "caller")]
    assert ends[1].caller == "13800138000" and ends[1].talk_s > 3  # the target's talk is recorded
    assert {e.agent for e in _of(events, "ringing")} == {"1001", "1002"}
    assert _of(events, "ring_stopped") == []


def test_an_agent_leg_hung_up_by_calldesk_is_the_agents_hang_up() -> None:
    """AMI Hangup of the agent's leg gives AgentComplete Reason: caller; calldesk knows better."""
    transcript = load(LAB / "agent-hangup-by-ami.jsonl")
    ours = transcript.header["calldesk_hangup"]
    frames = list(transcript.received())

    def run(tell: bool) -> list[Any]:
        tracker, out = Tracker(), []
        told = False
        for frame in frames:
            msg = parse_frame_headers(frame.raw)
            # Bridge.hangup tells the tracker before it sends the action; the action's first trace
            # is a SoftHangupRequest (on the caller's leg: Asterisk ends the bridge from there).
            if tell and not told and msg.get("Event") == "SoftHangupRequest":
                tracker.expect_hangup(ours["channel"], ours["by"], frame.t)
                told = True
            out += tracker.feed(msg, frame.t)
        return out

    complete = next(parse_frame_headers(f.raw) for f in frames if b"AgentComplete" in f.raw)
    assert complete["Reason"] == "caller"  # what Asterisk says
    [ended] = _of(run(tell=True), "ended")
    assert (ended.agent, ended.outcome, ended.hangup_by) == ("1001", "answered", "agent")
    [unaware] = _of(run(tell=False), "ended")  # another AMI client's hang-up: Asterisk's word
    assert unaware.hangup_by == "caller"


@pytest.mark.parametrize("outcome,cause", [("answered", 16), ("busy", 17), ("no_answer", 0), ("unavailable", 19)])
def test_click_to_call_is_the_agents_outbound_call_with_the_customers_outcome(outcome: str, cause: int) -> None:
    """Asterisk's OriginateResponse (Reason 4) only says the agent's phone answered: the result
    and the recorded call are what happened to the customer's leg."""
    transcript = load(LAB / f"click-to-call-{outcome}.jsonl")
    ours = transcript.header["originate"]
    events = list(replay(LAB / f"click-to-call-{outcome}.jsonl"))
    [result] = _of(events, "originate_result")
    want = {"unavailable": "no_answer"}.get(outcome, outcome)  # 480: NOANSWER, cause 19
    assert (result.action_id, result.number, result.outcome) == (ours["action_id"], ours["number"], want)
    [ended] = _of(events, "ended")
    assert (ended.direction, ended.agent, ended.caller, ended.outcome) == ("outbound", "1001", ours["number"], want)
    assert ended.call == result.call and ended.cause == cause
    assert (ended.talk_s > 7) == (outcome == "answered")  # the lab's customers talk 8 s
    assert _of(events, "ringing") == [] and _of(events, "answered") == []  # the agent dialled: no pop


@pytest.mark.parametrize("order", ["campaign-busy-hangup-first", "campaign-busy-response-first"])
def test_a_busy_campaign_call_is_busy_whichever_comes_first(order: str) -> None:
    """The leg's Hangup (cause 17) may come before the OriginateResponse (Reason 0)."""
    path = LAB / f"{order}.jsonl"
    names = [parse_frame_headers(f.raw).get("Event") for f in load(path).received()]
    hangup_first = names.index("Hangup") < names.index("OriginateResponse")
    assert hangup_first == (order == "campaign-busy-hangup-first")
    [result] = _of(list(replay(path)), "originate_result")
    linkedid = next(parse_frame_headers(f.raw)["Linkedid"] for f in load(path).received() if b"Newchannel" in f.raw)
    assert (result.outcome, result.call, result.number) == ("busy", linkedid, load(path).header["originate"]["number"])
