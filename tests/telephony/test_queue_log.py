"""Asterisk's queue_log read into queue passes (telephony/queue_log.py), as the live tracker keys them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from telephony.queue_log import Row, passes

CALL = "1796700000.7"


def row(t: float, event: str, queue: str = "retail", agent: str = "NONE", *data: str, call: str = CALL) -> Row:
    return Row(t, call, queue, agent, event, *data)


def test_an_answered_call_and_its_ends():
    rows = [row(0, "ENTERQUEUE", "retail", "NONE", "", "13800138000", "1"),
            row(4, "RINGNOANSWER", "retail", "张伟", "15000"),
            row(6, "CONNECT", "retail", "李娜", "6", "1796700001.9", "2"),
            row(66, "COMPLETEAGENT", "retail", "李娜", "6", "60", "1")]
    (p,) = passes(rows)
    assert (p.call, p.queue, p.pass_no, p.caller, p.agent) == (CALL, "retail", 1, "13800138000", "李娜")
    assert (p.outcome, p.hangup_by, p.wait_s, p.talk_s, p.t) == ("answered", "agent", 6.0, 60.0, 66)


def test_each_exit_is_the_outcome_the_tracker_gives_it():
    ends = {
        "COMPLETECALLER": (("5", "30", "1"), ("answered", "caller", 5.0, 30.0)),
        "ABANDON": (("1", "1", "12"), ("abandoned", "caller", 12.0, 0.0)),
        "EXITWITHTIMEOUT": (("1", "1", "600"), ("no_answer", "system", 600.0, 0.0)),
        "EXITEMPTY": (("1", "1", "3"), ("abandoned", "system", 3.0, 0.0)),
        "EXITWITHKEY": (("1", "1", "1", "25"), ("callback_requested", "caller", 25.0, 0.0)),
        "BLINDTRANSFER": (("8002", "transfer-targets", "4", "20", "1"), ("answered", "agent", 4.0, 20.0)),
    }
    for event, (data, want) in ends.items():
        entered = row(0, "ENTERQUEUE", "retail", "NONE", "", "13800138000")
        (p,) = passes([entered, row(1, event, "retail", "NONE", *data)])
        assert (p.outcome, p.hangup_by, p.wait_s, p.talk_s) == want, event
        assert p.agent is None or event == "BLINDTRANSFER" or event == "COMPLETECALLER"


def test_a_second_pass_through_a_queue_is_pass_two():
    rows = [row(0, "ENTERQUEUE"), row(1, "CONNECT", "retail", "PJSIP/1001", "1"),
            row(9, "BLINDTRANSFER", "retail", "PJSIP/1001", "8001", "transfer-targets", "1", "8"),
            row(9.5, "ENTERQUEUE"), row(12, "ABANDON", "retail", "NONE", "1", "1", "2.5")]
    first, second = passes(rows)
    assert (first.pass_no, first.outcome, first.agent) == (1, "answered", "PJSIP/1001")
    assert (second.pass_no, second.outcome, second.agent, second.wait_s) == (2, "abandoned", None, 2.5)


def test_a_pass_not_ended_gives_nothing_and_odd_numbers_are_zero():
    assert passes([row(0, "ENTERQUEUE"), row(1, "CONNECT", "retail", "PJSIP/1001", "1")]) == []
    (p,) = passes([row(0, "ENTERQUEUE"), row(2, "ABANDON", "retail", "NONE", "1", "1", "-3")])
    assert p.wait_s == 0.0
    (p,) = passes([row(2, "COMPLETECALLER", "retail", "PJSIP/1001", "x", "")])  # its entry before the rows read
    assert (p.pass_no, p.wait_s, p.talk_s, p.agent) == (1, 0.0, 0.0, "PJSIP/1001")


@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["retail", "vip"]),
                          st.sampled_from(["ENTERQUEUE", "CONNECT", "COMPLETECALLER", "ABANDON", "RINGNOANSWER"])),
                max_size=30))
def test_pass_numbers_never_exceed_the_entries_seen(events):
    rows = [Row(float(i), call, queue, "PJSIP/1001", event) for i, (call, queue, event) in enumerate(events)]
    got = passes(rows)
    for call in ("a", "b"):
        for queue in ("retail", "vip"):
            entries = sum(1 for c, q, e in events if (c, q, e) == (call, queue, "ENTERQUEUE"))
            numbers = [p.pass_no for p in got if (p.call, p.queue) == (call, queue)]
            assert all(1 <= n <= max(1, entries) for n in numbers)


def test_a_transfer_back_into_the_same_queue_in_either_order():
    """Asterisk writes the transfer and the caller's new entry in either order (two runs of the
    lab showed both): the transfer ends the answered pass 1, the abandon the new pass 2."""
    transfer = row(9, "BLINDTRANSFER", "retail", "张伟", "8001", "transfer-targets", "1", "8", "1")
    again = row(9, "ENTERQUEUE", "retail", "NONE", "", "13800138000", "1")
    for middle in ([transfer, again], [again, transfer]):
        rows = [row(0, "ENTERQUEUE", "retail", "NONE", "", "13800138000", "1"),
                row(1, "CONNECT", "retail", "张伟", "1"), *middle,
                row(15, "ABANDON", "retail", "NONE", "1", "1", "6")]
        got = sorted((p.pass_no, p.outcome, p.agent) for p in passes(rows))
        assert got == [(1, "answered", "张伟"), (2, "abandoned", None)]


def _flow(name: str) -> tuple[str, list[Row]]:
    import datetime as dt
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parents[1] / "fixtures" / "queue_log" / f"{name}.json").read_text())
    rows = [Row(dt.datetime.fromisoformat(r["time"]).timestamp(), r["callid"], r["queuename"], r["agent"], r["event"],
                r["data1"], r["data2"], r["data3"], r["data4"], r["data5"]) for r in data["rows"]]
    return data["linkedid"], rows


def test_what_the_labs_asterisk_wrote_reads_as_the_tracker_records_it():
    """tests/fixtures/queue_log: rows the real Asterisk 22.10.1 wrote into PostgreSQL, one flow each."""
    want = {
        "answered-caller-hangup": [("retail", 1, "answered", "caller", "张伟", 1.0, 7.0)],
        "answered-agent-hangup": [("retail", 1, "answered", "agent", "张伟", 1.0, 4.0)],
        "abandon-no-member": [("retail", 1, "abandoned", "caller", None, 6.0, 0.0)],
        "abandon-paused": [("retail", 1, "abandoned", "caller", None, 6.0, 0.0)],
        "ring-no-answer-then-answered": [("retail", 1, "answered", "caller", "李娜", 15.0, 10.0)],
        "callback-key": [("retail", 1, "callback_requested", "caller", None, 4.0, 0.0)],
        "blind-transfer-to-vip": [("retail", 1, "answered", "agent", "张伟", 1.0, 3.0),
                                  ("vip", 1, "answered", "caller", "李娜", 1.0, 11.0)],
        "answered-local-member": [("retail", 1, "answered", "caller", "陈杰", 1.0, 7.0)],
    }
    for flow, expected in want.items():
        linkedid, rows = _flow(flow)
        got = [(p.queue, p.pass_no, p.outcome, p.hangup_by, p.agent, p.wait_s, p.talk_s) for p in passes(rows)]
        assert got == expected, flow
        assert {p.call for p in passes(rows)} == {linkedid}  # callid is the call's Linkedid
        assert all(p.caller == "13800138000" for p in passes(rows))


def test_an_attended_transfer_into_a_queue_is_a_call_of_the_local_channel():
    """Its new pass carries the Local channel's Uniqueid and the agent's extension as the caller:
    nothing ties it to the call (console/server/reconcile.py leaves such passes out)."""
    linkedid, rows = _flow("attended-transfer-to-vip")
    got = sorted((p.call == linkedid, p.queue, p.outcome, p.caller, p.wait_s, p.talk_s) for p in passes(rows))
    assert got == [(False, "vip", "answered", "1001", 1.0, 16.0), (True, "retail", "answered", "13800138000", 1.0, 5.0)]
