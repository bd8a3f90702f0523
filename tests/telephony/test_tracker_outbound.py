"""Outbound calls an agent's own phone places (not an Originate), from real traffic.

* The peer recordings (Asterisk 13, read from ../shared, never copied here): phone 260010001
  dials +31150010001 through the trunk (ab_success_twoclients, user_events), and A dials the
  world, then blonde-transfers that call to a ring group (xfer_blonde_group_a). Also over TCP,
  through the replay server and a real Bridge.
* Capture 09 (Asterisk 22): its click-to-dial is an Originate of PJSIP/1001 whose dialplan then
  dials the carrier. With the Originate's own events taken out (the first leg's DialBegin /
  DialState / DialEnd without a Channel, the OriginateResponse) what is left is exactly the
  agent's phone dialling 13900139000: the answered call as recorded, and, from its first
  seconds, every way such a dial ends (hypothesis).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telephony.replay import replay
from telephony.tracker import Tracker
from telephony.transcripts import Transcript, load, parse_frame_headers
from tests.telephony.tracker_script import Chan, Script, carrier, leg

from .ami_helpers import run_through_bridge, transcript_of
from .test_peer_fixtures import PEERS

CAPTURE_09 = Path(__file__).parents[1] / "fixtures" / "ami-transcripts" / "09-outbound-callback-originate.jsonl"
CALL = "1795373211.23"  # 09's click-to-dial
PHONE, TRUNK, NUMBER = "PJSIP/1001-00000015", "PJSIP/carrier-00000016", "13900139000"

# file -> (agent, number dialled, outcome, hangup_by) of its one outbound call
PEER_OUTBOUND = {
    "simple/ab_success_twoclients.json": ("260010001", "+31150010001", "answered", "caller"),
    "var_set/user_events.json": ("260010001", "+31150010001", "answered", "caller"),
    # Handed on by A (150010001) to B, who hangs up: still the outbound call A placed.
    "xfer_blonde/xfer_blonde_group_a.json": ("150010002", "+31260010001", "answered", "agent"),
}
needs_peers = pytest.mark.skipif(not PEERS.is_dir(), reason=f"peer recordings not found at {PEERS}")


def peer_transcript(path: Path) -> Transcript:
    peer = load(path)
    return transcript_of(path, ((event, float(i)) for i, event in enumerate(peer.events or ())))


def outbound(events: list[Any]) -> list[dict[str, Any]]:
    return [e.to_json() for e in events if e.name == "ended" and e.direction == "outbound"]


def calls(events: list[Any]) -> list[tuple]:
    """The call-level story without times (TCP gives other event times than the offline replay)."""
    keep = ("call", "agent", "caller", "queue", "outcome", "hangup_by", "direction", "kind", "to", "reason")
    return [(e.name, *(getattr(e, k, None) for k in keep)) for e in events
            if e.name not in ("agent_state", "originate_result")]


@needs_peers
@pytest.mark.parametrize("name", sorted(PEER_OUTBOUND))
def test_a_phone_dialling_the_trunk_ends_as_an_outbound_call_of_that_agent(name: str) -> None:
    events = list(replay(PEERS / name))
    [end] = outbound(events)
    assert (end["agent"], end["caller"], end["outcome"], end["hangup_by"]) == PEER_OUTBOUND[name]
    assert end["queue"] is None and end["talk_s"] > 0
    placed_by = "150010001" if name.startswith("xfer") else "260010001"
    # The dialling agent placed the call: nothing pops or answers on that phone.
    assert not [e for e in events if e.name in ("ringing", "answered", "ring_stopped") and e.agent == placed_by]


@needs_peers
@pytest.mark.parametrize("name", sorted(PEER_OUTBOUND))
async def test_outbound_peer_recordings_over_tcp_tell_the_same(name: str) -> None:
    offline = list(replay(PEERS / name))
    got, _, _ = await run_through_bridge(peer_transcript(PEERS / name), chunk=(1, 97), seed=len(name),
                                       hold_until=None, timestamps=True)
    assert calls(got) == calls(offline)
    assert len(outbound(got)) == 1


@needs_peers
@pytest.mark.parametrize("name", sorted(p.name for p in (PEERS / "originate").glob("*.json")) if PEERS.is_dir() else [])
def test_originated_calls_are_no_outbound_calls_of_the_phone(name: str) -> None:
    calls = outbound(list(replay(PEERS / "originate" / name)))
    if name == "ctd-account-world-xfer-attn-abacbc.json":
        # The click-to-dial's customer, transferred to C: C's call with them (not a call C placed).
        assert [(c["agent"], c["caller"]) for c in calls] == [("150010003", "+31260010001")]
    else:
        assert calls == []


def test_click_to_dial_by_originate_is_the_agents_outbound_call() -> None:
    """The Originate rang 1001's phone, which then dialled the customer: an outbound call of
    1001's (recorded as such), whose originate_result waits for the customer's answer."""
    events = list(replay(CAPTURE_09))
    [call] = outbound(events)
    assert (call["agent"], call["caller"], call["outcome"], call["hangup_by"]) == ("1001", NUMBER, "answered", "caller")
    assert round(call["talk_s"]) == 8
    result = next(e for e in events if e.name == "originate_result")
    assert (result.outcome, result.call) == ("answered", call["call"])
    answered_at = next(m for m, t in _phone_dialled() if m.get("Event") == "DialEnd" and m.get("Channel"))
    assert answered_at["DialStatus"] == "ANSWER"


def _phone_dialled(until: float | None = None) -> list[tuple[dict[str, str], float]]:
    """09's click-to-dial without the Originate: PJSIP/1001 dialling the carrier itself."""
    out = []
    for frame in load(CAPTURE_09).received():
        if frame.is_banner or (until is not None and frame.t >= until) or frame.t > 12.1:
            continue
        m = parse_frame_headers(frame.raw)
        if CALL not in (m.get("Linkedid"), m.get("DestLinkedid")):
            continue
        if m.get("Event") in ("DialBegin", "DialState", "DialEnd") and not m.get("Channel"):
            continue  # the Originate's first leg
        out.append((m, frame.t))
    return out


