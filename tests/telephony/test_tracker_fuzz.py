"""hypothesis: arbitrary sequences of plausible and malformed AMI events, in any order.

Whatever arrives, the tracker never raises, no handler trips over it (``skipped`` stays 0: a
malformed event is handled, not swallowed), one pass of a call through a queue never ends twice,
and a pop is never cleared before it was shown.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telephony.tracker import Tracker

CALL_FLOW = ["QueueCallerJoin", "AgentCalled", "DialBegin", "DialEnd", "AgentConnect", "Hangup",
             "AgentComplete", "QueueCallerAbandon", "HangupRequest", "QueueCallerLeave"]
EVENTS = CALL_FLOW * 3 + [
    "Newchannel", "VarSet", "Newexten", "QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon",
    "AgentCalled", "AgentConnect", "AgentComplete", "AgentRingNoAnswer", "AgentDump", "DialBegin",
    "DialEnd", "HangupRequest", "SoftHangupRequest", "Hangup", "BlindTransfer", "AttendedTransfer",
    "BridgeEnter", "BridgeLeave", "UserEvent", "OriginateResponse", "QueueMemberAdded",
    "QueueMemberRemoved", "QueueMemberPause", "QueueMemberStatus", "QueueMember", "QueueEntry",
    "CoreShowChannel", "Status", "FullyBooted", "Shutdown", "Cdr", "RTCPSent", "Bogus",
]
CHANNELS = ["PJSIP/carrier-00000001", "PJSIP/1001-00000002", "PJSIP/1002-00000003",
            "Local/1004@agents-00000001;1", "Local/1004@agents-00000001;2", "SIP/150010001-0000000a",
            "PJSIP/13700137000@carrier", "", "garbage"]
IDS = ["1.1", "1.2", "1.3", "2.1", "<unknown>", ""]
TEXT = st.text(max_size=6)
VALUES = {
    "Channel": st.sampled_from(CHANNELS), "Uniqueid": st.sampled_from(IDS),
    "Queue": st.sampled_from(["retail", "retail", "vip", ""]),
    "Interface": st.sampled_from(["PJSIP/1001", "Local/1004@agents/n", "SIP/x", ""]),
    "Location": st.sampled_from(["PJSIP/1002", ""]),
    "DialStatus": st.sampled_from(["ANSWER", "ANSWER", "CANCEL", "NOANSWER", "BUSY", "CHANUNAVAIL", ""]),
    "Cause": st.sampled_from(["0", "16", "17", "19", "26", "x", ""]),
    "Reason": st.sampled_from(["caller", "agent", "transfer", "0", "3", "4", ""]),
    "Response": st.sampled_from(["Success", "Failure"]),
    "HoldTime": st.sampled_from(["3", "-1", "abc", ""]), "TalkTime": st.sampled_from(["5", "x"]),
    "Status": st.sampled_from(["1", "2", "6", "9", ""]), "Paused": st.sampled_from(["0", "1", "x"]),
    "Variable": st.sampled_from(["QUEUESTATUS", "__CUSTOMER_ACCOUNT", "QUEUEWAIT", ""]),
    "Value": st.sampled_from(["JOINEMPTY", "LEAVEEMPTY", "TIMEOUT", "310012345678", ""]),
    "Uptime": st.sampled_from(["0", "100000", "nan", ""]), "Result": st.sampled_from(["Success", "Fail"]),
    "UserEvent": st.sampled_from(["CallbackRequest", "Other"]), "DestType": st.sampled_from(["Bridge", "App"]),
    "TransfererChannel": st.sampled_from(CHANNELS), "TransfereeChannel": st.sampled_from(CHANNELS),
    "OrigTransfererChannel": st.sampled_from(CHANNELS), "SecondTransfererChannel": st.sampled_from(CHANNELS),
    "TransferTargetChannel": st.sampled_from(CHANNELS), "CallerIDNum": st.sampled_from(["1380", "<unknown>"]),
    "CallerIDName": st.sampled_from(["张三", "<unknown>", "\ufffd"]), "Application": st.sampled_from(["Queue", "Dial"]),
    "AppData": st.sampled_from(["margin,,,", ""]), "ActionID": st.sampled_from(["a1", "a2"]),
    "Extension": TEXT, "DialString": st.sampled_from(["13700137000@carrier", "1002", ""]),
}
PARTIES = [  # (Channel, Uniqueid, Linkedid, CallerIDNum): two calls' worth of legs
    ("PJSIP/carrier-00000001", "1.1", "1.1", "13800138000"), ("PJSIP/1001-00000002", "1.2", "1.1", "1001"),
    ("PJSIP/1002-00000003", "1.3", "1.1", "1002"), ("Local/1004@agents-00000001;1", "1.4", "1.1", ""),
    ("Local/1004@agents-00000001;2", "1.5", "1.1", ""), ("PJSIP/1004-00000006", "1.6", "1.1", "1004"),
    ("PJSIP/carrier-00000007", "2.1", "2.1", "13900139000"), ("PJSIP/1003-00000008", "2.2", "2.1", "1003"),
]


def _party(prefix: str, party: tuple[str, str, str, str]) -> dict[str, str]:
    name, uid, linked, num = party
    return {f"{prefix}Channel": name, f"{prefix}Uniqueid": uid, f"{prefix}Linkedid": linked,
            f"{prefix}CallerIDNum": num}


def assert_ring_stopped_only_after_ringing(out: list) -> None:
    """A console never gets a ring_stopped for a ring it was not shown."""
    shown: set[tuple[str, str]] = set()
    for e in out:
        if e.name == "ringing":
            shown.add((e.call, e.agent))
        elif e.name == "ring_stopped":
            assert (e.call, e.agent) in shown


def assert_each_pass_ends_once(fed: list, out: list) -> None:
    """Each pass through a queue ends once. Only a QueueCallerJoin (or a refused Queue()) opens
    another pass, so a (call, queue) ends at most once more than those allow; the non-queue
    part of a call (queue None) once."""
    ends = Counter((e.call, e.queue) for e in out if e.name == "ended")
    messages = [m for m in fed if isinstance(m, dict)]
    joins = Counter(m.get("Queue") for m in messages if m.get("Event") == "QueueCallerJoin")
    refusals = sum(1 for m in messages if m.get("Event") == "VarSet" and m.get("Variable") == "QUEUESTATUS"
                   and m.get("Value") in ("JOINEMPTY", "JOINUNAVAIL", "FULL"))
    for (call, queue), n in ends.items():
        assert n <= (1 + joins[queue] + refusals if queue else 1), (call, queue, ends)


@st.composite
def message(draw: st.DrawFn) -> dict[str, str]:
    """Mostly coherent events (consistent channel ids), some fields random, some dropped."""
    msg = {"Event": draw(st.sampled_from(EVENTS))}
    if draw(st.booleans()):
        msg.update(_party("", draw(st.sampled_from(PARTIES))))
    if draw(st.booleans()):
        msg.update(_party("Dest", draw(st.sampled_from(PARTIES))))
    for key in ("Queue", "Interface", "DialStatus", "Cause", "Reason", "HoldTime", "Status"):
        msg[key] = draw(VALUES[key])  # the usual fields, so that calls actually happen
    for key in draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=6)):
        msg[key] = draw(VALUES[key])
    for key in draw(st.lists(st.sampled_from(sorted(msg)), max_size=2, unique=True)):
        if key != "Event":
            del msg[key]
    for key in draw(st.lists(st.sampled_from(sorted(msg)), max_size=1)):
        msg[key] = None  # type: ignore[assignment]  # a reader that lost a value
    return msg


step = st.one_of(
    st.tuples(st.just("msg"), message()),
    st.tuples(st.just("lost"), st.none()),
    st.tuples(st.just("resync"), st.none()),
    st.tuples(st.just("junk"), st.dictionaries(TEXT, TEXT, max_size=3)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=60), st.floats(min_value=0, max_value=10))
def test_any_event_sequence_is_survived_and_ends_once(steps, dt) -> None:
    tracker = Tracker(wrapup_s=2.0)
    out = []
    t = 0.0
    for kind, payload in steps:
        t += dt
        if kind == "msg" or kind == "junk":
            out += tracker.feed(payload, t)
        elif kind == "lost":
            out += tracker.connection_lost(t)
        else:
            out += tracker.resync_done(t)
    assert tracker.skipped == 0
    assert_each_pass_ends_once([p for kind, p in steps if kind == "msg"], out)
    assert_ring_stopped_only_after_ringing(out)
    tracker.active_calls()
    tracker.agent_states()


@given(st.one_of(st.none(), st.integers(), st.text(), st.lists(st.text())))
def test_things_that_are_not_messages_are_ignored(thing) -> None:
    assert Tracker().feed(thing, 1.0) == []  # type: ignore[arg-type]


def _capture_messages() -> list[list[dict[str, str]]]:
    from pathlib import Path

    from telephony.transcripts import load, parse_frame_headers

    folder = Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"
    return [[parse_frame_headers(f.raw) for f in load(p).received() if not f.is_banner]
            for p in sorted(folder.glob("*.jsonl"))]


CAPTURE_MESSAGES = _capture_messages()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_real_traffic_reordered_or_thinned_is_survived(data) -> None:
    """Real captures with neighbours swapped and events lost: out-of-order delivery as a
    buggy proxy or a lossy link would give it."""
    messages = list(data.draw(st.sampled_from(CAPTURE_MESSAGES)))
    for _ in range(data.draw(st.integers(0, 40))):
        i = data.draw(st.integers(0, len(messages) - 2))
        messages[i], messages[i + 1] = messages[i + 1], messages[i]
    for _ in range(data.draw(st.integers(0, 10))):
        del messages[data.draw(st.integers(0, len(messages) - 1))]
    tracker = Tracker()
    out = [e for i, m in enumerate(messages) for e in tracker.feed(m, i * 0.01)]
    assert tracker.skipped == 0
    assert_each_pass_ends_once(messages, out)
    assert_ring_stopped_only_after_ringing(out)
