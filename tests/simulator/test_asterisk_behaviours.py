"""What the lab's real Asterisk 22.10.1 did in the live runs of issue 13, pinned on the simulator
(no Asterisk): silence between calls, the AMI hang-up of an agent, the AttendedTransfer shapes,
the orders that vary, click-to-call, CoreShowChannels, a restart. Each test names the sequence
the real one sent; ``tests/live/test_live_conformance.py`` checks them against it."""

from __future__ import annotations

import itertools
import random

import pytest

from telephony.simulator import center, inbound, inspect
from telephony.simulator.clock import SimClock
from telephony.simulator.model import CallSpec
from telephony.simulator.pbx import Pbx
from telephony.simulator.variants import POINTS, Variants
from tests.simulator.flows import (
    FLOWS,
    answer_position,
    attended_transfer,
    end_order,
    hung_up_by_calldesk,
    originate_position,
    run,
    shutdown_variant,
)
from tests.simulator.simfloor import SimFloor


def _names(events: list[dict[str, str]], *kinds: str) -> list[tuple[str, str]]:
    return [(m["Event"], m.get("Channel", "")) for m in events if m["Event"] in kinds]


# -- 1. silence between calls --------------------------------------------------------------------
async def test_nothing_is_sent_between_calls() -> None:
    """A real Asterisk (the lab's config) says nothing between calls: no status frames, no
    periodic events; the wrap-up ends without a word. Two hours of quiet after a call: nothing."""
    floor = SimFloor()
    await floor.start()
    try:
        result = await hung_up_by_calldesk(floor)
        assert result["between_calls"] == []
        floor.mark()
        floor.sim.clock.advance(7200.0)
        await floor.client.drain()
        assert floor.since_mark() == []
    finally:
        await floor.stop()


# -- 4. an agent hung up by calldesk --------------------------------------------------------------
SEEN_AMI_HANGUPS = [option for option, weight in POINTS["ami_hangup"].items() if weight]


@pytest.mark.parametrize("order", SEEN_AMI_HANGUPS + ["caller agent complete/bare status"])
async def test_an_ami_hangup_of_the_agent_is_reason_caller(order: str) -> None:
    """Live: BridgeLeave agent, caller; SoftHangupRequest caller 16; then, in one of the orders
    Asterisk's threads give them, the agent leg's Hangup and its phone's status, the caller's
    Hangup, and AgentComplete Reason caller naming the channels app_queue still knew (its Dest*
    headers gone about 1 in 2, the caller's Channel* now and then). No HangupRequest at all:
    nobody's phone hung up."""
    floor = SimFloor({"ami_hangup": [order]})
    result = await run(floor, hung_up_by_calldesk)
    end = result["end"]
    assert [m["Event"] for m in end if m["Event"] in ("HangupRequest", "SoftHangupRequest", "AgentComplete")] \
        == ["SoftHangupRequest", "AgentComplete"]
    (soft,) = [m for m in end if m["Event"] == "SoftHangupRequest"]
    assert (soft["Channel"].startswith("PJSIP/carrier-"), soft["Cause"]) == (True, "16")
    (done,) = [m for m in end if m["Event"] == "AgentComplete"]
    shape = order.split()[[step.startswith("complete") for step in order.split()].index(True)].partition("/")[2]
    assert done["Reason"] == "caller" and done["Interface"] == "PJSIP/1001"
    assert ("DestChannel" in done, "Channel" in done) == (
        shape not in ("nodest", "bare"), shape not in ("nocaller", "bare"))
    leaves = [ch for e, ch in _names(end, "BridgeLeave")]
    assert [ch.split("-")[0] for ch in leaves] == ["PJSIP/1001", "PJSIP/carrier"]
    caller, agent = leaves[1], leaves[0]
    assert end_order(end, caller, agent, "PJSIP/1001") == order