def feed(messages: list[tuple[dict[str, str], float]]) -> tuple[Tracker, list[Any]]:
    tracker = Tracker()
    events = [e for m, t in messages for e in tracker.feed(m, t)]
    assert tracker.skipped == 0
    return tracker, events


def test_the_phone_dialled_call_of_capture_09() -> None:
    tracker, events = feed(_phone_dialled())
    assert [e.name for e in events] == ["ended"]  # no pop: the agent dialled it
    [end] = outbound(events)
    assert (end["call"], end["agent"], end["caller"], end["caller_channel"]) == (CALL, "1001", NUMBER, TRUNK)
    assert (end["outcome"], end["hangup_by"], end["cause"]) == ("answered", "caller", 16)
    assert end["wait_s"] == pytest.approx(2.01, abs=0.01) and end["talk_s"] == pytest.approx(8.0, abs=0.01)
    assert tracker.active_calls() == []


def test_an_outbound_call_shows_in_the_active_calls_while_it_rings() -> None:
    tracker, _ = feed(_phone_dialled(until=3.0))
    [row] = tracker.active_calls()
    assert (row["direction"], row["agent"], row["caller"], row["state"]) == ("outbound", "1001", NUMBER, "ringing")
    assert row["queue"] is None and row["ringing_agents"] == []


def test_the_agent_hanging_up_first() -> None:
    messages = [(dict(m, Channel=PHONE, Uniqueid="1795373211.23") if m.get("Event") == "HangupRequest" else m, t)
                for m, t in _phone_dialled()]
    _, events = feed(messages)
    [end] = outbound(events)
    assert (end["outcome"], end["hangup_by"]) == ("answered", "agent")


def _leg(name: str, uid: str, num: str) -> dict[str, str]:
    return {"Channel": name, "Uniqueid": uid, "Linkedid": CALL, "CallerIDNum": num, "CallerIDName": "<unknown>"}


PHONE_FIELDS = _leg(PHONE, "1795373211.23", "1001")
TRUNK_FIELDS = _leg(TRUNK, "1795373213.24", NUMBER)


def _dest(fields: dict[str, str]) -> dict[str, str]:
    return {"Dest" + k: v for k, v in fields.items()}


def test_a_blind_transfer_hands_the_outbound_call_on() -> None:
    messages = [(m, t) for m, t in _phone_dialled() if t < 12.0]
    target = _leg("PJSIP/1002-00000017", "1795373219.25", "1002")
    messages += [
        ({"Event": "BlindTransfer", "Result": "Success", "TransfererChannel": PHONE, "TransfereeChannel": TRUNK,
          "Extension": "1002", "Context": "transfer-targets"}, 6.0),
        ({"Event": "Hangup", **PHONE_FIELDS, "Cause": "16"}, 6.01),
        ({"Event": "Newchannel", **target}, 6.02),
        ({"Event": "DialBegin", **TRUNK_FIELDS, **_dest(target), "DialString": "1002"}, 6.02),
        ({"Event": "DialEnd", **TRUNK_FIELDS, **_dest(target), "DialStatus": "ANSWER"}, 8.0),
        ({"Event": "HangupRequest", **TRUNK_FIELDS}, 20.0),
        ({"Event": "Hangup", **target, "Cause": "16"}, 20.0),
        ({"Event": "Hangup", **TRUNK_FIELDS, "Cause": "16"}, 20.01),
    ]
    _, events = feed(messages)
    assert [(e.name, getattr(e, "agent", None)) for e in events] == [
        ("transferred", None), ("ringing", "1002"), ("answered", "1002"), ("ended", "1002")]
    moved, ringing = events[0], events[1]
    assert (moved.from_agent, moved.to, moved.kind, moved.caller_channel) == ("1001", "1002", "blind", TRUNK)
    assert ringing.caller == NUMBER  # the customer stays the caller
    [end] = outbound(events)
    assert (end["outcome"], end["hangup_by"], end["caller"]) == ("answered", "caller", NUMBER)


