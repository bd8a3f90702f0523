"""Transfers of an answered call: BlindTransfer (capture 06), Atxfer (07) and Redirect.

After any transfer the customer stays the call's caller: the target is dialled from the
caller's channel (blind, redirect) or joined to it through a Local pair (attended).
"""

from __future__ import annotations

from dataclasses import dataclass

from telephony.simulator import departures, direct, legs, queues, talk
from telephony.simulator import events as ev
from telephony.simulator.model import Call, Channel, Leg
from telephony.simulator.pbx import Pbx

TRANSFER_QUEUES = {"8001": "retail", "8002": "vip"}
# The lab dialplan's [campaign-abandon]: s,1 Answer, Playback(an apology of about 3 s), Hangup.
ABANDON_CONTEXT, APOLOGY_S = "campaign-abandon", 3.0


@dataclass
class Consult:
    """An attended transfer in progress: transferer on hold, target rung through Local ;1/;2."""

    one: Channel
    two: Channel
    leg: Leg
    bridge_id: str
    orig_bridge: str  # the call's bridge, which the transferer left for the consult
    target: Channel  # the target phone's channel, which ;2 dials (``leg.phone_channel``)
    answered: bool = False


def route(pbx: Pbx, call: Call, exten: str) -> None:
    """Where the caller goes in context transfer-targets: an extension, or a queue (8001, 8002)."""
    if exten in TRANSFER_QUEUES and TRANSFER_QUEUES[exten] in pbx.queues:
        queues.join(pbx, call, TRANSFER_QUEUES[exten])
    else:
        direct.dial(pbx, call, exten)


def blind(pbx: Pbx, call: Call, exten: str, context: str) -> None:
    leg, caller = talk.connected_leg(call), call.caller
    agent = talk.agent_channel(leg)
    pbx.emit(ev.on_channel("Unhold", agent))
    pbx.emit(ev.header("BlindTransfer", "call") + [("Result", "Success")]
             + ev.channel_fields(agent, "Transferer") + ev.channel_fields(caller, "Transferee")
             + ev.bridge_fields(caller.bridge, 2)
             + [("IsExternal", "Yes"), ("Context", context), ("Extension", exten)])
    if leg.member is not None:
        talk.agent_complete(pbx, call, leg, "transfer")
        pbx.ledger.log_queue(pbx.clock.unix(), caller.uniqueid, leg.member.queue, leg.member.name, "BLINDTRANSFER",
                             exten, context, int(call.answered_at - call.joined_at),
                             int(pbx.clock.now - call.answered_at), call.original_position)
    pbx.leave_bridge(caller, agent)
    caller.context, caller.exten, caller.priority = context, exten, 1
    talk.end_leg(pbx, call, leg)
    route(pbx, call, exten)


def redirect(pbx: Pbx, call: Call, exten: str, context: str) -> None:
    """The caller's channel is sent elsewhere; the agent leg hangs up at once, but app_queue's
    AgentComplete for it comes only when the caller finally hangs up (README, Redirect). A
    caller still waiting in a queue leaves it as app_queue's record_abandoned has it."""
    leg, caller = call.connected, call.caller
    if leg is not None:
        if leg.member is not None:
            call.complete_on_hangup = leg
        talk.end_leg(pbx, call, leg)
    elif call.queue is not None:
        departures.redirected(pbx, call)
    caller.context, caller.exten, caller.priority = context, exten, 1
    if context == ABANDON_CONTEXT:
        apologise(pbx, call)
    else:
        route(pbx, call, exten)


def apologise(pbx: Pbx, call: Call) -> None:
    """[campaign-abandon]: the apology plays, then the dialplan hangs up (SoftHangupRequest and
    Hangup cause 16, no HangupRequest: nobody hung up but the PBX)."""
    call.caller.application, call.caller.app_data = "Playback", "campaign-sorry"

    def hang_up() -> None:
        if call.done:
            return
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
        talk.finish(pbx, call, caller_cause=16)

    call.timers.append(pbx.clock.call_later(APOLOGY_S, hang_up))


