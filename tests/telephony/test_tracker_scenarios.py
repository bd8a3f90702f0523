"""Tracker behaviour the README describes but the captures here do not show, scripted.

Each script follows the event order the README documents for Asterisk 22 (see tracker_script).
"""

from __future__ import annotations

from tests.telephony.tracker_script import Chan, Script, carrier, leg


def test_leaveempty_is_an_abandon_by_the_system_not_by_the_caller() -> None:
    s, c = Script(), carrier(1, "13920200020")
    s.inbound(c, "310020202020", at=0.1)
    s.join(c, "margin", at=3.0)
    s.send("QueueMemberRemoved", 10.0, Queue="margin", Interface="PJSIP/1001", MemberName="x")
    s.send("VarSet", 10.2, c, Variable="ABANDONED", Value="TRUE")
    s.send("QueueCallerAbandon", 10.2, c, Queue="margin", HoldTime="7", Position="1")
    s.send("QueueCallerLeave", 10.2, c, Queue="margin", Position="1", Count="0")
    assert s.of("ended") == []  # no HangupRequest: not yet known whether the caller left
    s.send("VarSet", 10.3, c, Variable="QUEUESTATUS", Value="LEAVEEMPTY")
    s.send("SoftHangupRequest", 10.4, c, Cause="16")
    s.send("Hangup", 10.4, c, Cause="16")
    [end] = s.of("ended")
    assert (end["outcome"], end["hangup_by"], end["queue"], end["wait_s"]) == ("abandoned", "system", "margin", 7.0)


def test_joinempty_refusal_is_recorded_with_the_queue_from_the_dialplan() -> None:
    s, c = Script(), carrier(2, "13920200021")
    s.inbound(c, "310020202021", at=0.1)
    s.send("Newexten", 3.0, c, Application="Queue", AppData="margin,,,,60", Context="ivr")
    for var in ("ANSWEREDTIME", "DIALEDTIME", "QUEUEWAIT"):
        s.send("VarSet", 3.0, c, Variable=var, Value="")
    s.send("VarSet", 3.0, c, Variable="QUEUESTATUS", Value="JOINEMPTY")
    s.hangup(c, at=4.0, request=False)
    [end] = s.of("ended")
    assert (end["caller"], end["queue"], end["outcome"], end["hangup_by"]) == (
        "13920200021", "margin", "refused", "system")
    assert s.of("ringing") == []


def test_caller_leaving_a_ring_all_queue_clears_every_pop_and_is_an_abandon() -> None:
    s, c = Script(), carrier(3, "13915150015")
    s.inbound(c, "310015151515", at=0.1)
    s.join(c, "ringall", at=3.0)
    legs = [leg(f"PJSIP/100{n}", n, c.linkedid) for n in (1, 2, 3)]
    for n, a in enumerate(legs, start=1):
        s.ring(c, a, "ringall", f"PJSIP/100{n}", at=3.0 + n / 1000)
    s.send("HangupRequest", 5.0, c)
    for a in legs:
        s.send("DialEnd", 5.001, c, a, DialStatus="CANCEL")
        s.send("DialEnd", 5.002, c, a, DialStatus="CANCEL")
    s.send("QueueCallerAbandon", 5.003, c, Queue="ringall", HoldTime="2", Position="1", OriginalPosition="1")
    s.send("QueueCallerLeave", 5.003, c, Queue="ringall", Position="1", Count="0")
    for a in legs:
        s.send("Hangup", 5.004, a, Cause="0")
    s.send("Hangup", 5.005, c, Cause="0")
    assert sorted((e["agent"], e["reason"]) for e in s.of("ring_stopped")) == [
        ("1001", "caller_left"), ("1002", "caller_left"), ("1003", "caller_left")]
    [end] = s.of("ended")
    assert (end["outcome"], end["hangup_by"], end["wait_s"], end["agent"]) == ("abandoned", "caller", 2.0, None)


