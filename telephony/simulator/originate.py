"""Originate: an agent's click-to-dial, or a campaign call to a customer (capture 09, live runs).

``OriginateResponse`` Reason: 4 answered, 3 rang until the Timeout, 0 failed before ringing
(486 Busy and 480 alike; DialEnd BUSY/NOANSWER and Hangup Cause 17/19 tell them apart; where
the response falls among those varies: variant ``originate_failure``). A click-to-dial's
response only says the agent's phone answered; the customer leg is the dialplan's
``Dial(PJSIP/<number>@carrier,30)`` after it. What a dialled customer does comes from
``pbx.dialout`` (scripted, random, or the lab's ``dialout.lab_pstn``).
"""

from __future__ import annotations

from dataclasses import dataclass

from telephony.simulator import direct, legs, queues, talk
from telephony.simulator import events as ev
from telephony.simulator.clock import Timer
from telephony.simulator.dialout import Dialout
from telephony.simulator.model import UNKNOWN, Call, CallSpec, Channel, Leg, Phone
from telephony.simulator.pbx import Pbx


@dataclass
class Request:
    channel: str
    action_id: str
    context: str = ""
    exten: str = ""
    application: str = ""
    data: str = ""
    timeout_s: float = 30.0
    caller_num: str = UNKNOWN
    caller_name: str = UNKNOWN
    variables: dict[str, str] | None = None


def start(pbx: Pbx, req: Request) -> None:
    tech, _, rest = req.channel.partition("/")
    endpoint, at, trunk = rest.partition("@")
    phone = pbx.phones.get(req.channel)
    if tech == "PJSIP" and phone is not None and not at:
        _agent_first(pbx, req, phone)
    elif tech == "PJSIP" and at:
        _customer_first(pbx, req, endpoint, trunk)
    else:
        _respond(pbx, req, None, "Failure", 0)


def _respond(pbx: Pbx, req: Request, ch: Channel | None, result: str, reason: int) -> None:
    where = [("Context", req.context), ("Exten", req.exten)] if not req.application else \
        [("Application", req.application), ("Data", req.data)]
    pbx.emit(ev.header("OriginateResponse", "call") + [
        ("ActionID", req.action_id), ("Response", result),
        ("Channel", ch.name if ch is not None and result == "Success" else req.channel),
    ] + where + [
        ("Reason", str(reason)), ("Uniqueid", ch.uniqueid if ch is not None and result == "Success" else UNKNOWN),
        ("CallerIDNum", req.caller_num), ("CallerIDName", req.caller_name),
    ])


def _set_vars(pbx: Pbx, ch: Channel, req: Request) -> None:
    for name, value in (req.variables or {}).items():
        pbx.set_var(ch, name, value)


def _agent_first(pbx: Pbx, req: Request, phone: Phone) -> None:
    """Ring the agent's phone; once it answers, run the dialplan (outbound: dial the customer)."""
    if phone.busy:
        _respond(pbx, req, None, "Failure", 0)
        return
    ch = pbx.agent_channel(phone, None)
    _set_vars(pbx, ch, req)
    leg = Leg(phone=phone, channel=ch, member=None, dialed_at=pbx.clock.now)
    pbx.emit(ev.on_pair("DialBegin", None, ch, DialString=phone.extension))
    if req.caller_num != UNKNOWN:  # the Originate's CallerID replaces the endpoint's
        ch.caller_num, ch.caller_name = req.caller_num, req.caller_name
        ch.connected_num, ch.connected_name = req.caller_num, req.caller_name
    phone.channel, phone.ringing = ch, True
    pbx.set_state(ch, 5)
    pbx.emit(ev.on_pair("DialState", None, ch, DialStatus="RINGING"))
    pbx.phone_changed(phone)
    timers: list[Timer] = []

    def answered() -> None:
        for t in timers:
            t.cancel()
        legs.answered(pbx, leg, announce=False)
        pbx.emit(ev.on_pair("DialEnd", None, ch, DialStatus="ANSWER"))
        ch.context, ch.exten, ch.priority = req.context, req.exten, 1
        _respond(pbx, req, ch, "Success", 4)
        pbx.phone_changed(phone, in_call=True)
        call = Call(spec=CallSpec(number=req.exten or phone.extension, talk_s=None), caller=ch)
        pbx.calls.append(call)
        if req.application:  # e.g. ChanSpy for a supervisor: the channel stays up until hung up
            ch.application, ch.app_data = req.application, req.data
            if req.application.lower() == "chanspy":
                _spy(pbx, call, leg, req.data)
            return
        _dial_customer(pbx, call, leg, req.exten)

    def missed() -> None:
        phone.answer = None
        _respond(pbx, req, None, "Failure", 3)
        legs.hang_up(pbx, leg, 19)

    phone.answer = answered
    if (delay := pbx.answer_delay(phone)) is not None and delay < req.timeout_s:
        timers.append(pbx.clock.call_later(delay, answered))
    timers.append(pbx.clock.call_later(req.timeout_s, missed))


