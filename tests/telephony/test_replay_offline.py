"""`calldesk replay` and telephony.replay: both recording formats, reconnect boundaries, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from telephony.events import event_from_json
from telephony.replay import bench_tracker, replay

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["replay", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_are_the_domain_events(capsys: pytest.CaptureFixture[str]) -> None:
    path = FOLDER / "16-chinese-caller-name-utf8.jsonl"
    code, out, _ = run_cli(capsys, str(path), "--json")
    assert code == 0
    lines = out.splitlines()
    assert [event_from_json(json.loads(line)) for line in lines] == list(replay(path))
    assert '"caller_name": "张三丰"' in out  # not \u-escaped


def test_readable_form_has_one_line_per_event(capsys: pytest.CaptureFixture[str]) -> None:
    path = FOLDER / "01-answered-caller-hangup.jsonl"
    code, out, _ = run_cli(capsys, str(path))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(list(replay(path)))
    assert any("ended" in line and "hangup_by=caller" in line for line in lines)
    # app_queue's MixMonitor file (queues.conf monitor-format), as Asterisk named it
    assert any("ended" in line and "recording=/var/spool/asterisk/monitor/1795372966.0.wav" in line
               for line in lines)


def test_a_missing_file_is_one_clear_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, str(tmp_path / "nope.jsonl"), "--json")
    assert code == 2 and out == ""
    assert err.strip() == f"calldesk: error: replay: no such transcript: {tmp_path / 'nope.jsonl'}"


def test_a_bad_line_names_file_and_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"scenario": "x"}\n{"t": 0.1, "dir": "recv", "raw": "Event: FullyBooted"}\nnot json\n',
                   encoding="utf-8")
    code, _, err = run_cli(capsys, str(bad))
    assert code == 2 and f"{bad}:3" in err and "Traceback" not in err


def test_peer_format_is_a_json_array(tmp_path: Path) -> None:
    path = tmp_path / "peer.json"
    path.write_text(json.dumps([
        {"Event": "FullyBooted", "Privilege": "system,all", "Status": "Fully Booted", "content": ""},
        {"Event": "Newchannel", "Channel": "SIP/150010001-00000001", "Uniqueid": "u1", "Linkedid": "u1",
         "CallerIDNum": "201", "CallerIDName": "Andrew", "Exten": "202", "content": ""},
        {"Event": "DialBegin", "Channel": "SIP/150010001-00000001", "Uniqueid": "u1", "Linkedid": "u1",
         "CallerIDNum": "201", "CallerIDName": "Andrew", "DestChannel": "SIP/150010002-00000002",
         "DestUniqueid": "u2", "DestLinkedid": "u1", "DialString": "150010002", "content": ""},
        {"Event": "Newstate", "Channel": "SIP/150010002-00000002", "Uniqueid": "u2", "Linkedid": "u1",
         "ChannelState": "5", "ChannelStateDesc": "Ringing", "content": ""},
    ]), encoding="utf-8")
    [pop] = list(replay(path))  # the pop comes when the phone rings (the 4th message: t = 3)
    assert (pop.name, pop.agent, pop.caller, pop.caller_name, pop.t) == ("ringing", "150010002", "201", "Andrew", 3.0)


def _frame(t: float, raw: str, conn: int, direction: str = "recv") -> str:
    return json.dumps({"t": t, "dir": direction, "raw": raw.replace("\n", "\r\n"), "conn": conn})


CALL = [
    "Event: Newchannel\nChannel: PJSIP/carrier-00000001\nUniqueid: c.1\nLinkedid: c.1\nCallerIDNum: 13800000001",
    ("Event: QueueCallerJoin\nChannel: PJSIP/carrier-00000001\nUniqueid: c.1\nLinkedid: c.1\nCallerIDNum: 13800000001\n"
     "Queue: retail"),
    ("Event: AgentCalled\nChannel: PJSIP/carrier-00000001\nUniqueid: c.1\nLinkedid: c.1\nCallerIDNum: 13800000001\n"
     "DestChannel: PJSIP/1001-00000002\nDestUniqueid: c.2\nDestLinkedid: c.1\nQueue: retail\nInterface: PJSIP/1001"),
    ("Event: AgentConnect\nChannel: PJSIP/carrier-00000001\nUniqueid: c.1\nLinkedid: c.1\nCallerIDNum: 13800000001\n"
     "DestChannel: PJSIP/1001-00000002\nDestUniqueid: c.2\nDestLinkedid: c.1\nQueue: retail\nInterface: PJSIP/1001\n"
     "HoldTime: 2"),
]


def _reconnect_transcript(tmp_path: Path, still_up: bool) -> Path:
    lines = [json.dumps({"scenario": "reconnect", "expected": {}})]
    lines += [_frame(1.0 + i, raw, 1) for i, raw in enumerate(CALL)]
    lines.append(_frame(10.0, "Action: CoreShowChannels\nActionID: r-1", 2, "sent"))
    lines.append(_frame(10.1, "Response: Success\nActionID: r-1\nMessage: Channels will follow", 2))
    if still_up:
        lines.append(_frame(10.1, "Event: CoreShowChannel\nActionID: r-1\nChannel: PJSIP/carrier-00000001\n"
                                  "Uniqueid: c.1\nLinkedid: c.1\nApplication: Queue", 2))
    lines.append(_frame(10.2, "Event: CoreShowChannelsComplete\nActionID: r-1\nListItems: 1", 2))
    lines.append(_frame(30.0, "Event: Hangup\nChannel: PJSIP/carrier-00000001\nUniqueid: c.1\nLinkedid: c.1\n"
                              "CallerIDNum: 13800000001\nCause: 16", 2))
    path = tmp_path / f"reconnect-{still_up}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# A call the reconnect's snapshot no longer shows ended, for all we know, when the link died: the
# last frame the old connection carried (4.0), not when the snapshot said so (10.2).
@pytest.mark.parametrize("still_up,end_t,hangup_by", [(True, 30.0, "caller"), (False, 4.0, "system")])
def test_replay_resyncs_at_connection_boundaries(tmp_path: Path, still_up: bool, end_t: float, hangup_by: str) -> None:
    events = list(replay(_reconnect_transcript(tmp_path, still_up)))
    ends = [e for e in events if e.name == "ended"]
    assert [(e.t, e.hangup_by, e.agent) for e in ends] == [(end_t, hangup_by, "1001")]
    assert [e.name for e in events].count("answered") == 1


def test_tracker_throughput_figure() -> None:
    """Not a timed assertion: the figure is printed (calldesk bench ingest reports it too)."""
    rate = bench_tracker(20_000)
    print(f"tracker: {rate:,.0f} events/s")
    assert rate > 0