@pytest.mark.parametrize("order", list(POINTS["transfer_complete"]))
async def test_an_attended_transfer_completed_by_an_ami_hangup(order: str) -> None:
    """Live: the transferer's AgentComplete Reason transfer comes before its Hangup (with Dest*)
    or after it (with or without), before or after its phone's "not in use" status."""
    floor = SimFloor({"transfer_complete": [order]})
    floor.saw = lambda name, option: None  # one run only
    await run(floor, lambda f: attended_transfer(f, runs=1))
    events = [m for _, m in floor.messages if "Event" in m]
    transfer = next(m for m in events if m["Event"] == "AttendedTransfer")
    caller, agent = transfer["TransfereeChannel"], transfer["OrigTransfererChannel"]
    assert end_order(events, caller, agent, "PJSIP/1001", ("agent", "status")) == order


# -- 2. AttendedTransfer header variants ----------------------------------------------------------
@pytest.mark.parametrize("shape,count,target", [("target_gone", "0", True), ("target_in_second", "1", True),
                                                ("no_target", "0", False)])
async def test_attended_transfer_shapes(shape: str, count: str, target: bool) -> None:
    """Asterisk 22 sends AttendedTransfer with SecondBridgeNumChannels 0 and the TransferTarget*
    headers (capture 07), 1 and the headers, or 0 and none (the transferer's bridge already gone)."""
    floor = SimFloor({"attended_transfer": [shape]})
    floor.saw = lambda name, option: None  # one run only
    result = await run(floor, lambda f: attended_transfer(f, runs=1))
    (event,) = result["transfers"]
    assert event["SecondBridgeNumChannels"] == count
    assert ("TransferTargetChannel" in event) == target
    assert event["TransfereeChannel"].startswith("PJSIP/carrier-") and event["Result"] == "Success"


def test_variants_are_seeded_and_can_be_pinned() -> None:
    one, two = Variants(random.Random("variants-7")), Variants(random.Random("variants-7"))
    first = [one.pick("attended_transfer") for _ in range(40)]
    assert first == [two.pick("attended_transfer") for _ in range(40)]
    assert set(first) == set(POINTS["attended_transfer"])  # every shape turns up
    scripted = Variants()
    assert scripted.pick("attended_transfer") == "target_gone"  # a scripted run: the capture's
    scripted.pin("attended_transfer", "no_target", "target_in_second")
    assert [scripted.pick("attended_transfer") for _ in range(3)] == ["no_target", "target_in_second", "target_gone"]
    with pytest.raises(ValueError):
        scripted.pin("attended_transfer", "sideways")


# -- 3. orders that vary --------------------------------------------------------------------------
@pytest.mark.parametrize("where", list(POINTS["originate_failure"]))
async def test_a_busy_campaign_call_reports_its_response_where_asterisk_does(where: str) -> None:
    """Live: HangupRequest Cause 17, DialEnd BUSY, then Hangup 17 and OriginateResponse Reason 0
    in either order (capture 09: the response even before the DialEnd)."""
    floor = SimFloor({"originate_failure": [where, where]})
    result = await run(floor, FLOWS["campaign"])
    assert originate_position(floor.messages, "13712340001") == where
    assert originate_position(floor.messages, "13512340001") == where
    busy = result["responses"]["busy"]
    assert (busy["Response"], busy["Reason"], busy["Channel"]) == ("Failure", "0", "PJSIP/13712340001@carrier")
    causes = [(m["Event"], m.get("Cause")) for _, m in floor.messages if m.get("Event") in ("HangupRequest", "Hangup")
              and m.get("Channel") == "PJSIP/carrier-00000000"]
    assert causes == [("HangupRequest", "17"), ("Hangup", "17")]