def _spy(pbx: Pbx, call: Call, leg: Leg, data: str) -> None:
    """``ChanSpy(PJSIP/1001,qE)``: the supervisor's channel ends when the spied channel does (E).
    In the lab (capture 10) it also noticed an AMI Hangup of itself only then (``spies``)."""
    prefix = data.split(",")[0] + "-"
    spied = next((c for c in pbx.channels.values() if c.name.startswith(prefix)), None)
    if spied is None or "E" not in (data.split(",") + [""])[1]:
        return

    def on_hangup(ch: Channel) -> None:
        if ch is not spied:
            return
        pbx.on_hangup.remove(on_hangup)
        call.spied = None
        if not call.done:
            _agent_leg_gone(pbx, call, leg, 16)

    call.spied = spied
    pbx.on_hangup.append(on_hangup)


def spies(call: Call) -> bool:
    """A supervisor's ChanSpy channel listening to a call: an AMI Hangup of it waits for that call."""
    return call.spied is not None


CLICK_DIAL_S = 30.0  # [outbound]: Dial(PJSIP/${EXTEN}@carrier,30)


def _dial_customer(pbx: Pbx, call: Call, agent_leg: Leg, number: str) -> None:
    """``Dial(PJSIP/<number>@carrier,30)`` from the agent's answered channel, then ``Hangup()``."""
    agent = call.caller
    agent.application, agent.app_data = "Dial", f"PJSIP/{number}@carrier,{CLICK_DIAL_S:g}"
    customer = pbx.sip_channel("carrier", agent.linkedid, context="from-carrier", exten="s")
    customer.application, customer.app_data = "AppDial", "(Outgoing Line)"
    pbx.emit(ev.on_pair("DialBegin", agent, customer, DialString=f"{number}@carrier"))
    customer.caller_num, customer.exten = number, number
    customer.connected_num, customer.connected_name = agent.caller_num, agent.caller_name
    agent.connected_num = number
    call.customer = customer
    plan = pbx.dialout(number)
    if plan.outcome in ("busy", "unreachable"):  # 486 / 480 at once
        cause, status = (17, "BUSY") if plan.outcome == "busy" else (19, "NOANSWER")
        pbx.emit(ev.on_channel("HangupRequest", customer, Cause=str(cause)))
        pbx.emit(ev.on_pair("DialEnd", agent, customer, DialStatus=status))
        if plan.outcome == "busy":
            pbx.destroy(customer, cause)
            pbx.emit(ev.on_channel("SoftHangupRequest", agent, Cause="16"))
        else:
            pbx.emit(ev.on_channel("SoftHangupRequest", agent, Cause="16"))
            pbx.destroy(customer, cause)
        _agent_leg_gone(pbx, call, agent_leg, cause)  # Hangup() keeps the dialled leg's cause
        return
    pbx.set_state(customer, 5)
    pbx.emit(ev.on_pair("DialState", agent, customer, DialStatus="RINGING"))
    if plan.outcome == "noanswer" or plan.after_s >= CLICK_DIAL_S:
        def no_answer() -> None:
            if call.done:
                return
            pbx.emit(ev.on_pair("DialEnd", agent, customer, DialStatus="NOANSWER"))
            pbx.destroy(customer, 0)
            pbx.emit(ev.on_channel("SoftHangupRequest", agent, Cause="16"))
            _agent_leg_gone(pbx, call, agent_leg, 16)

        call.timers.append(pbx.clock.call_later(CLICK_DIAL_S, no_answer))
        return

    def picked_up() -> None:
        if call.done:
            return
        pbx.set_state(customer, 6)
        pbx.set_var(agent, "DIALSTATUS", "ANSWER")
        pbx.emit(ev.on_pair("DialEnd", agent, customer, DialStatus="ANSWER"))
        call.connected = agent_leg
        pbx.bridge(customer, agent)
        if plan.talk_s is not None:
            call.timers.append(pbx.clock.call_later(plan.talk_s, lambda: customer_hangs_up(pbx, call, customer)))

    call.timers.append(pbx.clock.call_later(plan.after_s, picked_up))


