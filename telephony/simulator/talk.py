"""Answered calls: the bridge, who hangs up, AgentComplete, wrap-up (captures 01, 02, 18)."""

from __future__ import annotations

from telephony.simulator import events as ev
from telephony.simulator import legs, recording, survey
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


def connected_leg(call: Call) -> Leg:
    """The agent leg of an answered call (ValueError for one not answered: a bug of the caller)."""
    if call.connected is None:
        raise ValueError(f"{call.caller.name} is not answered")
    return call.connected


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
    pbx.leave_bridge(call.caller, agent_channel(leg))
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    hang_up_both(pbx, call, leg, pbx.variants.pick("caller_hangup"))


def agent_hangs_up(pbx: Pbx, call: Call) -> None:
    """The agent's phone hangs up (a BYE): HangupRequest on its channel, AgentComplete Reason agent."""
    from telephony.simulator import transfer

    if call.done or call.connected is None:
        return
    if call.transfer is not None and transfer.complete_attended(pbx, call):
        return
    leg = call.connected
    if survey.surveyed(call):
        survey.agent_left(pbx, call, leg, by_phone=True)
        return
    pbx.emit(ev.on_channel("HangupRequest", agent_channel(leg)))
    if leg.member is not None:
        agent_complete(pbx, call, leg, "agent")
    pbx.leave_bridge(agent_channel(leg), call.caller)
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    _deferred_complete(pbx, call)
    hang_up_both(pbx, call, leg, pbx.variants.pick("agent_hangup"))


def agent_hung_up_by_ami(pbx: Pbx, call: Call) -> None:
    """An AMI ``Hangup`` of the agent's channel (calldesk's hang-up key), as Asterisk 22 reports it:
    no HangupRequest at all (the action soft-hangs-up the channel without an event); app_queue sees
    its bridge end and, as for a caller's hang-up, says ``AgentComplete Reason: caller``; the
    caller's Queue() returns and the dialplan hangs up (SoftHangupRequest 16). Live runs, issue 13."""
    from telephony.simulator import transfer

    if call.done or call.connected is None:
        return
    if call.transfer is not None and transfer.complete_attended(pbx, call, by_phone=False):
        return
    leg = call.connected
    if leg.member is None and leg.local2 is not None:
        _local_target_hung_up(pbx, call, leg)
        return
    if survey.surveyed(call):
        survey.agent_left(pbx, call, leg, by_phone=False)
        return
    pbx.leave_bridge(agent_channel(leg), call.caller)
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    _deferred_complete(pbx, call)
    end_in_order(pbx, call, leg, pbx.variants.pick("ami_hangup"), "caller")
    finish(pbx, call, caller_cause=16)


def end_in_order(pbx: Pbx, call: Call, leg: Leg, order: str | list[str], reason: str,
                 agent_leaves_first: bool = False) -> None:
    """The end of an answered leg in one of the orders Asterisk's threads give it (variants
    ``ami_hangup``, ``transfer_complete``, ``shutdown_end``): "agent" the leg's Hangup (leaving
    the bridge first if still in it), "status" its phone's QueueMemberStatus, "leave" the caller
    leaving the bridge (the agent leg too if still there: first if ``agent_leaves_first``),
    "soft" the caller's SoftHangupRequest 16, "caller" its Hangup, "complete…" app_queue's
    AgentComplete with ``reason`` and the channels it still knew (none for a leg that is no
    queue member)."""
    for step in order.split() if isinstance(order, str) else order:
        if step == "agent":
            end_leg(pbx, call, leg, release=False)
        elif step == "status":
            legs.release(pbx, leg.phone)
        elif step == "leave":
            sides = (agent_channel(leg), call.caller)
            pbx.leave_bridge(*(sides if agent_leaves_first else reversed(sides)))
        elif step == "soft":
            pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
        elif step == "caller":
            pbx.destroy(call.caller, 16)
        elif leg.member is not None:
            shape = step.partition("/")[2]
            agent_complete(pbx, call, leg, reason, dest=shape not in ("nodest", "bare"),
                           caller=shape not in ("nocaller", "bare"))