def test_local_member_pops_with_the_real_phone_leg() -> None:
    s, c = Script(), carrier(4, "13800000004", "王五")
    s.inbound(c, "310000000004", at=0.1)
    s.join(c, "vip", at=3.0)
    local1 = Chan("Local/1004@agents-00000001;1", "1795370002.1", c.linkedid)
    local2 = Chan("Local/1004@agents-00000001;2", "1795370002.2", c.linkedid)
    phone = leg("PJSIP/1004", 9, c.linkedid)
    s.send("Newchannel", 3.0, local1)
    s.send("Newchannel", 3.0, local2)
    s.send("AgentCalled", 3.001, c, local1, Queue="vip", Interface="Local/1004@agents/n", MemberName="陈杰")
    assert s.of("ringing") == []  # the real leg is not known yet
    s.send("DialBegin", 3.001, c, local1, DialString="Local/1004@agents/n")
    s.send("DialBegin", 3.002, local2, phone, DialString="PJSIP/1004")
    assert s.of("ringing") == []  # dialled, not ringing yet
    s.send("Newstate", 3.003, phone, ChannelState="5", ChannelStateDesc="Ringing")
    [pop] = s.of("ringing")
    assert (pop["agent"], pop["agent_channel"], pop["caller_name"]) == ("1004", phone.name, "王五")
    assert pop["vars"]["CUSTOMER_ACCOUNT"] == "310000000004"
    s.send("DialEnd", 6.0, local2, phone, DialStatus="ANSWER")
    s.connect(c, local1, "vip", "Local/1004@agents/n", hold=3, at=6.01)
    [ans] = s.of("answered")
    assert (ans["agent"], ans["agent_channel"], ans["wait_s"]) == ("1004", phone.name, 3.0)
    s.send("AgentComplete", 9.0, c, local1, Queue="vip", Interface="Local/1004@agents/n",
           Reason="agent", HoldTime="3", TalkTime="3")
    s.hangup(phone, at=9.01)
    s.hangup(local2, at=9.01, request=False)
    s.hangup(local1, at=9.01, request=False)
    s.hangup(c, at=9.02, request=False)
    [end] = s.of("ended")
    assert (end["agent"], end["hangup_by"], end["talk_s"]) == ("1004", "agent", 3.0)


def test_redirect_into_another_queue_ends_the_first_pass_at_the_agent_hangup() -> None:
    s, c = Script(), carrier(5, "13811110011")
    s.inbound(c, "310011110011", at=0.1)
    s.join(c, "retail", at=3.0)
    first = leg("PJSIP/1001", 1, c.linkedid)
    s.ring(c, first, "retail", "PJSIP/1001", at=3.0)
    s.connect(c, first, "retail", "PJSIP/1001", hold=2, at=5.0)
    s.send("QueueCallerJoin", 9.0, c, Queue="vip", Position="1", Count="1")
    s.send("Hangup", 9.001, first, Cause="16")
    [end1] = s.of("ended", queue="retail")
    assert (end1["agent"], end1["outcome"], end1["t"]) == ("1001", "answered", 9.0)
    second = leg("PJSIP/1002", 2, c.linkedid)
    s.ring(c, second, "vip", "PJSIP/1002", at=9.5)
    s.connect(c, second, "vip", "PJSIP/1002", hold=1, at=10.5)
    s.send("HangupRequest", 20.0, c)
    s.send("AgentComplete", 20.0, c, second, Queue="vip", Interface="PJSIP/1002", Reason="caller",
           HoldTime="1", TalkTime="10")
    # app_queue reports the first agent's completion only now, covering the whole rest of the call
    s.send("AgentComplete", 20.0, c, first, Queue="retail", Interface="PJSIP/1001", Reason="caller",
           HoldTime="2", TalkTime="15")
    s.hangup(second, at=20.01, request=False)
    s.hangup(c, at=20.02, request=False)
    ends = s.of("ended")
    assert [(e["queue"], e["agent"]) for e in ends] == [("retail", "1001"), ("vip", "1002")]
    assert ends[1]["hangup_by"] == "caller" and ends[1]["talk_s"] == 10.0
    assert [e["state"] for e in s.of("agent_state", agent="1001")] == []  # no late wrap-up


def _answered_call(s: Script, seq: int) -> tuple[Chan, Chan]:
    c = carrier(seq, f"1380000000{seq}")
    s.inbound(c, f"31000000000{seq}", at=seq)
    s.join(c, "retail", at=seq + 0.1)
    a = leg(f"PJSIP/100{seq}", seq, c.linkedid)
    s.ring(c, a, "retail", f"PJSIP/100{seq}", at=seq + 0.2)
    s.connect(c, a, "retail", f"PJSIP/100{seq}", hold=1, at=seq + 0.3)
    return c, a


