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


RECORDED = Path(__file__).resolve().parents[1] / "simulator" / "recorded"  # real sessions (tests/live)


def _wraps(events: list[Any], agent: str = "1001") -> list[tuple[str, float]]:
    return [(e.state, e.t) for e in events if e.name == "agent_state" and e.agent == agent]


def test_an_agent_complete_without_dest_headers_still_starts_the_wrap_up() -> None:
    """Asterisk 22 may leave Dest* out of the AgentComplete that follows the agent leg's Hangup
    (and send it after the member's status says free): the agent is in wrap-up all the same."""
    events = list(replay(RECORDED / "attended-transfer.jsonl", wrapup_s=3.0))
    completes = [parse_frame_headers(f.raw) for f in load(RECORDED / "attended-transfer.jsonl").received()
                 if b"Event: AgentComplete" in f.raw]
    assert any("DestChannel" not in c for c in completes) and any("DestChannel" in c for c in completes)
    ends = [e.t for e in _of(events, "ended", agent="1001")]
    states = _wraps(events)
    assert len(ends) == 3
    for end in ends[:2]:  # after 1001's transfers: wrap-up, then free 3 s later (the recording
        # stops 1 s after the third)
        after = [(s, t) for s, t in states if t >= end - 0.01]
        wrap = next(t for s, t in after if s == "wrap_up")
        assert next(t for s, t in after if s == "available" and t > wrap) == pytest.approx(wrap + 3.0)
    events = list(replay(RECORDED / "campaign.jsonl", wrapup_s=3.0))
    assert [s for s, _ in _wraps(events)][-1] == "wrap_up"


def test_core_restart_hangs_up_a_waiting_caller_as_the_system() -> None:
    events = list(replay(RECORDED / "restart-and-kill.jsonl"))
    waiting = [e for e in _of(events, "ended") if e.outcome == "abandoned"]
    assert [(e.hangup_by, e.agent) for e in waiting] == [("system", None)]


def test_a_supervisors_chanspy_originate_is_no_click_to_call() -> None:
    """Capture 10: Originate Channel=PJSIP/1009 Application=ChanSpy rings the supervisor's phone;
    it is answered, not a click-to-call waiting for a customer."""
    transcripts = Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"
    capture = transcripts / "10-supervisor-status-and-chanspy.jsonl"
    [spy] = [e for e in replay(capture) if e.name == "originate_result"]
    assert (spy.outcome, spy.number) == ("answered", "1009")
