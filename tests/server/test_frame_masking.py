"""The masking of a hidden call's number in frames, pure: every form of the number, every place."""

from __future__ import annotations

import json

import pytest

from console.server.frame_masking import masked_event, masked_pop

ENDED = {"event": "ended", "call": "1795372966.0", "caller": "13800138000", "agent": "1001", "outcome": "answered",
         "recording": "/var/spool/asterisk/monitor/out-13800138000-1795372966.0.wav", "direction": "outbound"}


def test_an_ended_event_keeps_nothing_of_the_number_but_its_mask() -> None:
    out = masked_event(ENDED)
    assert out["caller"] == "138****8000"
    assert out["recording"] == "/var/spool/asterisk/monitor/out-138****8000-1795372966.0.wav"
    assert out["call"] == "1795372966.0" and out["agent"] == "1001"  # the rest as it was
    assert ENDED["caller"] == "13800138000"  # a copy: the recorder's event is untouched


@pytest.mark.parametrize("number", ["+8613800138000", "8613800138000", "13800138000"])
def test_every_form_of_a_mobile_number(number) -> None:
    out = masked_event({"event": "originate_result", "call": "c1", "number": number,
                        "reason": f"dialled {number}", "action_id": "a1"})
    assert "0013800" not in json.dumps(out) and "138****8000" in out["number"]


def test_a_landline_with_and_without_its_trunk_zero() -> None:
    out = masked_event({"event": "ended", "call": "c2", "caller": "+862162345678",
                        "recording": "in-02162345678.wav", "note": "2162345678"})
    assert out["caller"] == "021****5678" and "62345" not in json.dumps(out)


def test_a_pop_masks_its_number_the_ringing_and_the_variables() -> None:
    pop = {"call": "c3", "number": "+8613800138000", "match": "known",
           "ringing": {"event": "ringing", "call": "c3", "caller": "13800138000", "agent": "1001",
                       "vars": {"CALLDESK_NUMBER": "13800138000", "CALLDESK_CAMPAIGN": "7",
                                "CUSTOMER_ACCOUNT": "310012345678"}},
           "customer": {"id": 1, "phones": [{"number": "138****8000"}], "masked": True}}
    out = masked_pop(pop)
    assert "13800138000" not in json.dumps(out)
    assert out["number"] == "138****8000" and out["ringing"]["caller"] == "138****8000"
    assert out["ringing"]["vars"] == {"CALLDESK_NUMBER": "138****8000", "CALLDESK_CAMPAIGN": "7",
                                      "CUSTOMER_ACCOUNT": "310012345678"}


def test_short_or_absent_numbers_are_left_alone() -> None:
    assert masked_event({"event": "ended", "call": "c4", "caller": "95555"})["caller"] == "95555"
    assert masked_event({"event": "ended", "call": "c5", "caller": ""})["caller"] == ""
    bare = {"call": "c6", "number": None, "ringing": None}
    assert masked_pop(dict(bare)) == bare