@pytest.mark.parametrize("where", list(POINTS["originate_answer"]))
async def test_an_answered_campaign_call_reports_its_response_where_asterisk_does(where: str) -> None:
    """Live: the answered customer's OriginateResponse (Success, Reason 4) before the caller joins
    the campaign's queue, or, the originate thread lagging, after the join, even after the member
    rang."""
    floor = SimFloor({"originate_answer": [where]})
    result = await run(floor, FLOWS["campaign"])
    events = [m for _, m in floor.messages if "Event" in m]
    connect = next(m for m in events if m["Event"] == "AgentConnect")
    start = max(i for i, m in enumerate(events)
                if m["Event"] == "DialBegin" and m.get("DialString") == "13812340001@carrier")
    assert answer_position(events[start:], connect["Channel"], connect["DestChannel"]) == where
    assert (result["responses"]["answer"]["Response"], result["responses"]["answer"]["Reason"]) == ("Success", "4")


@pytest.mark.parametrize("order", list(POINTS["target_hangup"]))
async def test_an_attended_transfers_target_hung_up_by_ami(order: str) -> None:
    """Live: the target reached through Local ;1/;2 hung up by AMI: ;2's BridgeLeave,
    SoftHangupRequest and Hangup, ;1's HangupRequest, BridgeLeave and Hangup; the caller's
    SoftHangupRequest; the phone's Hangup before the caller's, or after it."""
    floor = SimFloor({"target_hangup": [order]})
    floor.saw = lambda name, option: None  # one run only
    await run(floor, lambda f: attended_transfer(f, runs=1))
    events = [m for _, m in floor.messages if "Event" in m]
    target = next(m["Channel"] for m in reversed(events)
                  if m["Event"] == "Hangup" and m["Channel"].startswith("PJSIP/1002-"))
    hangups = [m["Channel"].split("-")[0] for m in events if m["Event"] == "Hangup"][-2:]
    assert hangups == (["PJSIP/1002", "PJSIP/carrier"] if order == "target_first" else ["PJSIP/carrier", "PJSIP/1002"])
    after = events[max(i for i, m in enumerate(events) if m["Event"] == "AttendedTransfer"):]
    local = [(m["Event"], m["Channel"][-2:]) for m in after if m.get("Channel", "").startswith("Local/1002@")
             and m["Event"] in ("BridgeLeave", "SoftHangupRequest", "HangupRequest", "Hangup")]
    assert [e for e, half in local if half == ";2"] == ["BridgeLeave", "SoftHangupRequest", "Hangup"]
    assert [e for e, half in local if half == ";1"][-3:] == ["HangupRequest", "BridgeLeave", "Hangup"]
    assert target.startswith("PJSIP/1002-")


@pytest.mark.parametrize("status", list(POINTS["ring_status"]))
async def test_a_rung_members_ringing_status_may_never_come(status: str) -> None:
    """Live, a loaded machine: the device-state thread got to the rung phone only once it was
    answered, so no "ringing" QueueMemberStatus (6) at all, only "in use" (2)."""
    floor = SimFloor({"ring_status": [status]})
    await run(floor, hung_up_by_calldesk)
    statuses = [m["Status"] for _, m in floor.messages if m.get("Event") == "QueueMemberStatus"]
    assert ("6" in statuses) == (status == "sent") and "2" in statuses


def _click_pbx(talk_s: float = 8.0) -> tuple[Pbx, list[dict[str, str]]]:
    from telephony.simulator import queues
    from telephony.simulator.dialout import lab_pstn

    pbx = Pbx(SimClock(epoch=1796600000.0))
    pbx.on_idle.append(lambda: queues.dispatch(pbx))
    center.build(pbx, center.AgentSetup(count=1, logged_in=False, ring_delay=0.8))
    pbx.dialout = lab_pstn
    seen: list[dict[str, str]] = []
    pbx.subscribers.append(lambda fields: seen.append(dict(fields)))
    return pbx, seen


def _originate(pbx: Pbx, **fields: str) -> None:
    from telephony.simulator import actions

    reply = actions.handle(pbx, {"Action": "Originate", "ActionID": "c-1", "Async": "true", **fields})
    assert reply.effect is not None
    reply.effect()


