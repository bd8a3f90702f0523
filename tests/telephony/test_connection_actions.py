"""Typed actions: the headers Asterisk expects (compared with the actions in the captures)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from telephony import actions
from telephony.framing import parse_headers
from telephony.transcripts import load

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami-transcripts"


def recorded(scenario: str, action: str) -> list[dict[str, str]]:
    tr = load(next(FIXTURES.glob(f"{scenario}*.jsonl")))
    out = []
    for f in tr.frames:
        if f.dir == "sent":
            h = parse_headers(f.raw.decode())
            if h["Action"] == action:
                h.pop("ActionID", None)
                out.append(h)
    return out


def test_originate_is_always_async_with_variables_repeated() -> None:
    a = actions.originate("PJSIP/1001", exten="13900139000", context="outbound", caller_id="Desk <95555>",
                          variables={"CAMPAIGN": "7", "LEAD": "42"}, timeout_ms=8000)
    assert a == {"Action": "Originate", "Channel": "PJSIP/1001", "Timeout": "8000", "Async": "true",
                 "Exten": "13900139000", "Context": "outbound", "Priority": "1", "CallerID": "Desk <95555>",
                 "Variable": ["CAMPAIGN=7", "LEAD=42"]}
    for rec in recorded("09", "Originate"):
        assert rec["Async"] == "true"


def test_originate_needs_exactly_one_target() -> None:
    with pytest.raises(ValueError, match="either exten/context or application"):
        actions.originate("PJSIP/1001")
    with pytest.raises(ValueError, match="needs a context"):
        actions.originate("PJSIP/1001", exten="1002")


@pytest.mark.parametrize(("mode", "options"), [("listen", "qE"), ("whisper", "qEw"), ("barge", "qEB")])
def test_chanspy_rings_the_supervisor_through_local(mode: str, options: str) -> None:
    a = actions.chanspy("1009", "PJSIP/1001", mode)  # type: ignore[arg-type]
    assert a["Channel"] == "Local/1009@agents" and a["Application"] == "ChanSpy"
    assert a["Data"] == f"PJSIP/1001,{options}" and a["Async"] == "true"


def test_chanspy_listen_matches_the_capture() -> None:
    rec = next(r for r in recorded("10", "Originate") if r.get("Application") == "ChanSpy")
    assert actions.chanspy("1009", "PJSIP/1001", "listen")["Data"] == rec["Data"]
    with pytest.raises(ValueError, match="chanspy mode 'shout'"):
        actions.chanspy("1009", "PJSIP/1001", "shout")  # type: ignore[arg-type]


def test_queue_actions_match_the_captures() -> None:
    pause = recorded("08", "QueuePause")
    assert {"Action": "QueuePause", "Interface": "PJSIP/1003", "Paused": "true", "Reason": "lunch"} in pause
    assert actions.queue_pause("PJSIP/1003", True, "lunch") == \
        {"Action": "QueuePause", "Interface": "PJSIP/1003", "Paused": "true", "Reason": "lunch"}
    assert actions.queue_pause("PJSIP/1003", False, queue="retail") == \
        {"Action": "QueuePause", "Interface": "PJSIP/1003", "Paused": "false", "Queue": "retail"}
    add = actions.queue_add("retail", "Local/1004@agents/n", "陈杰", 0, True, "PJSIP/1004", reason="after-call-work")
    rec = next(r for r in recorded("08", "QueueAdd") if r["Interface"].startswith("Local/"))
    assert {k: v for k, v in add.items() if k in rec} == rec
    assert actions.queue_remove("retail", "PJSIP/1003") == \
        {"Action": "QueueRemove", "Queue": "retail", "Interface": "PJSIP/1003"}


def test_transfer_and_call_control_actions() -> None:
    assert actions.blind_transfer("PJSIP/1001-0000000d", "1002", "transfer-targets") == \
        {**recorded("06", "BlindTransfer")[0], "Action": "BlindTransfer"}
    assert actions.atxfer("PJSIP/1001-00000013", "1002", "transfer-targets") == recorded("07", "Atxfer")[0]
    assert actions.redirect("PJSIP/carrier-1", "s", "vip") == \
        {"Action": "Redirect", "Channel": "PJSIP/carrier-1", "Exten": "s", "Context": "vip", "Priority": "1"}
    assert actions.hangup("PJSIP/1009-1", cause=16) == {"Action": "Hangup", "Channel": "PJSIP/1009-1", "Cause": "16"}


def test_md5_login_key() -> None:
    a = actions.login_md5("ccbridge", "ccbridge-lab", "123456789")
    assert a["Key"] == hashlib.md5(b"123456789ccbridge-lab").hexdigest()
    assert "Secret" not in a and a["AuthType"] == "MD5"


def test_status_and_variables() -> None:
    assert actions.status("PJSIP/1001-1", ["CUSTOMER_ACCOUNT", "CUSTOMER_TIER"]) == \
        {"Action": "Status", "Channel": "PJSIP/1001-1", "Variables": "CUSTOMER_ACCOUNT,CUSTOMER_TIER"}
    assert actions.setvar("X", "1", "PJSIP/1001-1") == {
        "Action": "Setvar", "Variable": "X", "Value": "1", "Channel": "PJSIP/1001-1"}
    assert actions.getvar("X") == {"Action": "Getvar", "Variable": "X"}
    assert actions.queue_status("vip") == {"Action": "QueueStatus", "Queue": "vip"}
    assert actions.events(False) == {"Action": "Events", "EventMask": "off"}
