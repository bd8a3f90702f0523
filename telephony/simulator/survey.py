"""calldesk's post-call survey, as the lab's Asterisk 22 runs the sample dialplan (live, issue 16).

A caller of the survey hotline (95559: ``__CALLDESK_SURVEY=1``, Queue option ``c``) whose agent
hangs up first is not hung up: the agent's leg leaves the bridge and ends, the caller's Queue()
returns with ``QUEUESTATUS=CONTINUE`` and [calldesk-after-queue] takes them to [calldesk-survey]
(``Read(CSAT,calldesk-survey,1,,1,8)``). A caller who presses 1–5 is reported with
``UserEvent CallSurvey`` (Call, Queue, Interface, Score), thanked and hung up; one who presses
nothing is hung up when the Read times out. Only then does app_queue send its AgentComplete,
``Reason: caller``, for the caller's channel alone (the agent leg long gone): the order the live
run gave (tests/live/test_live_survey.py).
"""

from __future__ import annotations

from telephony.simulator import events as ev
from telephony.simulator.model import Call, Leg
from telephony.simulator.pbx import Pbx

SURVEY_DID = "95559"
READ_TIMEOUT_S = 8.0 + 1.0  # the prompt, then Read's 8 s
THANKS_S = 0.5  # Playback(auth-thankyou)


def surveyed(call: Call) -> bool:
    return call.caller.vars.get("__CALLDESK_SURVEY") == "1" and call.connected is not None \
        and call.connected.member is not None


def agent_left(pbx: Pbx, call: Call, leg: Leg, by_phone: bool) -> None:
    """The agent hung up (their phone, or calldesk through AMI): the caller goes to the survey."""
    from telephony.simulator import talk

    agent = talk.agent_channel(leg)
    if by_phone:
        pbx.emit(ev.on_channel("HangupRequest", agent))
    pbx.leave_bridge(agent, call.caller)
    talk.end_leg(pbx, call, leg)
    caller = call.caller
    caller.context, caller.exten = "ivr", "s"
    pbx.set_var(caller, "QUEUESTATUS", "CONTINUE")
    caller.context, caller.priority = "calldesk-survey", 2
    caller.application, caller.app_data = "Read", "CSAT,calldesk-survey,1,,1,8"
    score = call.spec.survey_score
    if score is None:
        call.timers.append(pbx.clock.call_later(READ_TIMEOUT_S, lambda: _hang_up(pbx, call, leg)))
        return
    call.timers.append(pbx.clock.call_later(call.spec.survey_after_s, lambda: _answer(pbx, call, leg, score)))


def _answer(pbx: Pbx, call: Call, leg: Leg, score: int) -> None:
    if call.done:
        return
    member = leg.member
    assert member is not None
    call.caller.priority = 4
    pbx.emit(ev.on_channel("UserEvent", call.caller, "user", UserEvent="CallSurvey", Call=call.caller.linkedid,
                           Queue=member.queue, Interface=member.interface, Score=str(score)))
    call.timers.append(pbx.clock.call_later(THANKS_S, lambda: _hang_up(pbx, call, leg)))


def _hang_up(pbx: Pbx, call: Call, leg: Leg) -> None:
    from telephony.simulator import talk

    if call.done:
        return
    call.caller.priority = 6
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    talk.agent_complete(pbx, call, leg, "caller", dest=False)
    talk.finish(pbx, call, caller_cause=16)
