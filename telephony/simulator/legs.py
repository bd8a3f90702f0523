"""Agent legs: dialling a phone (directly or as a queue member), answering, cancelling, hanging up.

A queue member ``Local/1004@agents/n`` is dialled through a Local pair: the queue's events name
``Local/1004@agents-…;1`` and only the ``;2`` half's own Dial names the phone ``PJSIP/1004-…``.
"""

from __future__ import annotations

import dataclasses

from telephony.simulator import events as ev
from telephony.simulator.model import UNKNOWN, Call, Channel, Leg, Member, Phone
from telephony.simulator.pbx import Pbx


def dial_member(pbx: Pbx, call: Call, phone: Phone, member: Member, rings_now: bool = True) -> Leg:
    """AgentCalled and the dial; without ``rings_now`` the phone's 180 (Newstate Ringing) comes
    later, with ``phone_rings`` (a ring-all's earlier members, capture 14)."""
    caller = call.caller
    if member.interface.startswith("Local/"):
        exten, _, rest = member.interface[len("Local/"):].partition("@")
        one, two = pbx.local_pair(exten, rest.split("/")[0], caller.linkedid)
        leg = Leg(phone=phone, channel=one, member=member, dialed_at=pbx.clock.now, local2=two)
    else:
        leg = Leg(phone=phone, channel=pbx.agent_channel(phone, caller.linkedid), member=member,
                  dialed_at=pbx.clock.now)
        pbx.inherit_vars(caller, leg.channel)
    leg.channel.connected_num, leg.channel.connected_name = caller.caller_num, caller.caller_name
    leg.channel.application, leg.channel.app_data = "AppQueue", "(Outgoing Line)"
    pbx.emit(ev.on_pair("AgentCalled", caller, leg.channel, "agent", Queue=member.queue,
                        Interface=member.interface, MemberName=member.name))
    pbx.ledger.rung.append((caller.linkedid, phone.extension, pbx.clock.now, pbx.clock.live_unix()))
    _ring(pbx, caller, leg, member.interface, announce=False, rings_now=rings_now)
    return leg


def phone_rings(pbx: Pbx, leg: Leg) -> None:
    """A dialled phone's late 180: Newstate Ringing, then its QueueMemberStatus."""
    _rings(pbx, leg)
    pbx.phone_changed(leg.phone)


def ringing_announced(pbx: Pbx, caller: Channel, leg: Leg) -> None:
    """What ``dial_member`` leaves for later: DialState RINGING (the phone's status is the caller's)."""
    pbx.emit(ev.on_pair("DialState", caller, leg.channel, DialStatus="RINGING"))


def dial_phone(pbx: Pbx, caller: Channel, phone: Phone) -> Leg:
    """``Dial(PJSIP/1002)`` from the caller's channel: a direct line or a blind-transfer target."""
    leg = Leg(phone=phone, channel=pbx.agent_channel(phone, caller.linkedid), member=None, dialed_at=pbx.clock.now)
    leg.channel.application, leg.channel.app_data = "AppDial", "(Outgoing Line)"
    pbx.inherit_vars(caller, leg.channel)
    leg.channel.connected_num, leg.channel.connected_name = caller.caller_num, caller.caller_name
    _ring(pbx, caller, leg, phone.extension)
    return leg


def _ring(pbx: Pbx, caller: Channel | None, leg: Leg, dial_string: str, announce: bool = True,
          rings_now: bool = True) -> None:
    phone = leg.phone
    # Asterisk has not told the dialled leg who is calling yet when DialBegin goes out.
    fresh = dataclasses.replace(leg.channel, connected_num=UNKNOWN, connected_name=UNKNOWN)
    pbx.emit(ev.on_pair("DialBegin", caller, fresh, DialString=dial_string))
    if caller is not None:
        caller.connected_num, caller.connected_name = phone.extension, phone.cid_name
    target = leg.channel
    if leg.local2 is not None:
        two = leg.local2
        two.caller_num, two.caller_name = leg.channel.connected_num, leg.channel.connected_name
        leg.phone_channel = target = pbx.agent_channel(phone, leg.channel.linkedid)
        two.application, two.app_data = "Dial", phone.interface  # [agents] _100X: Dial(PJSIP/${EXTEN})
        target.application, target.app_data = "AppDial", "(Outgoing Line)"
        target.connected_num, target.connected_name = two.caller_num, two.caller_name
        pbx.emit(ev.on_pair("DialBegin", two, target, DialString=phone.interface))
    phone.channel, phone.ringing = target, True
    if rings_now:
        _rings(pbx, leg)
    if announce:
        pbx.phone_changed(phone)
        pbx.emit(ev.on_pair("DialState", caller, leg.channel, DialStatus="RINGING"))


def _rings(pbx: Pbx, leg: Leg) -> None:
    target = leg.phone_channel or leg.channel
    pbx.set_state(target, 5)
    if leg.local2 is not None:
        pbx.emit(ev.on_pair("DialState", leg.local2, target, DialStatus="RINGING"))
        leg.channel.state = 5


def answered(pbx: Pbx, leg: Leg, announce: bool = True) -> None:
    """The phone went off-hook; ``announce`` sends its QueueMemberStatus now (else the caller does later)."""
    phone = leg.phone
    phone.ringing, phone.answer = False, None
    two, target = leg.local2, leg.phone_channel
    if two is not None and target is not None:  # a Local member: ;2 dialled the phone (_ring)
        pbx.set_state(target, 6)
        pbx.emit(ev.on_pair("DialEnd", two, target, DialStatus="ANSWER"))
        two.state = 6
    leg.channel.state = 6
    pbx.emit(ev.on_channel("Newstate", leg.channel))
    if announce:
        pbx.phone_changed(phone, in_call=True)


def cancel_twice(pbx: Pbx, caller: Channel, legs: list[Leg]) -> None:
    """app_queue sends two ``DialEnd CANCEL`` per cancelled leg (the second after the connected-line update)."""
    for _ in range(2):
        for leg in legs:
            pbx.emit(ev.on_pair("DialEnd", caller, leg.channel, DialStatus="CANCEL"))


def hang_up(pbx: Pbx, leg: Leg, cause: int) -> None:
    """The leg's channels go away and its phone is free again (QueueMemberStatus follows)."""
    pbx.destroy(leg.channel, cause)
    if leg.local2 is not None:
        pbx.destroy(leg.local2, cause)
    if leg.phone_channel is not None:
        pbx.destroy(leg.phone_channel, cause)
    release(pbx, leg.phone)


def release(pbx: Pbx, phone: Phone) -> None:
    phone.channel, phone.ringing, phone.answer = None, False, None
    pbx.phone_changed(phone)