def _complete_into_wrap_up(s: Script, c: Chan, a: Chan, queues: tuple[str, ...] = ("retail",)) -> None:
    """Agent 1001 talks (device in use in each of ``queues``), the call completes in the first
    queue at 10 s, and the device is free again at 10.01 s: wrap-up starts by event time."""
    members = [{"Queue": q, "Interface": "PJSIP/1001", "MemberName": "x", "Paused": "0"} for q in queues]
    for member in members:
        s.send("QueueMemberStatus", 1.3, **member, Status="2")
    s.send("AgentComplete", 10.0, c, a, Queue=queues[0], Interface="PJSIP/1001", Reason="caller",
           HoldTime="1", TalkTime="9")
    for member in members:
        s.send("QueueMemberStatus", 10.01, **member, Status="1")


def test_reconnect_keeps_calls_the_snapshot_shows_and_ends_the_rest_once() -> None:
    s = Script()
    kept, kept_leg = _answered_call(s, 1)
    lost, _ = _answered_call(s, 2)
    assert s.tracker.connection_lost(10.0) == []
    s.send("FullyBooted", 11.0, Status="Fully Booted", Uptime="3600")
    s.send("CoreShowChannel", 11.1, kept, Application="Queue", ActionID="r1")
    s.send("CoreShowChannel", 11.1, kept_leg, Application="AppQueue", ActionID="r1")
    s.send("CoreShowChannelsComplete", 11.2, ActionID="r1")
    resync = [e.to_json() for e in s.tracker.resync_done(11.2)]
    assert [(e["event"], e["call"], e["hangup_by"]) for e in resync] == [("ended", lost.linkedid, "system")]
    assert s.tracker.resync_done(11.3) == []
    s.out.extend(resync)
    s.hangup(kept, at=20.0)
    ends = s.of("ended")
    assert sorted(e["call"] for e in ends) == sorted([kept.linkedid, lost.linkedid])
    assert len(s.of("ringing")) == 2 and len(s.of("answered")) == 2  # nothing popped twice


def test_fully_booted_after_a_restart_ends_calls_from_before_it() -> None:
    s = Script()
    _answered_call(s, 1)
    s.send("FullyBooted", 100.0, Status="Fully Booted", Uptime="5000")  # a reconnect, no restart
    assert s.of("ended") == []
    s.send("FullyBooted", 200.0, Status="Fully Booted", Uptime="0")
    [end] = s.of("ended")
    assert (end["hangup_by"], end["outcome"]) == ("system", "answered")
    s.send("FullyBooted", 201.0, Status="Fully Booted", Uptime="1")
    assert len(s.of("ended")) == 1


def test_wrap_up_lasts_its_configured_time_of_event_time() -> None:
    from telephony.tracker import Tracker

    s = Script(tracker=Tracker(wrapup_s=3.0))
    c, a = _answered_call(s, 1)
    _complete_into_wrap_up(s, c, a)
    assert s.of("agent_state")[-1]["state"] == "wrap_up"
    s.send("VarSet", 12.0, c, Variable="X", Value="y")
    assert s.of("agent_state")[-1]["state"] == "wrap_up"
    s.send("Newexten", 13.5, c, Application="Playback")
    # Dated when the wrap-up ended (AgentComplete at 10 + 3 s), not when the traffic showed it.
    assert (s.of("agent_state")[-1]["state"], s.of("agent_state")[-1]["t"]) == ("available", 13.0)


def test_wrap_up_ends_by_the_clock_on_a_silent_pbx() -> None:
    """A real Asterisk sends nothing between calls: the bridge ticks the tracker at next_due."""
    from telephony.tracker import Tracker

    tracker = Tracker(wrapup_s=3.0)
    s = Script(tracker=tracker)
    c, a = _answered_call(s, 1)
    _complete_into_wrap_up(s, c, a)
    assert s.of("agent_state")[-1]["state"] == "wrap_up"
    due = tracker.next_due()
    assert due == 13.0
    assert tracker.tick(12.9) == []
    [released] = tracker.tick(50.0)
    assert (released.state, released.agent, released.t) == ("available", "1001", 13.0)
    assert tracker.next_due() is None and tracker.tick(60.0) == []


def test_agent_map_overrides_the_extension_digits() -> None:
    from telephony.tracker import Tracker

    s = Script(tracker=Tracker(agent_map={"PJSIP/1001": "zhangwei"}))
    _answered_call(s, 1)
    s.send("QueueMemberPause", 2.0, Queue="retail", Interface="PJSIP/1001", Paused="1", PausedReason="lunch")
    assert [e["agent"] for e in s.of("ringing")] == ["zhangwei"]
    assert s.of("agent_state")[-1]["agent"] == "zhangwei"
    assert s.tracker.agent_states()["zhangwei"]["retail"].reason == "lunch"


