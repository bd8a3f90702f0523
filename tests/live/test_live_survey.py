"""The post-call satisfaction survey on the real Asterisk: the agent hangs up first, the caller
stays on the line (Queue option c, the sample's 95559), presses 4 in [calldesk-survey], and the
answer lands on the agent's Interaction of the call and in the queue's figures."""

from __future__ import annotations

from tests.live.floor import KNOWN_ACCOUNT, KNOWN_NUMBER, LiveFloor
from tests.live.sipp import SippLab


async def test_the_caller_answers_the_survey_after_the_agent_hangs_up(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    agent = await floor.agent_at_phone(sipp, "1001")
    supervisor = await floor.console("sup1")
    # The account, then 4 about six seconds later: the agent has hung up by then and the survey asks.
    caller = await sipp.caller(KNOWN_NUMBER, did="95559", keys=KNOWN_ACCOUNT + "#", later_keys="4",
                               later_ms=6000, hold_ms=15000)
    pop = await agent.wait("pop")
    call = pop["call"]
    await agent.wait("answered", call=call)
    await floor.call_api("agent1001", "POST", f"/api/calls/{call}/hangup")
    ended = await agent.wait("ended", call=call)
    assert ended["event"]["hangup_by"] == "agent"
    # Asterisk: the caller went on to the survey and reported the key.
    survey = await floor.observer.wait("UserEvent", UserEvent="CallSurvey", timeout=30)
    assert (survey["Call"], survey["Queue"], survey["Interface"], survey["Score"]) == (
        call, "retail", "PJSIP/1001", "4")
    assert await caller.wait(20) == 0, caller.error_text()  # the survey thanked and hung up
    # calldesk: the answer on 1001's Interaction of the call, and in retail's figures.
    await floor.wait_until(lambda: [r.csat for r in floor.interactions() if r.linkedid == call] == [4],
                           "the survey's answer stored on the call")
    stats = await floor.wait_until(lambda: next((f["event"] for f in supervisor.frames if f["kind"] == "queue_stats"
                                                 and f["event"]["queue"] == "retail"
                                                 and f["event"].get("csat_answers") == 1), None),
                                   "retail's figures counting the answer")
    assert stats["csat"] == 4.0