@pytest.mark.parametrize("order,expected", [("customer_first", ["PJSIP/carrier", "PJSIP/1001"]),
                                            ("agent_first", ["PJSIP/1001", "PJSIP/carrier"])])
def test_a_click_to_call_customer_hanging_up(order: str, expected: list[str]) -> None:
    """The customer's BYE: HangupRequest on the customer, SoftHangupRequest on the agent's
    channel, then the Hangups: the customer's first (capture 09) or the agent's (live)."""
    pbx, seen = _click_pbx()
    pbx.variants.pin("customer_hangup", order)
    _originate(pbx, Channel="PJSIP/1001", Context="outbound", Exten="13812340002")
    pbx.clock.advance(20.0)
    end = seen[next(i for i, m in enumerate(seen) if m["Event"] == "HangupRequest"):]
    requests = [(m["Event"], m["Channel"].split("-")[0])
                for m in end if m["Event"] in ("HangupRequest", "SoftHangupRequest")]
    assert requests == [("HangupRequest", "PJSIP/carrier"), ("SoftHangupRequest", "PJSIP/1001")]
    assert [m["Channel"].split("-")[0] for m in end if m["Event"] == "Hangup"] == expected


async def test_click_to_call_outcomes() -> None:
    """Live: the agent's phone rings and answers (OriginateResponse Success, Reason 4), then the
    customer leg: busy (486: HangupRequest 17, DialEnd BUSY, the agent's Hangup with cause 17),
    480 (19, NOANSWER), no answer (rings the dialplan's 30 s: DialEnd NOANSWER, Hangup 0), and an
    answered call calldesk hangs up (no HangupRequest; the agent's SoftHangupRequest 16)."""
    floor = SimFloor()
    result = await run(floor, FLOWS["click-to-call"])
    ends = result["ends"]
    for events in ends.values():
        response = next(m for m in events if m["Event"] == "OriginateResponse")
        assert (response["Response"], response["Reason"]) == ("Success", "4")
    answered = ends["answer"]
    assert not [m for m in answered if m["Event"] == "HangupRequest"]
    assert [m["Channel"].split("-")[0] for m in answered if m["Event"] == "Hangup"] == ["PJSIP/carrier", "PJSIP/1001"]
    for outcome, status, cause, agent_cause in (("busy", "BUSY", "17", "17"), ("unavailable", "NOANSWER", "19", "19"),
                                                ("noanswer", "NOANSWER", "0", "16")):
        events = ends[outcome]
        dial_end = next(m for m in events
                        if m["Event"] == "DialEnd" and m.get("DestChannel", "").startswith("PJSIP/carrier"))
        assert dial_end["DialStatus"] == status, outcome
        hangups = {m["Channel"].split("-")[0]: m["Cause"] for m in events if m["Event"] == "Hangup"}
        assert hangups == {"PJSIP/carrier": cause, "PJSIP/1001": agent_cause}, outcome
    rang = [t for t, m in floor.messages if m.get("Event") in ("DialBegin", "DialEnd")
            and m.get("DestChannel", "").startswith("PJSIP/carrier")
            and "13612340002" in m.get("DialString", "13612340002")]
    assert round(rang[-1] - rang[-2]) == 30


# -- 5. CoreShowChannels ----------------------------------------------------------------------------
def test_core_show_channels_says_what_each_channel_runs() -> None:
    """As the live Asterisk lists them: a caller in the IVR (Read), waiting in Queue() with its
    arguments, a queue's agent leg (AppQueue), a direct line's caller (Dial) and its leg (AppDial)."""
    from telephony.simulator import members

    pbx, _ = _click_pbx()

    members.add(pbx, "retail", "PJSIP/1001", "张伟")
    pbx.phones["PJSIP/1001"].ring_delay = None
    inbound.place_call(pbx, CallSpec("13800138000", account="310012345678", ivr_s=2.0, talk_s=None))

    def listed() -> dict[str, tuple[str, str]]:
        items = inspect.core_show_channels(pbx, {}).listed[:-1]
        return {dict(i)["Channel"].split("-")[0]: (dict(i)["Application"], dict(i)["ApplicationData"]) for i in items}

    assert listed() == {"PJSIP/carrier": ("Read", "ACCT_IN,,12,,1,6")}
    pbx.clock.advance(2.5)
    assert listed() == {"PJSIP/carrier": ("Queue", "retail,t,,,600"), "PJSIP/1001": ("AppQueue", "(Outgoing Line)")}