def test_caller_names_pass_as_asterisk_gave_them_but_broken_ones() -> None:
    """<unknown> is no name; so is a GBK name res_pjsip replaced by U+FFFD (the original cannot be
    recovered from AMI, and "����" on the card helps nobody); UTF-8 Chinese passes unchanged."""
    s = Script()
    for seq, name, want in ((1, "\ufffd\ufffd\ufffd\ufffd", None), (2, "<unknown>", None),
                            (3, "张三丰", "张三丰"), (4, "张\ufffd", None)):
        c = carrier(seq, f"1381717001{seq}", name)
        s.inbound(c, at=seq)
        s.join(c, "retail", at=seq + 0.1)
        s.ring(c, leg("PJSIP/1001", seq, c.linkedid), "retail", "PJSIP/1001", at=seq + 0.2)
        assert s.of("ringing")[-1]["caller_name"] == want


def test_active_calls_view_follows_the_call() -> None:
    s = Script()
    c, a = _answered_call(s, 1)
    [row] = s.tracker.active_calls()
    assert (row["call"], row["state"], row["agent"], row["agent_channel"]) == (c.linkedid, "talking", "1001", a.name)
    s.hangup(c, at=5.0)
    assert s.tracker.active_calls() == []


def test_originate_failure_waits_for_the_dial_outcome() -> None:
    s = Script()
    out = Chan("PJSIP/carrier-00000019", "1795373247.27", "1795373247.27", "95555")
    s.send("Newchannel", 1.0, out)
    s.send("DialBegin", 1.0, None, out, DialString="13700137000@carrier")
    s.send("OriginateResponse", 1.1, ActionID="a-1", Response="Failure", Reason="0",
           Channel="PJSIP/13700137000@carrier", Uniqueid="<unknown>", Context="campaign", Exten="s")
    assert s.of("originate_result") == []  # Reason 0 is busy or unavailable: wait for DialEnd
    s.send("DialEnd", 1.2, None, out, DialStatus="BUSY")
    [res] = s.of("originate_result")
    assert (res["outcome"], res["number"], res["call"]) == ("busy", "13700137000", out.linkedid)
    s.send("OriginateResponse", 2.0, ActionID="a-2", Response="Failure", Reason="0",
           Channel="PJSIP/99@nowhere", Uniqueid="<unknown>")
    assert s.of("originate_result")[-1]["outcome"] == "failed"


def test_agent_complete_before_the_blind_transfer_event_still_reports_the_transfer() -> None:
    s = Script()
    c, a = _answered_call(s, 1)
    s.send("AgentComplete", 5.0, c, a, Queue="retail", Interface="PJSIP/1001", Reason="transfer",
           HoldTime="1", TalkTime="4")
    s.send("BlindTransfer", 5.0, Result="Success", TransfererChannel=a.name, TransfereeChannel=c.name,
           Extension="1002", Context="transfer-targets")
    [moved] = s.of("transferred")
    assert (moved["from_agent"], moved["to"], moved["kind"]) == ("1001", "1002", "blind")
    target = leg("PJSIP/1002", 7, c.linkedid)
    s.send("DialBegin", 5.1, c, target, DialString="1002")
    s.send("DialEnd", 7.0, c, target, DialStatus="ANSWER")
    s.hangup(c, at=9.0)
    ends = s.of("ended")
    assert [(e["queue"], e["agent"], e["hangup_by"]) for e in ends] == [
        ("retail", "1001", "agent"), (None, "1002", "caller")]


