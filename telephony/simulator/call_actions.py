"""AMI actions on calls: Hangup, BlindTransfer, Atxfer, Redirect, Originate and calldesk's own
CalldeskAnswer (captures 06, 07, 09, 10)."""

from __future__ import annotations

from telephony.simulator import originate, talk, transfer
from telephony.simulator.members import ActionError
from telephony.simulator.model import UNKNOWN, Call, Channel
from telephony.simulator.pbx import Pbx
from telephony.simulator.replies import Reply, success

Message = dict[str, str]


def need(msg: Message, *keys: str) -> list[str]:
    missing = [k for k in keys if not msg.get(k)]
    if missing:
        raise ActionError(f"Need {' and '.join(repr(k) for k in missing)} parameter(s).")
    return [msg[k] for k in keys]


def _call_on(pbx: Pbx, name: str) -> tuple[Channel, Call]:
    channel = pbx.channel_by_name(name)
    call = pbx.call_of(channel) if channel is not None else None
    if channel is None or call is None:
        raise ActionError("No such channel")
    return channel, call


def hangup(pbx: Pbx, msg: Message) -> Reply:
    (name,) = need(msg, "Channel")
    channel, call = _call_on(pbx, name)

    def effect() -> None:
        from telephony.simulator import direct, queues

        if channel is call.caller and call.customer is not None:  # an agent's click-to-dial
            originate.agent_hung_up_by_ami(pbx, call)
        elif channel is call.caller and originate.spies(call):
            return  # ChanSpy notices it only when its spied channel ends (and ends then anyway)
        elif channel is call.caller:
            talk.caller_hangs_up(pbx, call)
        elif channel is call.customer:
            originate.customer_hangs_up(pbx, call, channel)
        elif call.connected is not None and channel in (call.connected.channel, call.connected.phone_channel):
            talk.agent_hung_up_by_ami(pbx, call)
        else:
            ringing = next((leg for leg in call.legs if channel in (leg.channel, leg.phone_channel)), None)
            if ringing is not None and ringing.member is not None:
                queues.leg_rejected(pbx, call, ringing)
            elif ringing is not None:
                direct.rejected(pbx, call, ringing)

    return Reply(success("Channel Hungup").response, effect=effect)


def blind_transfer(pbx: Pbx, msg: Message) -> Reply:
    name, exten = need(msg, "Channel", "Exten")
    channel, call = _call_on(pbx, name)
    if call.connected is None or channel is call.caller:
        raise ActionError("No such channel")
    context = msg.get("Context") or "transfer-targets"
    return Reply(success("Transfer succeeded").response, effect=lambda: transfer.blind(pbx, call, exten, context))


def atxfer(pbx: Pbx, msg: Message) -> Reply:
    name, exten = need(msg, "Channel", "Exten")
    channel, call = _call_on(pbx, name)
    target = pbx.phone_by_extension(exten)
    if call.connected is None or channel is call.caller or target is None or target.busy:
        raise ActionError("No such channel" if call.connected is None else "Atxfer target is not available")
    context = msg.get("Context") or "transfer-targets"
    return Reply(success("Atxfer successfully queued").response,
                 effect=lambda: transfer.attended(pbx, call, exten, context))


def redirect(pbx: Pbx, msg: Message) -> Reply:
    name, exten = need(msg, "Channel", "Exten")
    channel, call = _call_on(pbx, name)
    if channel is not call.caller:
        raise ActionError("Only a caller's channel can be redirected in the simulator")
    context = msg.get("Context") or "transfer-targets"
    return Reply(success("Redirect successful").response, effect=lambda: transfer.redirect(pbx, call, exten, context))


def originate_action(pbx: Pbx, msg: Message) -> Reply:
    (channel,) = need(msg, "Channel")
    if not (msg.get("Exten") or msg.get("Application")):
        raise ActionError("Exten or Application not specified")
    num, name = _parse_callerid(msg.get("CallerID", ""))
    variables = dict(v.split("=", 1) for v in msg.get("Variable", "").split("\n") if "=" in v)
    req = originate.Request(
        channel=channel, action_id=msg.get("ActionID", ""), context=msg.get("Context", ""),
        exten=msg.get("Exten", ""), application=msg.get("Application", ""), data=msg.get("Data", ""),
        timeout_s=int(msg.get("Timeout") or 30000) / 1000.0, caller_num=num, caller_name=name, variables=variables,
    )
    return Reply(success("Originate successfully queued").response, effect=lambda: originate.start(pbx, req))


def _parse_callerid(text: str) -> tuple[str, str]:
    """``"Brokerage" <95555>`` -> (95555, Brokerage)."""
    text = text.strip()
    if "<" in text and text.endswith(">"):
        name, _, num = text[:-1].partition("<")
        return num.strip() or UNKNOWN, name.strip().strip('"') or UNKNOWN
    return (text or UNKNOWN), UNKNOWN


def calldesk_answer(pbx: Pbx, msg: Message) -> Reply:
    """Calldesk's own action: the agent answers a ringing phone from the console."""
    (interface,) = need(msg, "Interface")
    phone = pbx.phones.get(interface)
    if phone is None or not phone.ringing or phone.answer is None:
        raise ActionError(f"{interface} is not ringing")
    return Reply(success("Answered").response, effect=phone.answer)