def test_a_direct_line_caller_runs_dial() -> None:
    pbx = Pbx(SimClock(epoch=1796600000.0))
    center.build(pbx, center.AgentSetup(count=2, logged_in=False, ring_delay=None))
    inbound.place_call(pbx, CallSpec("02188180001", did="95557", direct_to="1002", talk_s=None))
    items = {dict(i)["Channel"].split("-")[0]: (dict(i)["Application"], dict(i)["ApplicationData"])
             for i in inspect.core_show_channels(pbx, {}).listed[:-1]}
    assert items == {"PJSIP/carrier": ("Dial", "PJSIP/1002,20"), "PJSIP/1002": ("AppDial", "(Outgoing Line)")}


# -- 7. restart -------------------------------------------------------------------------------------
@pytest.mark.parametrize("shutdown,reason", [("agent_first", "agent"), ("caller_first", "caller")])
@pytest.mark.parametrize("end", [option for option, weight in POINTS["shutdown_end"].items() if weight])
async def test_core_restart_now_mid_call(shutdown: str, reason: str, end: str) -> None:
    """`core restart now` with a call answered and one waiting: SoftHangupRequest Cause 4 for every
    channel first; the waiting caller's QueueCallerAbandon/Leave, SoftHangupRequest 16, Hangup 0
    (no HangupRequest: nobody hung up); AgentComplete with the Reason of the side hung up first;
    the answered call's bridge, SoftHangupRequest 16 and Hangups in the order its threads gave
    them; Shutdown 1.1 s later."""
    floor = SimFloor({"shutdown": [shutdown], "shutdown_end": [end]})
    result = await run(floor, FLOWS["restart-and-kill"])
    events = result["shutdown"]
    start = next(i for i, m in enumerate(events) if m["Event"] == "SoftHangupRequest")
    tail = events[start:]
    assert [m.get("Cause") for m in tail[:3]] == ["4", "4", "4"]
    assert "HangupRequest" not in [m["Event"] for m in tail]
    (done,) = [m for m in tail if m["Event"] == "AgentComplete"]
    assert done["Reason"] == reason
    caller, agent = done["Channel"], next(m["Channel"] for m in tail if m["Event"] == "Hangup"
                                         and m["Channel"].startswith("PJSIP/1001-"))
    assert shutdown_variant(tail, caller, agent) == (shutdown, end)
    waiting = [m["Event"] for m in tail if m.get("CallerIDNum") == "13700137001"
               and m["Event"] not in ("SoftHangupRequest", "VarSet")]
    assert waiting[:3] == ["QueueCallerAbandon", "QueueCallerLeave", "Hangup"]
    assert tail[-1]["Event"] == "Shutdown"
    shutdown_t = float(tail[-1]["Timestamp"])
    last_hangup_t = max(float(m["Timestamp"]) for m in tail if m["Event"] == "Hangup")
    assert round(shutdown_t - last_hangup_t, 1) == 1.1