def test_local_member_reaching_its_phone_before_agent_called_pops_once() -> None:
    """app_queue publishes AgentCalled after calling the Local ;1; the ;2 half runs in its own
    thread and may dial the phone first. Either order gives one pop, with the real leg."""
    for caller_dials_first in (True, False):
        s, c = Script(), carrier(4, "13800000004")
        s.inbound(c, "310000000004", at=0.1)
        s.join(c, "vip", at=3.0)
        local1 = Chan("Local/1004@agents-00000001;1", "1795370002.1", c.linkedid)
        local2 = Chan("Local/1004@agents-00000001;2", "1795370002.2", c.linkedid)
        phone = leg("PJSIP/1004", 9, c.linkedid)
        if caller_dials_first:
            s.send("DialBegin", 3.001, c, local1, DialString="Local/1004@agents/n")
        s.send("DialBegin", 3.002, local2, phone, DialString="PJSIP/1004")
        s.send("AgentCalled", 3.003, c, local1, Queue="vip", Interface="Local/1004@agents/n", MemberName="陈杰")
        if not caller_dials_first:
            s.send("DialBegin", 3.004, c, local1, DialString="Local/1004@agents/n")
        s.send("DialEnd", 6.0, local2, phone, DialStatus="ANSWER")
        s.connect(c, local1, "vip", "Local/1004@agents/n", hold=3, at=6.01)
        pops = s.of("ringing")
        assert [(p["agent"], p["agent_channel"], p["queue"]) for p in pops] == [("1004", phone.name, "vip")]
        assert [(a["agent"], a["agent_channel"]) for a in s.of("answered")] == [("1004", phone.name)]


def test_a_phone_rung_while_we_were_away_pops_from_the_snapshot() -> None:
    """The link was down (or its holder died) when the queue rang agent 1002: the snapshot shows
    the caller waiting and the agent's leg ringing, so the ring pops at the snapshot's end, once.
    A second snapshot (a server that joins later asks for one) pops nothing again."""
    s = Script()
    known, _ = _answered_call(s, 1)
    assert s.tracker.connection_lost(5.0) == []
    c = carrier(2, "13800000002")
    a = leg("PJSIP/1002", 2, c.linkedid)
    for at, action in ((6.0, "r1"), (9.0, "r2")):
        s.send("CoreShowChannel", at, known, Application="Queue", ApplicationData="retail,t,,,600", ActionID=action)
        s.send("CoreShowChannel", at, c, Application="Queue", ApplicationData="retail,t,,,600",
               Duration="00:00:04", ChannelState="6", ActionID=action)
        s.send("CoreShowChannel", at, a, Application="AppQueue", ApplicationData="(Outgoing Line)",
               ChannelState="5", ChannelStateDesc="Ringing", ActionID=action)
        s.send("CoreShowChannelsComplete", at, ActionID=action)
        s.out.extend(e.to_json() for e in s.tracker.resync_done(at))
    rings = s.of("ringing", call=c.linkedid)
    assert [(r["agent"], r["t"], r["queue"], r["caller"]) for r in rings] == [("1002", 6.0, "retail", "13800000002")]
    s.connect(c, a, "retail", "PJSIP/1002", hold=5, at=10.0)
    assert [e["agent"] for e in s.of("answered", call=c.linkedid)] == ["1002"]
    assert len(s.of("ringing")) == 2  # the first call's own ring, and this one: nothing popped twice


def test_an_agent_complete_after_both_legs_hung_up_still_starts_the_wrap_up() -> None:
    """With the queue_log written to PostgreSQL, the lab's Asterisk 22 now and then sends the
    AgentComplete after both legs' Hangup (the call is over and forgotten by then): it is still
    this pass's, a moment old, and starts the queue's wrap-up. One long after is a late report."""
    from telephony.tracker import Tracker

    s = Script(tracker=Tracker(queue_wrapup_s={"retail": 3.0}))
    c, a = _answered_call(s, 1)
    member = {"Queue": "retail", "Interface": "PJSIP/1001", "MemberName": "x", "Paused": "0"}
    s.send("QueueMemberStatus", 1.3, **member, Status="2")
    s.hangup(c, at=10.0)
    s.hangup(a, at=10.01, request=False)
    s.send("QueueMemberStatus", 10.02, **member, Status="1")
    s.send("AgentComplete", 10.05, c, a, Queue="retail", Interface="PJSIP/1001", Reason="caller",
           HoldTime="1", TalkTime="9")
    wraps = s.of("agent_state", agent="1001", state="wrap_up")
    assert [(w["t"], w["queue"]) for w in wraps] == [(10.05, "retail")]
    c2, a2 = _answered_call(s, 2)
    s.hangup(c2, at=20.0)
    s.hangup(a2, at=20.0, request=False)
    s.send("AgentComplete", 25.0, c2, a2, Queue="retail", Interface="PJSIP/1002", Reason="caller",
           HoldTime="1", TalkTime="9")
    assert s.of("agent_state", agent="1002", state="wrap_up") == []  # 5 s after: a late report