def attended(pbx: Pbx, call: Call, exten: str, context: str) -> bool:
    phone = pbx.phone_by_extension(exten)
    if phone is None or phone.busy or call.connected is None:
        return False
    agent = talk.agent_channel(call.connected)
    pbx.emit(ev.on_channel("Hold", agent))
    orig_bridge = agent.bridge
    one, two = pbx.local_pair(exten, context, call.caller.linkedid)
    bridge_id = pbx.bridge(one, agent)  # the transferer moves to the consult bridge
    two.caller_num, two.caller_name = agent.caller_num, agent.caller_name
    target = pbx.agent_channel(phone, call.caller.linkedid)
    leg = Leg(phone=phone, channel=one, member=None, dialed_at=pbx.clock.now, local2=two, phone_channel=target)
    pbx.emit(ev.on_pair("DialBegin", two, target, DialString=exten))
    phone.channel, phone.ringing = target, True
    pbx.set_state(target, 5)
    pbx.emit(ev.on_pair("DialState", two, target, DialStatus="RINGING"))
    one.caller_num, one.caller_name = phone.extension, phone.cid_name
    one.connected_num, one.connected_name = agent.caller_num, agent.caller_name
    one.state = 5
    pbx.emit(ev.on_pair("DialState", None, one, DialStatus="RINGING"))
    pbx.phone_changed(phone)
    consult = call.transfer = Consult(one, two, leg, bridge_id, orig_bridge, target)
    phone.answer = lambda: _target_answers(pbx, call, consult)
    if (delay := pbx.answer_delay(phone)) is not None and delay < direct.DIAL_TIMEOUT_S:
        leg.timer = pbx.clock.call_later(delay, phone.answer)
    call.timers.append(pbx.clock.call_later(direct.DIAL_TIMEOUT_S, lambda: _target_missed(pbx, call, consult)))
    return True


def _target_answers(pbx: Pbx, call: Call, consult: Consult) -> None:
    if call.transfer is not consult or consult.answered:
        return
    consult.answered = True
    leg = consult.leg
    if leg.timer:
        leg.timer.cancel()
    leg.phone.ringing, leg.phone.answer = False, None
    consult.target.state = 6
    pbx.emit(ev.on_pair("DialEnd", consult.two, consult.target, DialStatus="ANSWER"))
    pbx.bridge(consult.target, consult.two)
    consult.one.state = consult.two.state = 6
    pbx.emit(ev.on_pair("DialEnd", None, consult.one, DialStatus="ANSWER"))
    pbx.phone_changed(leg.phone, in_call=True)


def _target_missed(pbx: Pbx, call: Call, consult: Consult) -> None:
    if call.transfer is not consult or consult.answered:
        return
    call.transfer = None
    leg = consult.leg
    pbx.emit(ev.on_pair("DialEnd", consult.two, consult.target, DialStatus="NOANSWER"))
    legs.hang_up(pbx, leg, 0)
    if call.connected is not None:
        agent = talk.agent_channel(call.connected)
        pbx.enter_bridge(consult.orig_bridge, agent)  # back to the caller
        pbx.emit(ev.on_channel("Unhold", agent))


def complete_attended(pbx: Pbx, call: Call, by_phone: bool = True) -> bool:
    """The transferer hangs up after the target answered: the caller now talks to the target.

    ``by_phone``: the agent's phone hung up (HangupRequest on its channel, capture 07); an AMI
    Hangup gives no HangupRequest. Asterisk 22 sends AttendedTransfer in three shapes (variant
    ``attended_transfer``): the consult bridge emptied (SecondBridgeNumChannels 0) with the
    target's ``TransferTarget*`` headers, or without them, or still holding the target's Local ;1."""
    consult = call.transfer
    call.transfer = None
    if consult is None or not consult.answered:
        if consult is not None:
            _target_missed_now(pbx, consult)
        return False
    leg, caller = talk.connected_leg(call), call.caller
    agent = talk.agent_channel(leg)
    if by_phone:
        pbx.emit(ev.on_channel("HangupRequest", agent))
    pbx.leave_bridge(agent)
    pbx.enter_bridge(consult.orig_bridge, consult.one)  # the bridges merge: the target joins the caller
    target = consult.leg.phone
    agent.connected_num, agent.connected_name = target.extension, target.cid_name
    shape = pbx.variants.pick("attended_transfer")
    if shape == "target_in_second":
        consult.one.connected_num, consult.one.connected_name = agent.caller_num, agent.caller_name
    else:
        pbx.connect_line(consult.one, caller)
    fields = (ev.header("AttendedTransfer", "call") + [("Result", "Success")]
              + ev.channel_fields(agent, "OrigTransferer") + ev.bridge_fields(consult.orig_bridge, 2, "OrigBridge")
              + ev.channel_fields(agent, "SecondTransferer")
              + ev.bridge_fields(consult.bridge_id, 1 if shape == "target_in_second" else 0, "SecondBridge")
              + ev.channel_fields(caller, "Transferee"))
    if shape != "no_target":
        fields += ev.channel_fields(consult.one, "TransferTarget")
    pbx.emit(fields + [("IsExternal", "No"), ("DestType", "Bridge"), ("DestBridgeUniqueid", consult.orig_bridge)])
    pbx.connect_line(consult.one, caller)
    # Hung up through AMI, app_queue's AgentComplete races the leg's Hangup and its phone's status.
    order = pbx.variants.pick("transfer_complete") if not by_phone and leg.member is not None else \
        "complete agent status"
    talk.end_in_order(pbx, call, leg, order, "transfer")
    call.connected = consult.leg
    call.queue_of_answer = None
    return True


def _target_missed_now(pbx: Pbx, consult: Consult) -> None:
    if consult.leg.timer:
        consult.leg.timer.cancel()
    legs.hang_up(pbx, consult.leg, 16)