async def test_a_login_while_booting_gets_no_queue_actions_until_fully_booted() -> None:
    """Live, after `core restart now`: logins work at once, but app_queue is not loaded yet:
    QueueStatus is an unknown command (and a RequestBadFormat event), until FullyBooted
    (Status first, with a Timestamp) 0.45 s later. A login once booted gets its own FullyBooted
    (Uptime first, no Timestamp even with timestampevents)."""
    floor = SimFloor()
    await floor.start()
    try:
        hello = next(m for _, m in floor.messages if m.get("Event") == "FullyBooted")
        assert list(hello)[:3] == ["Event", "Privilege", "Uptime"] and "Timestamp" not in hello
        await floor.sim.restart(clean=True, down_s=0.0, boot_s=0.2, booting_s=0.45)
        await floor.connect(floor.sim.port)
        early = await floor.action(Action="QueueStatus")
        assert (early["Response"], early["Message"].split(":")[0]) == ("Error", "Invalid/unknown command")
        bad = await floor.wait("RequestBadFormat")
        assert bad["RequestType"] == "Action: QueueStatus"
        assert not floor.events("FullyBooted")
        booted = await floor.wait("FullyBooted")
        assert list(booted)[:4] == ["Event", "Privilege", "Timestamp", "Status"]
        late = await floor.action(Action="QueueStatus")
        assert late["Response"] == "Success"
    finally:
        await floor.stop()


async def test_event_timestamps_increase_within_a_burst() -> None:
    floor = SimFloor()
    await run(floor, FLOWS["hung-up-by-calldesk"])
    stamps = [float(m["Timestamp"]) for _, m in floor.messages if "Timestamp" in m and "Event" in m]
    assert all(b > a for a, b in itertools.pairwise(stamps))


# -- ChanSpy (capture 10) -----------------------------------------------------------------------------
def test_chanspy_ends_with_the_spied_call_and_waits_for_it_on_an_ami_hangup() -> None:
    """ChanSpy(PJSIP/1001,qE) ends when the spied channel does; in the lab an AMI Hangup of the
    spying channel takes effect only then (capture 10: Hangup 19 s after the action)."""
    from telephony.simulator import actions, members
    from telephony.simulator.model import Phone

    pbx, seen = _click_pbx()
    pbx.add_phone(Phone("PJSIP/1009", "1009", "1009", "Supervisor Liu", ring_delay=0.5))
    members.add(pbx, "retail", "PJSIP/1001", "张伟")
    inbound.place_call(pbx, CallSpec("13800138000", account="310012345678", ivr_s=1.0, talk_s=30.0))
    pbx.clock.advance(5.0)
    _originate(pbx, Channel="PJSIP/1009", Application="ChanSpy", Data="PJSIP/1001,qE")
    pbx.clock.advance(2.0)
    spy = pbx.phones["PJSIP/1009"].channel.name
    reply = actions.handle(pbx, {"Action": "Hangup", "Channel": spy})
    reply.effect()
    assert not [m for m in seen if m["Event"] == "Hangup" and m["Channel"] == spy]
    pbx.clock.advance(40.0)
    order = [m["Channel"].split("-")[0] for m in seen if m["Event"] == "Hangup"]
    assert order.index("PJSIP/1009") == order.index("PJSIP/1001") + 1


# -- recordings: app_queue's monitor-format --------------------------------------------------------
async def test_an_answered_queue_call_is_recorded_on_the_callers_channel() -> None:
    """As the lab's queues (monitor-format = wav) in capture 01: once the agent answers, the
    caller's channel gets VarSet MIXMONITOR_FILENAME (<uniqueid>.wav in the monitor folder) and
    MixMonitorStart, after the DialEnd and before the caller leaves the queue; the tracker's ended
    names that file."""
    from telephony.tracker import Tracker

    floor = SimFloor()
    await run(floor, hung_up_by_calldesk)
    sent = [m for _, m in floor.messages if "Event" in m]
    kinds = [m["Event"] for m in sent]
    named = [m for m in sent if m["Event"] == "VarSet" and m.get("Variable") == "MIXMONITOR_FILENAME"]
    assert len(named) == 1 and named[0]["Channel"].startswith("PJSIP/carrier-")
    assert named[0]["Value"] == f"/var/spool/asterisk/monitor/{named[0]['Uniqueid']}.wav"
    start = kinds.index("MixMonitorStart")
    assert kinds.index("DialEnd") < start < kinds.index("QueueCallerLeave") < kinds.index("AgentConnect")
    tracker = Tracker(wrapup_s=3.0)
    ended = [e for t, m in floor.messages for e in tracker.feed(m, t) if e.name == "ended"]
    assert [e.recording for e in ended] == [named[0]["Value"]]


