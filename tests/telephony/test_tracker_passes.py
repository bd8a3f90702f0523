"""A call passing through the same queue more than once: each pass ends with its own ``ended``.

No capture here shows it (06 and 07 transfer to an extension, the peer recordings carry no queue
events); the scripts follow the README's event order: a blind transfer ends the queue pass at once
(AgentComplete ``Reason: transfer``, BlindTransfer) and the transferee's channel then runs the
target's dialplan, here ``Queue(retail)`` again: a second ``QueueCallerJoin`` with the same
Uniqueid. An AMI Redirect of the caller gives that second join too, the old agent leg hangs up at
once, and its AgentComplete only comes when the caller finally hangs up. A pass that times out
(QUEUESTATUS=TIMEOUT) may be queued again by the dialplan.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.telephony.tracker_script import Chan, Script, carrier, leg

from .ami_helpers import run_through_bridge, transcript_of, without_t

ACCOUNT = "310012345678"


def answered_pass(s: Script, c: Chan, queue: str, device: str, seq: int, at: float, hold: int = 2) -> Chan:
    a = leg(device, seq, c.linkedid)
    s.join(c, queue, at=at)
    s.ring(c, a, queue, device, at=at + 0.1)
    s.connect(c, a, queue, device, hold=hold, at=at + hold)
    return a


def blind_transfer_to_queue(s: Script, c: Chan, a: Chan, queue: str, device: str, at: float) -> None:
    s.send("AgentComplete", at, c, a, Queue=queue, Interface=device, Reason="transfer", HoldTime="2", TalkTime="3")
    s.send("BlindTransfer", at, Result="Success", TransfererChannel=a.name, TransfereeChannel=c.name,
           Extension="8000", Context="queues")
    s.hangup(a, at=at + 0.01, request=False)


def caller_hangs_up(s: Script, c: Chan, a: Chan, queue: str, device: str, at: float, hold: int = 2) -> None:
    s.send("HangupRequest", at, c)
    s.send("AgentComplete", at, c, a, Queue=queue, Interface=device, Reason="caller", HoldTime=str(hold),
           TalkTime="4")
    s.hangup(a, at=at + 0.01, request=False)
    s.hangup(c, at=at + 0.02, request=False)


def transferred_back() -> Script:
    s, c = Script(), carrier(1, "13811112222")
    s.inbound(c, ACCOUNT, at=0.1)
    first = answered_pass(s, c, "retail", "PJSIP/1001", 1, at=3.0)
    blind_transfer_to_queue(s, c, first, "retail", "PJSIP/1001", at=9.0)
    second = answered_pass(s, c, "retail", "PJSIP/1002", 2, at=9.05, hold=3)
    caller_hangs_up(s, c, second, "retail", "PJSIP/1002", at=20.0, hold=3)
    return s


def test_a_caller_transferred_back_into_its_queue_ends_each_pass() -> None:
    s = transferred_back()
    ends = s.of("ended")
    assert [(e["queue"], e["agent"], e["outcome"], e["hangup_by"], e["t"]) for e in ends] == [
        ("retail", "1001", "answered", "agent", 9.0), ("retail", "1002", "answered", "caller", 20.01)]
    assert [e["wait_s"] for e in ends] == [2.0, 3.0] and ends[1]["talk_s"] == 4.0
    # the second pass pops with the customer's IVR data like the first
    assert [(r["agent"], r["vars"]["CUSTOMER_ACCOUNT"]) for r in s.of("ringing")] == [
        ("1001", ACCOUNT), ("1002", ACCOUNT)]
    assert s.tracker.active_calls() == []


async def test_the_two_passes_over_tcp_are_the_offline_ones() -> None:
    s = transferred_back()
    got, _, _ = await run_through_bridge(transcript_of(Path("transferred-back"), s.fed), chunk=(1, 97),
                                         hold_until=None, timestamps=True)
    offline = [{k: v for k, v in e.items() if k != "t"} for e in s.out]
    assert without_t(got) == offline and len([e for e in offline if e["event"] == "ended"]) == 2


def test_a_redirect_back_into_the_same_queue_and_the_late_agent_complete() -> None:
    s, c = Script(), carrier(2, "13833334444")
    s.inbound(c, ACCOUNT, at=0.1)
    first = answered_pass(s, c, "retail", "PJSIP/1001", 1, at=3.0)
    s.send("QueueCallerJoin", 9.0, c, Queue="retail", Position="1", Count="1")
    s.send("Hangup", 9.001, first, Cause="16")
    second = leg("PJSIP/1002", 2, c.linkedid)
    s.ring(c, second, "retail", "PJSIP/1002", at=9.5)
    s.connect(c, second, "retail", "PJSIP/1002", hold=1, at=10.5)
    caller_hangs_up(s, c, second, "retail", "PJSIP/1002", at=20.0)
    # app_queue reports the first agent's completion only now: no third end, no second of pass 1
    s.send("AgentComplete", 20.03, c, first, Queue="retail", Interface="PJSIP/1001", Reason="caller",
           HoldTime="2", TalkTime="15")
    ends = s.of("ended")
    assert [(e["queue"], e["agent"], e["outcome"], e["t"]) for e in ends] == [
        ("retail", "1001", "answered", 9.0), ("retail", "1002", "answered", 20.01)]


def test_a_second_pass_can_be_abandoned() -> None:
    s, c = Script(), carrier(3, "13700001111")
    s.inbound(c, ACCOUNT, at=0.1)
    first = answered_pass(s, c, "retail", "PJSIP/1001", 1, at=3.0)
    blind_transfer_to_queue(s, c, first, "retail", "PJSIP/1001", at=9.0)
    s.join(c, "retail", at=9.05)
    s.send("HangupRequest", 30.0, c)
    s.send("QueueCallerAbandon", 30.0, c, Queue="retail", HoldTime="21", Position="1", OriginalPosition="1")
    s.send("QueueCallerLeave", 30.0, c, Queue="retail", Position="1", Count="0")
    s.hangup(c, cause="0", at=30.01, request=False)
    ends = s.of("ended")
    assert [(e["queue"], e["agent"], e["outcome"], e["wait_s"]) for e in ends] == [
        ("retail", "1001", "answered", 2.0), ("retail", None, "abandoned", 21.0)]


# How a pass that is not the last one ends, and how the last one does.
MIDDLE = st.sampled_from(["transfer", "redirect", "timeout"])
LAST = st.sampled_from(["answered", "abandoned"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["retail", "vip"]), MIDDLE), max_size=5), st.sampled_from(["retail", "vip"]),
       LAST)
def test_every_pass_ends_once_in_order(middle, last_queue, last) -> None:
    s, c = Script(), carrier(9, "13900000009")
    s.inbound(c, ACCOUNT, at=0.1)
    t, expected = 1.0, []
    redirected: Chan | None = None  # the agent leg a redirect left: it hangs up after the next join
    passes = [(queue, how, f"PJSIP/10{n:02d}") for n, (queue, how) in enumerate(middle, start=1)]
    for n, (queue, how, device) in enumerate(passes + [(last_queue, last, "PJSIP/1099")], start=1):
        agent = device.split("/")[1]
        s.join(c, queue, at=t)
        if redirected is not None:
            s.send("Hangup", t + 0.01, redirected, Cause="16")
            redirected = None
        a = leg(device, n, c.linkedid)
        if how in ("timeout", "abandoned"):
            s.ring(c, a, queue, device, at=t + 0.1)
            s.send("AgentRingNoAnswer", t + 5, c, a, Queue=queue, Interface=device, RingTime="5000")
            s.send("DialEnd", t + 5, c, a, DialStatus="NOANSWER")
            s.hangup(a, cause="0", at=t + 5.01, request=False)
            if how == "timeout":
                s.send("QueueCallerLeave", t + 6, c, Queue=queue, Position="1", Count="0")
                s.send("VarSet", t + 6, c, Variable="QUEUESTATUS", Value="TIMEOUT")
                expected.append((queue, None, "no_answer", "system"))
            else:
                s.send("HangupRequest", t + 6, c)
                s.send("QueueCallerAbandon", t + 6, c, Queue=queue, HoldTime="6", Position="1")
                s.send("QueueCallerLeave", t + 6, c, Queue=queue, Position="1", Count="0")
                s.hangup(c, cause="0", at=t + 6.01, request=False)
                expected.append((queue, None, "abandoned", "caller"))
        else:
            s.ring(c, a, queue, device, at=t + 0.1)
            s.connect(c, a, queue, device, hold=2, at=t + 2)
            if how == "transfer":
                blind_transfer_to_queue(s, c, a, queue, device, at=t + 5)
                expected.append((queue, agent, "answered", "agent"))
            elif how == "redirect":
                redirected = a
                expected.append((queue, agent, "answered", "agent"))
            else:
                caller_hangs_up(s, c, a, queue, device, at=t + 5)
                expected.append((queue, agent, "answered", "caller"))
        t += 7
    assert s.tracker.skipped == 0
    assert [(e["queue"], e["agent"], e["outcome"], e["hangup_by"]) for e in s.of("ended")] == expected
    assert s.tracker.active_calls() == []