def _agent_leg_gone(pbx: Pbx, call: Call, agent_leg: Leg, cause: int) -> None:
    """The agent's channel (the click-to-dial's first leg) hangs up; its phone is free again."""
    call.connected = None
    pbx.destroy(call.caller, cause)
    legs.release(pbx, agent_leg.phone)
    talk.finish(pbx, call, caller_cause=cause)


def customer_hangs_up(pbx: Pbx, call: Call, customer: Channel) -> None:
    """The customer of a click-to-dial hangs up (BYE): which Hangup Asterisk reports first varies
    (variant ``customer_hangup``)."""
    if call.done:
        return
    pbx.emit(ev.on_channel("HangupRequest", customer, Cause="16"))
    order = pbx.variants.pick("customer_hangup")
    pbx.leave_bridge(customer)
    if order == "customer_first":
        pbx.destroy(customer, 16)
    pbx.leave_bridge(call.caller)
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    leg = call.connected or Leg(phone=_phone_of(pbx, call), channel=call.caller, member=None, dialed_at=0.0)
    _agent_leg_gone(pbx, call, leg, 16)


def agent_hung_up_by_ami(pbx: Pbx, call: Call) -> None:
    """An AMI Hangup of the agent's channel of a click-to-dial (calldesk's hang-up key): no
    HangupRequest on either side; Dial returns and the dialplan's Hangup() ends the agent's
    channel (SoftHangupRequest 16), the customer's leg going first (live, issue 13)."""
    customer = call.customer
    if call.done or customer is None:  # only a click-to-dial has a customer leg (call_actions)
        return
    if call.connected is None:  # the customer still rings: Dial is cancelled
        pbx.emit(ev.on_pair("DialEnd", call.caller, customer, DialStatus="CANCEL"))
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
        pbx.destroy(customer, 0)
    else:
        pbx.leave_bridge(call.caller, customer)
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
        pbx.destroy(customer, 16)
    leg = call.connected or Leg(phone=_phone_of(pbx, call), channel=call.caller, member=None, dialed_at=0.0)
    _agent_leg_gone(pbx, call, leg, 16)


def _phone_of(pbx: Pbx, call: Call) -> Phone:
    return next(p for p in pbx.phones.values() if p.channel is call.caller)