# -- the post-call survey (95559, Queue option c) ---------------------------------------------------
@pytest.mark.parametrize("score", [4, None])
async def test_a_surveyed_caller_stays_after_the_agent_hangs_up_and_answers(score: int | None) -> None:
    """As the lab's Asterisk ran the sample dialplan (tests/live/test_live_survey.py): calldesk hangs
    up the agent; both leave the bridge, the agent leg ends, the caller's QUEUESTATUS is CONTINUE and
    the survey asks; a key 1-5 is a UserEvent CallSurvey; then the caller is hung up and only then
    app_queue's AgentComplete (Reason caller, no Dest*). The tracker: ended at the agent's hang-up,
    then the survey's answer."""
    from telephony.simulator.survey import READ_TIMEOUT_S
    from telephony.tracker import Tracker

    floor = SimFloor()
    await floor.start()
    try:
        await floor.phone("1001")
        await floor.action(Action="QueueAdd", Queue="retail", Interface="PJSIP/1001", MemberName="张伟")
        floor.pbx.variants.pin("ami_hangup", "agent status caller complete")
        spec = CallSpec(number="13800138000", account="310012345678", did="95559", ivr_s=1.8, talk_s=None,
                        survey_score=score, survey_after_s=5.3)
        inbound.place_call(floor.pbx, spec)
        connect = await floor.wait("AgentConnect")
        joined = floor.events("QueueCallerJoin")[0]
        floor.mark()
        await floor.action(Action="Hangup", Channel=connect["DestChannel"])
        await floor.idle(READ_TIMEOUT_S + 2)
        end = floor.since_mark()
    finally:
        await floor.stop()
    kinds = [(m["Event"], m.get("Channel", "")[:14], m.get("Variable") or m.get("UserEvent") or m.get("Reason") or "")
             for m in end if m["Event"] in ("BridgeLeave", "Hangup", "VarSet", "UserEvent", "SoftHangupRequest",
                                            "AgentComplete")]
    survey = [("UserEvent", "PJSIP/carrier-", "CallSurvey")] if score else []
    assert kinds == [("BridgeLeave", "PJSIP/1001-000", ""), ("BridgeLeave", "PJSIP/carrier-", ""),
                     ("Hangup", "PJSIP/1001-000", ""), ("VarSet", "PJSIP/carrier-", "QUEUESTATUS"), *survey,
                     ("SoftHangupRequest", "PJSIP/carrier-", ""), ("AgentComplete", "PJSIP/carrier-", "caller"),
                     ("Hangup", "PJSIP/carrier-", "")]
    complete = next(m for m in end if m["Event"] == "AgentComplete")
    assert "DestChannel" not in complete
    tracker = Tracker(wrapup_s=3.0)
    events = [e for t, m in floor.messages for e in tracker.feed(m, t) if e.name in ("ended", "survey")]
    assert [e.name for e in events] == (["ended", "survey"] if score else ["ended"])
    assert (events[0].agent, events[0].hangup_by) == ("1001", "agent")  # the agent left the bridge first
    if score:
        assert (events[1].call, events[1].agent, events[1].queue, events[1].score) == (
            joined["Linkedid"], "1001", "retail", 4)


async def test_given_a_folder_the_simulator_writes_each_recorded_call(tmp_path) -> None:
    """The demo's recordings: MixMonitor's file at the name the VarSet gave, a WAV of the call."""
    import wave

    floor = SimFloor()
    floor.pbx.recordings_dir = tmp_path
    await run(floor, hung_up_by_calldesk)
    (named,) = [m["Value"] for _, m in floor.messages if m.get("Variable") == "MIXMONITOR_FILENAME"]
    path = tmp_path / named.rsplit("/", 1)[1]
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000) and w.getnframes() > 0
