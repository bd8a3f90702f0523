"""The post-call survey's answer (dialplan UserEvent CallSurvey) becomes a ``survey`` event."""

from __future__ import annotations

import pytest

from telephony.events import SurveyAnswered
from telephony.tracker import Tracker


def survey(score: str, **extra: str) -> dict[str, str]:
    return {"Event": "UserEvent", "UserEvent": "CallSurvey", "Channel": "PJSIP/carrier-00000007",
            "Uniqueid": "1796600000.7", "Linkedid": "1796600000.7", "Call": "1796600000.7", "Queue": "retail",
            "Interface": "PJSIP/1001", "Score": score, **extra}


@pytest.mark.parametrize("score", ["1", "3", "5"])
def test_an_answer_is_the_score_of_the_call_with_its_agent(score: str) -> None:
    (event,) = Tracker().feed(survey(score), 10.0)
    assert event == SurveyAnswered(t=10.0, call="1796600000.7", agent="1001", queue="retail", score=int(score))
    assert event.to_json()["event"] == "survey"


@pytest.mark.parametrize("score", ["", "0", "6", "12", "x", "#"])
def test_no_answer_or_a_wrong_key_gives_nothing(score: str) -> None:
    assert list(Tracker().feed(survey(score), 10.0)) == []


def test_a_local_member_is_its_agent_by_the_agent_map() -> None:
    tracker = Tracker(agent_map={"Local/1004@agents/n": "1004"})
    (event,) = tracker.feed(survey("4", Interface="Local/1004@agents/n"), 1.0)
    assert event.agent == "1004"