def _customer_first(pbx: Pbx, req: Request, number: str, trunk: str = "carrier") -> None:
    """Ring the customer; once they answer, run the dialplan (campaign: join the queue named by
    CALLDESK_QUEUE, else retail)."""
    plan = pbx.dialout(number)
    failed = plan.outcome in ("busy", "unreachable")
    where = pbx.variants.pick("originate_failure") if failed else ""
    if where == "before_dial":  # the response overtook even the channel's Newchannel (live, busy)
        _respond(pbx, req, None, "Failure", 0)
    ch = pbx.sip_channel(trunk, context="from-carrier", exten="s")
    pbx.emit(ev.on_pair("DialBegin", None, ch, DialString=f"{number}@{trunk}"))
    ch.caller_num, ch.caller_name = req.caller_num, req.caller_name
    ch.connected_num, ch.connected_name = req.caller_num, req.caller_name
    if failed:
        cause = 17 if plan.outcome == "busy" else 19
        status = "BUSY" if plan.outcome == "busy" else "NOANSWER"
        if where == "before_request":
            _respond(pbx, req, None, "Failure", 0)
        pbx.emit(ev.on_channel("HangupRequest", ch, Cause=str(cause)))
        if where == "before_dialend":
            _respond(pbx, req, None, "Failure", 0)
        pbx.emit(ev.on_pair("DialEnd", None, ch, DialStatus=status))
        if where == "before_hangup":
            _respond(pbx, req, None, "Failure", 0)
        pbx.destroy(ch, cause)
        if where == "after_hangup":
            _respond(pbx, req, None, "Failure", 0)
        return
    pbx.set_state(ch, 5)
    pbx.emit(ev.on_pair("DialState", None, ch, DialStatus="RINGING"))
    if plan.outcome == "noanswer" or plan.after_s >= req.timeout_s:
        def missed() -> None:
            _respond(pbx, req, None, "Failure", 3)
            pbx.destroy(ch, 19)

        pbx.clock.call_later(req.timeout_s, missed)
        return
    pbx.clock.call_later(plan.after_s, lambda: _customer_answered(pbx, req, ch, number, plan))


def _customer_answered(pbx: Pbx, req: Request, ch: Channel, number: str, plan: Dialout) -> None:
    pbx.set_state(ch, 6)
    ch.context, ch.exten, ch.priority = req.context, req.exten, 1
    # Asterisk's originate thread sends the response while the channel's own thread already runs
    # the dialplan: before the caller joins the campaign's queue, or (a busy PBX) after the join,
    # even after the first member rang (variant ``originate_answer``).
    joins = req.context == "campaign" and ((req.variables or {}).get("CALLDESK_QUEUE") or "retail") in pbx.queues
    where = pbx.variants.pick("originate_answer") if joins else "before_join"
    if where == "before_join":
        _respond(pbx, req, ch, "Success", 4)
    pbx.emit(ev.on_pair("DialEnd", None, ch, DialStatus="ANSWER"))
    variables = req.variables or {}
    for name, value in variables.items():
        pbx.set_var(ch, name, value)
    account = variables.get("CAMPAIGN_ACCOUNT") or variables.get("CUSTOMER_ACCOUNT")
    # calldesk's [campaign] and [campaign-direct] set CALLERID(num)=${CALLDESK_NUMBER} and clear the
    # name we presented to the customer; the lab's own sets CALLERID(all)="Callback" <…>
    if "CALLDESK_NUMBER" in variables:
        spec = CallSpec(number=variables["CALLDESK_NUMBER"], name=UNKNOWN, account=account,
                        talk_s=plan.talk_s, ivr_s=0.0)
    else:
        spec = CallSpec(number=variables.get("CAMPAIGN_NUMBER", number), name="Callback", account=account,
                        talk_s=plan.talk_s, ivr_s=0.0)
    call = Call(spec=spec, caller=ch)
    pbx.calls.append(call)
    if account:
        pbx.set_var(ch, "__CUSTOMER_ACCOUNT", account)
    ch.caller_num, ch.caller_name = spec.number, spec.name
    queue = variables.get("CALLDESK_QUEUE") or "retail"  # the lab's dialplan: Queue(${CALLDESK_QUEUE})
    if req.context == "campaign" and queue in pbx.queues:
        queues.join(pbx, call, queue, max_wait_s=120)  # Queue(${CALLDESK_QUEUE},t,,,120)
        if where == "after_join":
            _respond(pbx, req, ch, "Success", 4)
        elif where == "after_ringing":  # after the members the join wakes up are rung
            pbx.clock.call_later(0.0, lambda: _respond(pbx, req, ch, "Success", 4))
    elif req.exten and pbx.phone_by_extension(req.exten) is not None:
        direct.dial(pbx, call, req.exten)
    else:
        call.timers.append(pbx.clock.call_later(plan.talk_s or 10.0, lambda: talk.caller_hangs_up(pbx, call)))
