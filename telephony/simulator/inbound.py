"""A caller arrives from the carrier trunk and follows calldesk's sample dialplan (docs/asterisk/extensions.conf).

95555: IVR (account keyed in; calldesk's routing not configured, so the tier from AstDB), then
queue vip or retail. 95556: IVR, then queue
ringall. A spec with ``direct_to`` is a direct line: ``Dial(PJSIP/<ext>,20)`` with no Answer first.
"""

from __future__ import annotations

from telephony.simulator import direct, queues
from telephony.simulator import events as ev
from telephony.simulator.model import Call, CallSpec
from telephony.simulator.pbx import Pbx
from telephony.simulator.survey import SURVEY_DID

RINGALL_DID = "95556"
MARGIN_DID = "95558"
FIXED_QUEUE_DIDS = {RINGALL_DID: "ringall", MARGIN_DID: "margin"}  # the ivr-queue lines


def place_call(pbx: Pbx, spec: CallSpec) -> Call:
    caller = pbx.sip_channel(
        "carrier", caller_num=spec.number, caller_name=spec.name, context="from-carrier",
        exten=spec.did, priority=1, state=4,
    )
    call = Call(spec=spec, caller=caller)
    pbx.calls.append(call)
    caller.priority = 2
    pbx.set_var(caller, "__CC_DID", spec.did)  # Set(__CC_DID=${EXTEN}): inherited by every leg
    if spec.did == SURVEY_DID:
        caller.priority = 3
        pbx.set_var(caller, "__CALLDESK_SURVEY", "1")  # the survey hotline (telephony/simulator/survey.py)
    if spec.direct_to is not None:
        caller.priority = 3
        direct.dial(pbx, call, spec.direct_to)
        return call
    if spec.did in FIXED_QUEUE_DIDS and spec.queue is None:
        caller.priority = 3
        pbx.set_var(caller, "CC_QUEUE", FIXED_QUEUE_DIDS[spec.did])
    caller.priority = 3
    pbx.set_state(caller, 6)  # Answer() before the IVR
    caller.application, caller.app_data = "Read", "ACCT_IN,,12,,1,6"
    call.timers.append(pbx.clock.call_later(spec.ivr_s, lambda: _after_ivr(pbx, call)))
    return call


def queue_for(pbx: Pbx, spec: CallSpec) -> str:
    if spec.queue is not None:
        return spec.queue
    if spec.did in FIXED_QUEUE_DIDS:
        return FIXED_QUEUE_DIDS[spec.did]
    return "vip" if spec.tier == "vip" and "vip" in pbx.queues else "retail"


def _after_ivr(pbx: Pbx, call: Call) -> None:
    if call.done:
        return
    spec, caller = call.spec, call.caller
    hotline = spec.did not in FIXED_QUEUE_DIDS and spec.queue is None
    caller.context, caller.exten, caller.priority = ("ivr" if hotline else "ivr-queue"), "s", 3
    if spec.account is not None:
        caller.priority = 2
        pbx.set_var(caller, "ACCT_IN", spec.account)
        caller.priority = 3
        pbx.set_var(caller, "__CUSTOMER_ACCOUNT", spec.account or "unknown")
        if hotline:  # calldesk's routing not configured (CALLDESK_AGI empty): the AstDB tier
            caller.priority = 10
            pbx.set_var(caller, "__CUSTOMER_TIER", spec.tier)
        if spec.verified and spec.account:
            caller.priority += 1
            pbx.set_var(caller, "__CUSTOMER_VERIFIED", "1")
    queue = queue_for(pbx, spec)
    # docs/asterisk/extensions.conf: [ivr] s,12 Queue(retail,t,,,600), s,14 (vip) Queue(vip,…);
    # [ivr-queue] s,5 Queue(${CC_QUEUE},t,,,600)
    caller.priority = (14 if queue == "vip" else 12) if hotline else 5
    if queue not in pbx.queues:
        pbx.emit(ev.on_channel("SoftHangupRequest", caller, Cause="16"))
        from telephony.simulator import talk

        talk.finish(pbx, call, caller_cause=16)
        return
    queues.join(pbx, call, queue)