def _local_target_hung_up(pbx: Pbx, call: Call, leg: Leg) -> None:
    """The target of an attended transfer (reached through Local ;1/;2) is hung up by AMI: its
    bridge with ;2 dissolves, the Local pair goes (;2 soft, ;1 asked by its peer), ;1 leaves the
    caller's bridge, then the caller's dialplan ends; the phone's Hangup comes before the
    caller's or after it (variant ``target_hangup``)."""
    two, phone_channel = leg.local2, leg.phone_channel
    assert two is not None and phone_channel is not None  # transfer.attended made both
    pbx.leave_bridge(phone_channel, two)
    pbx.emit(ev.on_channel("SoftHangupRequest", two, Cause="16"))
    pbx.emit(ev.on_channel("HangupRequest", leg.channel, Cause="16"))
    pbx.destroy(two, 16)
    pbx.leave_bridge(leg.channel)
    if pbx.variants.pick("target_hangup") == "caller_first":
        pbx.leave_bridge(call.caller)
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
        pbx.destroy(leg.channel, 16)
        pbx.destroy(call.caller, 16)
        end_leg(pbx, call, leg)  # what is left of it: the phone's channel
    else:
        pbx.destroy(leg.channel, 16)
        pbx.leave_bridge(call.caller)
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
        end_leg(pbx, call, leg)
    finish(pbx, call, caller_cause=16)


def hang_up_both(pbx: Pbx, call: Call, leg: Leg, order: str) -> None:
    """The two sides of a bridged call go; which Hangup Asterisk reports first varies
    (``agent_first``: the agent leg, then its phone's QueueMemberStatus, then the caller)."""
    if order == "caller_first":
        pbx.destroy(call.caller, 16)
    end_leg(pbx, call, leg)
    finish(pbx, call, caller_cause=16)


def agent_complete(pbx: Pbx, call: Call, leg: Leg, reason: str, dest: bool = True, caller: bool = True) -> None:
    """app_queue's AgentComplete; without ``dest`` the agent leg was gone by then (no Dest* headers),
    without ``caller`` the caller (no Channel* headers). A leg that is no queue member has none."""
    member = leg.member
    if member is None:
        return
    fields = ev.header("AgentComplete", "agent")
    if caller:
        fields += ev.channel_fields(call.caller)
    if dest:
        fields += ev.channel_fields(leg.channel, "Dest")
    hold, talk_s = int(call.answered_at - call.joined_at), int(pbx.clock.now - call.answered_at)
    pbx.emit(fields + [
        ("Queue", member.queue), ("Interface", member.interface), ("MemberName", member.name),
        ("HoldTime", str(hold)), ("TalkTime", str(talk_s)), ("Reason", reason),
    ])
    if reason != "transfer":  # a transfer's line is written by the transfer (BLINDTRANSFER)
        event = "COMPLETEAGENT" if reason == "agent" else "COMPLETECALLER"
        pbx.ledger.log_queue(pbx.clock.unix(), call.caller.uniqueid, member.queue, member.name, event, hold, talk_s,
                             call.original_position)


def _deferred_complete(pbx: Pbx, call: Call) -> None:
    """After a Redirect of the caller, app_queue reports the first agent's AgentComplete only now."""
    if call.complete_on_hangup is not None:
        leg, call.complete_on_hangup = call.complete_on_hangup, None
        agent_complete(pbx, call, leg, "caller")


def end_leg(pbx: Pbx, call: Call, leg: Leg, cause: int = 16, release: bool = True) -> None:
    """The agent side of a finished conversation: channels gone, member credited, wrap-up starts;
    its phone's status follows (without ``release``, the caller sends it: ``legs.release``)."""
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
    if release:
        legs.release(pbx, phone)


def finish(pbx: Pbx, call: Call, caller_cause: int) -> None:
    if call.done:
        return
    pbx.ledger.ended[call.caller.linkedid] = pbx.clock.now
    _deferred_complete(pbx, call)
    call.done = True
    for timer in call.timers:
        timer.cancel()
    if call.ring_timer is not None:
        call.ring_timer.cancel()
    pbx.destroy(call.caller, caller_cause)
    if call.recording and pbx.recordings_dir is not None:
        recording.write(pbx.recordings_dir / call.recording, pbx.clock.now - call.answered_at)
    if call.customer is not None:  # an agent's click-to-dial: the customer's leg goes too
        pbx.destroy(call.customer, 16)
    if call in pbx.calls:
        pbx.calls.remove(call)
