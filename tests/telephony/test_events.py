import dataclasses
import json

import pytest

from telephony import events as ev

SAMPLES = [
    ev.Queued(t=1.0, call="1.0", queue="retail", caller="13800138000", caller_name="张三丰", position=2),
    ev.Ringing(t=1.5, call="1.0", agent="1001", caller="13800138000", caller_name="张三丰",
               queue="retail", wait_s=3.0, vars={"CUSTOMER_ACCOUNT": "310012345678"},
               caller_channel="PJSIP/carrier-00000000", agent_channel="PJSIP/1001-00000001"),
    ev.RingStopped(t=2, call="1.0", agent="1002", reason="answered_elsewhere"),
    ev.Answered(t=3, call="1.0", agent="1001", queue="retail", wait_s=3),
    ev.Transferred(t=4, call="1.0", from_agent="1001", to="1002", kind="blind"),
    ev.Ended(t=5, call="1.0", caller="13800138000", agent=None, queue="retail",
             outcome="abandoned", hangup_by="caller", cause=16, wait_s=12),
    ev.CallbackRequested(t=6, call="1.0", caller="13719190019", account="1", queue="retail"),
    ev.SurveyAnswered(t=7, call="1.0", agent="1001", queue="retail", score=4),
    ev.AgentState(t=7, agent="1001", state="paused", reason="午休", queue="retail"),
    ev.OriginateResult(t=8, call=None, action_id="cc-9", number="1001", outcome="busy"),
    ev.QueueStats(t=9, queue="vip", waiting=2, agents={"available": 3}),
]


def test_every_event_type_has_a_sample():
    assert {type(s) for s in SAMPLES} == set(ev.EVENT_TYPES.values())


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.name)
def test_json_round_trip(event):
    wire = json.loads(json.dumps(event.to_json(), ensure_ascii=False))
    assert wire["event"] == event.name
    assert set(wire) == {"event"} | {f.name for f in dataclasses.fields(event)}
    assert ev.event_from_json(wire) == event


def test_unknown_event_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown domain event 'bogus'"):
        ev.event_from_json({"event": "bogus", "t": 0})
