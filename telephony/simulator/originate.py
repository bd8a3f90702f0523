"""Originate: an agent's click-to-dial, or a campaign call to a customer (capture 09).

``OriginateResponse`` Reason: 4 answered, 3 rang until the Timeout, 0 failed before ringing
(486 Busy and 480 alike; DialEnd BUSY/NOANSWER and Hangup Cause 17/19 tell them apart).
What a dialled customer does comes from ``pbx.dialout`` (scripted or random).
"""

from __future__ import annotations

from dataclasses import dataclass

from telephony.simulator import direct, events as ev, legs, queues, talk
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
    phone.channel, phone.ringing = ch, True
    pbx.set_state(ch, 5)
    pbx.emit(ev.on_pair("DialState", None, ch, DialStatus="RINGING"))
    pbx.phone_changed(phone)
    timers = []

    def answered() -> None:
        for t in timers:
            t.cancel()
        legs.answered(pbx, leg)
        pbx.emit(ev.on_pair("DialEnd", None, ch, DialStatus="ANSWER"))
        ch.context, ch.exten, ch.priority = req.context, req.exten, 1
        ch.caller_num, ch.caller_name = req.caller_num, req.caller_name
        _respond(pbx, req, ch, "Success", 4)
        call = Call(spec=CallSpec(number=req.exten or phone.extension, talk_s=None), caller=ch)
        pbx.calls.append(call)
        if req.application:  # e.g. ChanSpy for a supervisor: the channel stays up until hung up
            ch.application, ch.app_data = req.application, req.data
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


def _dial_customer(pbx: Pbx, call: Call, agent_leg: Leg, number: str) -> None:
    """``Dial(PJSIP/<number>@carrier,30)`` from the agent's answered channel."""
    agent = call.caller
    customer = pbx.sip_channel("carrier", agent.linkedid, context="from-carrier", exten="s")
    pbx.emit(ev.on_pair("DialBegin", agent, customer, DialString=f"{number}@carrier"))
    plan = pbx.dialout(number)
    if plan.outcome != "answer":
        status, cause = ("BUSY", 17) if plan.outcome == "busy" else ("NOANSWER", 19)
        pbx.emit(ev.on_pair("DialEnd", agent, customer, DialStatus=status))
        pbx.destroy(customer, cause)
        pbx.emit(ev.on_channel("SoftHangupRequest", agent, Cause="16"))
        legs.hang_up(pbx, agent_leg, 16)
        talk.finish(pbx, call, caller_cause=16)
        return
    pbx.emit(ev.on_pair("DialState", agent, customer, DialStatus="RINGING"))

    def picked_up() -> None:
        customer.caller_num = number
        pbx.set_var(agent, "DIALSTATUS", "ANSWER")
        pbx.emit(ev.on_pair("DialEnd", agent, customer, DialStatus="ANSWER"))
        call.connected = agent_leg
        pbx.bridge(customer, agent)
        if plan.talk_s is not None:
            call.timers.append(pbx.clock.call_later(plan.talk_s, lambda: customer_hangs_up(pbx, call, customer)))

    pbx.clock.call_later(plan.after_s, picked_up)
    call.customer = customer


def customer_hangs_up(pbx: Pbx, call: Call, customer: Channel) -> None:
    if call.done:
        return
    pbx.emit(ev.on_channel("HangupRequest", customer, Cause="16"))
    pbx.destroy(customer, 16)
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    if call.connected is not None:
        legs.release(pbx, call.connected.phone)
    call.connected = None
    talk.finish(pbx, call, caller_cause=16)


def _customer_first(pbx: Pbx, req: Request, number: str, trunk: str = "carrier") -> None:
    """Ring the customer; once they answer, run the dialplan (campaign: join the queue named by
    CALLDESK_QUEUE, else retail)."""
    ch = pbx.sip_channel(trunk, context="from-carrier", exten="s")
    pbx.emit(ev.on_pair("DialBegin", None, ch, DialString=f"{number}@{trunk}"))
    ch.caller_num, ch.caller_name = req.caller_num, req.caller_name
    plan = pbx.dialout(number)
    if plan.outcome in ("busy", "unreachable"):
        cause = 17 if plan.outcome == "busy" else 19
        status = "BUSY" if plan.outcome == "busy" else "NOANSWER"
        pbx.emit(ev.on_channel("HangupRequest", ch, Cause=str(cause)))
        _respond(pbx, req, None, "Failure", 0)
        pbx.emit(ev.on_pair("DialEnd", None, ch, DialStatus=status))
        pbx.destroy(ch, cause)
        return
    pbx.emit(ev.on_pair("DialState", None, ch, DialStatus="RINGING"))
    if plan.outcome == "noanswer" or plan.after_s >= req.timeout_s:
        def missed() -> None:
            _respond(pbx, req, None, "Failure", 3)
            pbx.destroy(ch, 19)

        pbx.clock.call_later(req.timeout_s, missed)
        return
    pbx.clock.call_later(plan.after_s, lambda: _customer_answered(pbx, req, ch, number, plan))


def _customer_answered(pbx: Pbx, req: Request, ch: Channel, number: str, plan: Dialout) -> None:
    ch.state = 6
    ch.context, ch.exten, ch.priority = req.context, req.exten, 1
    _respond(pbx, req, ch, "Success", 4)
    pbx.emit(ev.on_pair("DialEnd", None, ch, DialStatus="ANSWER"))
    variables = req.variables or {}
    for name, value in variables.items():
        pbx.set_var(ch, name, value)
    account = variables.get("CAMPAIGN_ACCOUNT") or variables.get("CUSTOMER_ACCOUNT")
    spec = CallSpec(number=variables.get("CAMPAIGN_NUMBER", number), name="Callback", account=account,
                    talk_s=plan.talk_s, ivr_s=0.0)
    call = Call(spec=spec, caller=ch)
    pbx.calls.append(call)
    if account:
        pbx.set_var(ch, "__CUSTOMER_ACCOUNT", account)
    ch.caller_num, ch.caller_name = spec.number, spec.name
    queue = variables.get("CALLDESK_QUEUE") or "retail"  # the lab's dialplan: Queue(${CALLDESK_QUEUE})
    if req.context == "campaign" and queue in pbx.queues:
        queues.join(pbx, call, queue)
    elif req.exten and pbx.phone_by_extension(req.exten) is not None:
        direct.dial(pbx, call, req.exten)
    else:
        call.timers.append(pbx.clock.call_later(plan.talk_s or 10.0, lambda: talk.caller_hangs_up(pbx, call)))
