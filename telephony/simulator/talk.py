"""Answered calls: the bridge, who hangs up, AgentComplete, wrap-up (captures 01, 02, 18)."""

from __future__ import annotations

from telephony.simulator import events as ev
from telephony.simulator import legs
from telephony.simulator.model import Call, Channel, Leg
from telephony.simulator.pbx import Pbx


def connect(pbx: Pbx, call: Call, leg: Leg) -> None:
    call.connected, call.answered_at, call.attempt = leg, pbx.clock.now, "idle"
    call.caller.state = 6
    pbx.connect_line(leg.channel, call.caller)
    pbx.bridge(leg.phone_channel or leg.channel, call.caller)
    talk_s = call.spec.talk_s
    if call.talk_timer is not None:  # a transferred call talks on from the start of the new leg
        call.talk_timer.cancel()
    if talk_s is not None:
        who = call.spec.hangup_by
        call.talk_timer = pbx.clock.call_later(talk_s, lambda: hang_up(pbx, call, who))
        call.timers.append(call.talk_timer)
    for hook in pbx.on_connected:
        hook(call)


def hang_up(pbx: Pbx, call: Call, who: str) -> None:
    if who == "agent":
        agent_hangs_up(pbx, call)
    else:
        caller_hangs_up(pbx, call)


def agent_channel(leg: Leg) -> Channel:
    return leg.phone_channel or leg.channel


def caller_hangs_up(pbx: Pbx, call: Call) -> None:
    from telephony.simulator import departures, direct  # the flows call each other

    if call.done:
        return
    leg = call.connected
    if leg is None:
        if call.queue is not None:
            departures.abandon(pbx, call)
        else:
            direct.caller_gave_up(pbx, call)
        return
    pbx.emit(ev.on_channel("HangupRequest", call.caller))
    _deferred_complete(pbx, call)
    if leg.member is not None:
        agent_complete(pbx, call, leg, "caller")
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    end_leg(pbx, call, leg)
    finish(pbx, call, caller_cause=16)


def agent_hangs_up(pbx: Pbx, call: Call) -> None:
    from telephony.simulator import transfer

    if call.done or call.connected is None:
        return
    if call.transfer is not None and transfer.complete_attended(pbx, call):
        return
    leg = call.connected
    pbx.emit(ev.on_channel("HangupRequest", agent_channel(leg)))
    if leg.member is not None:
        agent_complete(pbx, call, leg, "agent")
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    _deferred_complete(pbx, call)
    pbx.destroy(call.caller, 16)
    end_leg(pbx, call, leg)
    finish(pbx, call, caller_cause=16)


def agent_complete(pbx: Pbx, call: Call, leg: Leg, reason: str) -> None:
    member = leg.member
    pbx.emit(ev.on_pair(
        "AgentComplete", call.caller, leg.channel, "agent", Queue=member.queue, Interface=member.interface,
        MemberName=member.name, HoldTime=str(int(call.answered_at - call.joined_at)),
        TalkTime=str(int(pbx.clock.now - call.answered_at)), Reason=reason,
    ))


def _deferred_complete(pbx: Pbx, call: Call) -> None:
    """After a Redirect of the caller, app_queue reports the first agent's AgentComplete only now."""
    if call.complete_on_hangup is not None:
        leg, call.complete_on_hangup = call.complete_on_hangup, None
        agent_complete(pbx, call, leg, "caller")


def end_leg(pbx: Pbx, call: Call, leg: Leg, cause: int = 16) -> None:
    """The agent side of a finished conversation: channels gone, member credited, wrap-up starts."""
    member, phone = leg.member, leg.phone
    if call.connected is leg:
        call.connected = None
    now, unix = pbx.clock.now, pbx.unix()
    if member is not None and call.queue_of_answer in pbx.queues:
        queue = pbx.queues[call.queue_of_answer]
        queue.completed += 1
        queue.talktime_total += now - call.answered_at
        member.calls_taken, member.last_call = member.calls_taken + 1, unix
        phone.wrapup_until = now + queue.config.wrapuptime
        pbx.clock.call_at(phone.wrapup_until, pbx.wake)
    phone.last_call = unix
    pbx.destroy(leg.channel, cause)
    if leg.local2 is not None:
        pbx.destroy(leg.local2, cause)
    if leg.phone_channel is not None:
        pbx.destroy(leg.phone_channel, cause)
    legs.release(pbx, phone)


def finish(pbx: Pbx, call: Call, caller_cause: int) -> None:
    if call.done:
        return
    _deferred_complete(pbx, call)
    call.done = True
    for timer in call.timers:
        timer.cancel()
    if call.ring_timer is not None:
        call.ring_timer.cancel()
    pbx.destroy(call.caller, caller_cause)
    if call.customer is not None:  # an agent's click-to-dial: the customer's leg goes too
        pbx.destroy(call.customer, 16)
    if call in pbx.calls:
        pbx.calls.remove(call)