# How a dial the customer never answers ends, in Asterisk 22's order: DialEnd with its status,
# then the trunk leg's Hangup with its cause, then the phone's (the dialplan's Hangup()).
# (DialStatus, trunk causes it comes with, outcome, hangup_by)
NOT_ANSWERED = [
    ("BUSY", ["17"], "busy", "system"),                   # 486
    ("NOANSWER", ["0", "19"], "no_answer", "system"),      # Dial's timeout; 480 Unavailable
    ("CHANUNAVAIL", ["0", "34"], "failed", "system"),
    ("CONGESTION", ["34", "38"], "failed", "system"),
    ("CANCEL", ["0", "16"], "no_answer", "agent"),        # the agent hung up while it rang
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NOT_ANSWERED).flatmap(
    lambda case: st.tuples(st.just(case), st.sampled_from(case[1]), st.booleans(), st.booleans())))
def test_every_way_an_unanswered_dial_ends(drawn) -> None:
    (status, _, outcome, by), cause, phone_first, trunk_request = drawn
    messages = _phone_dialled(until=3.0)
    t = 3.0
    ending: list[dict[str, str]] = []
    if status == "CANCEL":
        ending.append({"Event": "HangupRequest", **PHONE_FIELDS})
    elif trunk_request:
        ending.append({"Event": "HangupRequest", **TRUNK_FIELDS, "Cause": cause})
    ending.append({"Event": "DialEnd", **PHONE_FIELDS, **_dest(TRUNK_FIELDS), "DialStatus": status})
    hangups = [{"Event": "Hangup", **TRUNK_FIELDS, "Cause": cause},
               {"Event": "SoftHangupRequest", **PHONE_FIELDS, "Cause": "16"},
               {"Event": "Hangup", **PHONE_FIELDS, "Cause": "16"}]
    ending += hangups[1:] + hangups[:1] if phone_first else hangups
    for m in ending:
        t += 0.001
        messages.append((m, t))
    _, events = feed(messages)
    assert [e.name for e in events] == ["ended"]
    [end] = outbound(events)
    assert (end["outcome"], end["hangup_by"], end["agent"], end["caller"]) == (outcome, by, "1001", NUMBER)
    assert end["talk_s"] == 0.0 and end["wait_s"] == pytest.approx(t - 2.015, abs=0.01)


def test_an_outside_consult_from_the_transfer_key_is_the_agents_own_outbound_call() -> None:
    """A phone's transfer key dials the consult as a call of its own: to an outside number that is
    an outbound call of the agent's; the queue pass ends at the transfer, as for any consult."""
    s, c = Script(), carrier(1, "13811112222")
    s.inbound(c, "310012345678", at=0.1)
    a = leg("PJSIP/1001", 1, c.linkedid)
    s.join(c, "retail", at=1.0)
    s.ring(c, a, "retail", "PJSIP/1001", at=1.1)
    s.connect(c, a, "retail", "PJSIP/1001", hold=2, at=3.0)
    consult = Chan("PJSIP/1001-00000009", "1795379999.9", "1795379999.9", "1001")
    far = Chan("PJSIP/carrier-0000000a", "1795379999.10", consult.linkedid, NUMBER)
    s.send("Newchannel", 5.0, consult, Exten=NUMBER)
    s.send("DialBegin", 5.1, consult, far, DialString=f"{NUMBER}@carrier")
    s.send("DialEnd", 7.0, consult, far, DialStatus="ANSWER")
    s.send("AttendedTransfer", 10.0, Result="Success", OrigTransfererChannel=a.name, DestType="Bridge",
           SecondTransfererChannel=consult.name, TransfereeChannel=c.name, TransferTargetChannel=far.name)
    s.send("AgentComplete", 10.0, c, a, Queue="retail", Interface="PJSIP/1001", Reason="transfer",
           HoldTime="2", TalkTime="7")
    s.hangup(a, at=10.01, request=False)
    s.hangup(consult, at=10.02, request=False)
    [moved] = s.of("transferred")
    assert (moved["from_agent"], moved["to"], moved["kind"]) == ("1001", NUMBER, "attended")
    ends = s.of("ended")
    assert [(e["call"], e["queue"], e["agent"], e["caller"], e["direction"], e["talk_s"]) for e in ends] == [
        (c.linkedid, "retail", "1001", "13811112222", "inbound", 7.0),
        (consult.linkedid, None, "1001", NUMBER, "outbound", 3.0)]
    assert s.tracker.skipped == 0
