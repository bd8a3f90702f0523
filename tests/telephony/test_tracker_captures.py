"""Every real Asterisk capture, replayed offline through the tracker, gives its header's truth.

The header's ``expected`` block (see tests/fixtures/ami-transcripts/README.md) was derived from
the raw AMI by the capture tooling; here each fact is turned into the domain events it must
produce (one ``ringing`` per rung agent with the IVR account and the caller's name, the pops that
must be cleared and why, one ``ended`` per call and queue with who hung up, ...).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from telephony.replay import replay

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"
CAPTURES = sorted(FOLDER.glob("*.jsonl"))


def header(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return json.loads(f.readline())


def events(path: Path) -> list[dict[str, Any]]:
    return [e.to_json() for e in replay(path)]


def of(evs: list[dict[str, Any]], kind: str, **where: Any) -> list[dict[str, Any]]:
    return [e for e in evs if e["event"] == kind and all(e.get(k) == v for k, v in where.items())]


def name_or_none(name: str | None) -> str | None:
    return None if name in (None, "", "<unknown>") else name


# Where a capture's ground truth is AgentComplete's Reason but the PBX itself ended the call:
# `core restart now` in 12 (SoftHangupRequest cause 4 on both legs, then Shutdown).
SHUT_DOWN = {"1795373446.144": "system"}


def check_queue_call(qc: dict[str, Any], evs: list[dict[str, Any]]) -> None:
    call, queue = qc["linkedid"], qc["queue"]
    rang = {r["agent"] for r in qc["rings"]}
    for ring in qc["rings"]:
        pops = of(evs, "ringing", call=call, agent=ring["agent"], queue=queue)
        assert len(pops) == 1, f"{queue}:{ring['agent']} popped {len(pops)} times"
        pop = pops[0]
        assert pop["caller"] == qc["caller_num"]
        assert pop["caller_name"] == name_or_none(qc["caller_name"])
        assert pop["caller_channel"] == qc["caller_channel"]
        assert pop["agent_channel"] == ring["dest_channel"]
        assert pop["vars"].get("CUSTOMER_ACCOUNT") == qc["account"]
        assert abs(pop["t"] - ring["called_t"]) < 0.01
        stops = of(evs, "ring_stopped", call=call, agent=ring["agent"])
        if ring["outcome"] == "answered":
            assert stops == []
        else:
            want = {"ring_no_answer": "timeout",
                    "cancelled": "answered_elsewhere" if qc.get("answered_by") else "caller_left"}[ring["outcome"]]
            assert [s["reason"] for s in stops] == [want]
    strangers = [e["agent"] for e in of(evs, "ringing", call=call, queue=queue) if e["agent"] not in rang]
    assert strangers == [], f"pops on agents that never rang: {strangers}"

    answers = of(evs, "answered", call=call, queue=queue)
    if qc.get("answered_by"):
        assert len(answers) == 1 and answers[0]["agent"] == qc["answered_by"]
        assert answers[0]["wait_s"] == qc["wait_s"]
        assert answers[0]["agent_channel"] == qc["answered_channel"]
    else:
        assert answers == []

    ends = of(evs, "ended", call=call, queue=queue)
    finished = qc.get("completed_t") is not None or qc.get("caller_hangup_t") is not None
    if not finished:
        return
    assert len(ends) == 1, f"{queue}:{qc['caller_num']} ended {len(ends)} times"
    end = ends[0]
    assert end["caller"] == qc["caller_num"] and end["caller_channel"] == qc["caller_channel"]
    if qc.get("abandoned"):
        assert (end["outcome"], end["hangup_by"], end["agent"]) == ("abandoned", "caller", None)
        assert end["wait_s"] == qc["abandon_wait_s"]
    elif qc.get("answered_by"):
        assert end["outcome"] == "answered" and end["agent"] == qc["answered_by"]
        want = SHUT_DOWN.get(call) or {"transfer": "agent"}.get(qc["hangup_by"], qc["hangup_by"])
        assert end["hangup_by"] == want
        assert end["wait_s"] == qc["wait_s"]
        assert abs(end["talk_s"] - qc["talk_s"]) <= 1.0


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_capture_gives_its_expected_events(path: Path) -> None:
    exp = header(path)["expected"]
    evs = events(path)
    for qc in exp.get("queue_calls", []):
        check_queue_call(qc, evs)
    ended = Counter((e["call"], e["queue"]) for e in of(evs, "ended"))
    assert all(n == 1 for n in ended.values()), ended
    for e in evs:  # every pop is cleared or answered, unless its call is still up at the end
        if e["event"] == "ringing":
            settled = of(evs, "ring_stopped", call=e["call"], agent=e["agent"]) + \
                of(evs, "answered", call=e["call"], agent=e["agent"])
            assert settled, f"pop of {e['agent']} on {e['call']} never cleared"


def test_01_caller_hangs_up_after_talking_to_1001() -> None:
    evs = events(FOLDER / "01-answered-caller-hangup.jsonl")
    assert [e["event"] for e in evs if e["event"] != "agent_state"] == ["queued", "ringing", "answered", "ended"]
    assert of(evs, "ended")[0]["cause"] == 16
    states = [e["state"] for e in of(evs, "agent_state", agent="1001")]
    assert states == ["available", "ringing", "on_call", "wrap_up", "available"]


def test_03_and_19_paused_agents_learnt_from_the_snapshot_at_connect() -> None:
    for name in ("03-abandon-all-paused.jsonl", "19-queue-exit-callback-request.jsonl"):
        path = FOLDER / name
        paused = header(path)["expected"]["agents_paused"]
        evs = events(path)
        first_call_t = min(e["t"] for e in evs if e["event"] != "agent_state")
        for agent, reason in paused.items():
            assert any(e["state"] == "paused" and e["reason"] == reason and e["t"] < first_call_t
                       for e in of(evs, "agent_state", agent=agent, queue="retail"))


def test_08_member_events_become_agent_states_in_order() -> None:
    path = FOLDER / "08-agent-login-pause-logout.jsonl"
    evs = of(events(path), "agent_state")
    for m in header(path)["expected"]["member_events"]:
        if m["event"] == "QueueMemberPenalty":
            continue
        agent = "".join(ch for ch in m["interface"] if ch.isdigit())
        mine = [e for e in evs if e["agent"] == agent and e["queue"] == m["queue"] and abs(e["t"] - m["t"]) < 0.01]
        if m["event"] == "QueueMemberRemoved":
            want = ("logged_out", None)
        elif m["paused"] == "1":
            want = ("paused", m["paused_reason"])
        else:
            want = ("available", None)
        current = [e for e in evs if e["agent"] == agent and e["queue"] == m["queue"] and e["t"] <= m["t"] + 0.001]
        assert (current[-1]["state"], current[-1]["reason"]) == want, (m, mine)


def test_09_originate_outcomes_tell_busy_from_no_answer() -> None:
    path = FOLDER / "09-outbound-callback-originate.jsonl"
    results = {e["action_id"]: e for e in of(events(path), "originate_result")}
    outcomes = {a: (r["outcome"], r["number"]) for a, r in results.items()}
    assert outcomes == {
        "cc-0003": ("answered", "13900139000"),  # click-to-dial from 1001
        "cc-0004": ("answered", "13910001000"),  # campaign call, then queued
        "cc-0005": ("busy", "13700137000"),  # Reason 0, DialEnd BUSY, cause 17
        "cc-0006": ("no_answer", "13600136000"),  # Reason 3: rang until the Originate timeout
        "cc-0007": ("no_answer", "13500135000"),  # Reason 0, 480 -> NOANSWER, cause 19
    }
    assert results["cc-0003"]["call"] == "1795373211.23"


def test_12_restart_and_sigkill_lose_no_call_and_duplicate_none() -> None:
    evs = events(FOLDER / "12-restart-and-reconnect.jsonl")
    first = of(evs, "ended", call="1795373446.144")
    # `core restart now`: the PBX hung both legs up (SoftHangupRequest cause 4), whatever
    # AgentComplete's Reason says (the capture's ground truth reads "agent" from it).
    assert [(e["outcome"], e["hangup_by"]) for e in first] == [("answered", "system")]
    # SIGKILL mid-call: no Hangup ever comes; the call is closed once, by the system, when
    # the PBX is back (FullyBooted Uptime 0 / the empty snapshot).
    second = of(evs, "ended", call="1795373458.0")
    assert [(e["outcome"], e["hangup_by"], e["agent"]) for e in second] == [("answered", "system", "1001")]
    assert len(of(evs, "ringing")) == 2 and len(of(evs, "answered")) == 2


def test_14_ring_all_pops_three_agents_and_clears_the_two_losers() -> None:
    evs = events(FOLDER / "14-ringall-third-agent-answers.jsonl")
    assert sorted(e["agent"] for e in of(evs, "ringing")) == ["1001", "1002", "1003"]
    stops = of(evs, "ring_stopped")
    assert sorted((e["agent"], e["reason"]) for e in stops) == [
        ("1001", "answered_elsewhere"), ("1002", "answered_elsewhere")]
    # cleared on the first DialEnd CANCEL, before AgentConnect names the winner
    assert max(e["t"] for e in stops) < of(evs, "answered")[0]["t"]


def test_16_chinese_caller_name_reaches_the_pop_intact() -> None:
    evs = events(FOLDER / "16-chinese-caller-name-utf8.jsonl")
    assert [e["caller_name"] for e in of(evs, "ringing")] == ["张三丰"]


def test_18_direct_calls_ring_the_extension_without_a_queue() -> None:
    path = FOLDER / "18-direct-extension-call.jsonl"
    evs = events(path)
    answered, unanswered = header(path)["expected"]["direct_calls"]
    a = answered["linkedid"]
    assert [e["agent_channel"] for e in of(evs, "ringing", call=a)] == [answered["dest_channel"]]
    assert [(e["agent"], e["queue"]) for e in of(evs, "answered", call=a)] == [("1002", None)]
    assert [(e["outcome"], e["hangup_by"]) for e in of(evs, "ended", call=a)] == [("answered", "caller")]
    u = unanswered["linkedid"]
    assert [e["reason"] for e in of(evs, "ring_stopped", call=u)] == ["timeout"]
    assert [(e["outcome"], e["hangup_by"]) for e in of(evs, "ended", call=u)] == [("no_answer", "system")]


def test_19_exit_key_is_a_callback_request_not_an_abandon() -> None:
    evs = events(FOLDER / "19-queue-exit-callback-request.jsonl")
    assert [(e["caller"], e["account"], e["queue"]) for e in of(evs, "callback_requested")] == [
        ("13719190019", "310019191919", "retail")]
    assert [e["outcome"] for e in of(evs, "ended")] == ["callback_requested"]


@pytest.mark.parametrize("name,kind,target,from_agent", [
    ("06-blind-transfer.jsonl", "blind", "1002", "1001"),
    ("07-attended-transfer.jsonl", "attended", "1002", "1001"),
])
def test_transfers_keep_the_customer_as_the_caller(name: str, kind: str, target: str, from_agent: str) -> None:
    path = FOLDER / name
    qc = header(path)["expected"]["queue_calls"][0]
    evs = events(path)
    [moved] = of(evs, "transferred")
    assert (moved["kind"], moved["to"], moved["from_agent"]) == (kind, target, from_agent)
    assert moved["caller_channel"] == qc["caller_channel"]
    assert moved["to_channel"] in (None, "PJSIP/1002-00000014")
    after = of(evs, "ended", call=qc["linkedid"], queue=None)
    assert [(e["agent"], e["caller"], e["outcome"], e["hangup_by"]) for e in after] == [
        (target, qc["caller_num"], "answered", "caller")]


def test_a_tracker_started_mid_session_learns_calls_from_the_snapshot() -> None:
    """Capture 10 fed from its CoreShowChannels reply on: two answered calls and three waiting
    callers are tracked from the snapshot alone and ended once each. The two agents talking get
    their pop then, answered (a card for the caller they talk to: after a restart, or when no
    server held the link while the call was answered); the waiting callers ring nobody."""
    from telephony.tracker import Tracker
    from telephony.transcripts import load, parse_frame_headers

    frames = [f for f in load(FOLDER / "10-supervisor-status-and-chanspy.jsonl").received() if not f.is_banner]
    messages = [(parse_frame_headers(f.raw), f.t) for f in frames]
    start = next(i for i, (m, _) in enumerate(messages) if m.get("ActionID") == "cc-0007")
    tracker = Tracker()
    evs = [e.to_json() for m, t in messages[start:] for e in tracker.feed(m, t)]
    popped = sorted((e["agent"], e["caller"]) for e in of(evs, "ringing"))
    assert popped == [("1001", "13800000001"), ("1002", "13800000002")]
    assert sorted(e["agent"] for e in of(evs, "answered")) == ["1001", "1002"]
    assert of(evs, "ring_stopped") == []
    ends = sorted((e["caller"], e["queue"], e["outcome"], e["agent"], e["wait_s"]) for e in of(evs, "ended"))
    assert ends == [
        ("13500000005", "vip", "abandoned", None, 30.0),
        ("13800000001", "retail", "answered", "1001", 1.0),
        ("13800000002", "retail", "answered", "1002", 2.0),
        ("13800000003", "retail", "abandoned", None, 30.0),
        ("13800000004", "retail", "abandoned", None, 30.0),
    ]
    assert tracker.calls == {} and tracker.skipped == 0


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_a_tracker_started_anywhere_in_a_capture_never_trips(path: Path) -> None:
    """Every third suffix (a bridge may start at any point of the traffic)."""
    from telephony.tracker import Tracker
    from telephony.transcripts import load, parse_frame_headers

    messages = [(parse_frame_headers(f.raw), f.t) for f in load(path).received() if not f.is_banner]
    for start in range(0, len(messages), 3):
        tracker = Tracker()
        ended = Counter()
        for message, t in messages[start:]:
            ended.update((e.call, e.queue) for e in tracker.feed(message, t) if e.name == "ended")
        assert tracker.skipped == 0 and all(n == 1 for n in ended.values()), (start, ended)


def test_10_agent_board_from_the_snapshot_includes_the_local_member() -> None:
    from telephony.tracker import Tracker
    from telephony.transcripts import load, parse_frame_headers

    tracker = Tracker()
    for f in load(FOLDER / "10-supervisor-status-and-chanspy.jsonl").received():
        if f.t > 17.3727:  # up to the second QueueStatus reply: two agents on calls, two paused
            break
        if not f.is_banner:
            tracker.feed(parse_frame_headers(f.raw), f.t)
    board = {(agent, queue): (s.state, s.reason) for agent, by_queue in tracker.agent_states().items()
             for queue, s in by_queue.items()}
    assert board == {
        ("1004", "vip"): ("paused", "lunch"),  # Local/1004@agents/n, StateInterface PJSIP/1004
        ("1001", "vip"): ("on_call", None), ("1001", "retail"): ("on_call", None),
        ("1002", "retail"): ("on_call", None), ("1003", "retail"): ("paused", "coaching"),
    }
    assert {row["caller"]: row["state"] for row in tracker.active_calls()} == {
        "13800000001": "talking", "13800000002": "talking",
        "13800000003": "waiting", "13800000004": "waiting", "13500000005": "waiting"}


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_events_the_tracker_does_not_use_can_be_dropped_before_parsing(path: Path) -> None:
    """EVENTS_USED is what a reader may filter on: dropping the rest changes nothing."""
    from telephony.tracker import EVENTS_USED, Tracker
    from telephony.transcripts import load, parse_frame_headers

    messages = [(parse_frame_headers(f.raw), f.t) for f in load(path).received() if not f.is_banner]
    everything, filtered = Tracker(), Tracker()
    got_all = [e for m, t in messages for e in everything.feed(m, t)]
    got_filtered = [e for m, t in messages if m.get("Event") in EVENTS_USED for e in filtered.feed(m, t)]
    assert got_filtered == got_all


def _mixmonitor_files(path: Path) -> dict[str, str]:
    """Linkedid -> the file name each capture's VarSet MIXMONITOR_FILENAME gives, read raw."""
    files: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        next(f)
        for line in f:
            raw = json.loads(line).get("raw", "")
            if "Variable: MIXMONITOR_FILENAME" not in raw:
                continue
            fields = dict(part.split(": ", 1) for part in raw.split("\r\n") if ": " in part)
            files[fields["Linkedid"]] = fields["Value"]
    return files


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_every_answered_call_carries_its_recording(path: Path) -> None:
    """app_queue's monitor-format records each answered queue call on the caller's channel; the
    call's ended names that file as Asterisk wrote it, and a call Asterisk recorded nothing of
    carries none."""
    files = _mixmonitor_files(path)
    evs = events(path)
    for ended in of(evs, "ended"):
        assert ended["recording"] == files.get(ended["call"]), ended
    recorded = {e["call"] for e in of(evs, "ended") if e["recording"]}
    assert recorded == {call for call in files if of(evs, "ended", call=call)}
