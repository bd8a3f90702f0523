"""AMI events with the names, fields and field order of a real Asterisk 22 (see the captures).

Each builder returns the event as an ordered list of (key, value) pairs, ``Event`` and
``Privilege`` first; ``wire.encode`` turns it into bytes.
"""

from __future__ import annotations

from telephony.simulator.model import STATE_DESC, Channel, Member, Phone

Fields = list[tuple[str, str]]
CAUSE_TEXT = {
    0: "Unknown", 16: "Normal Clearing", 17: "User busy", 19: "No user responding",
    21: "Call Rejected", 26: "Answered elsewhere", 34: "Circuit/channel congestion",
}


def header(event: str, privilege: str) -> Fields:
    return [("Event", event), ("Privilege", f"{privilege},all")]


def channel_fields(ch: Channel, prefix: str = "") -> Fields:
    return [
        (f"{prefix}Channel", ch.name),
        (f"{prefix}ChannelState", str(ch.state)),
        (f"{prefix}ChannelStateDesc", STATE_DESC.get(ch.state, "Unknown")),
        (f"{prefix}CallerIDNum", ch.caller_num),
        (f"{prefix}CallerIDName", ch.caller_name),
        (f"{prefix}ConnectedLineNum", ch.connected_num),
        (f"{prefix}ConnectedLineName", ch.connected_name),
        (f"{prefix}Language", "en"),
        (f"{prefix}AccountCode", ""),
        (f"{prefix}Context", ch.context),
        (f"{prefix}Exten", ch.exten),
        (f"{prefix}Priority", str(ch.priority)),
        (f"{prefix}Uniqueid", ch.uniqueid),
        (f"{prefix}Linkedid", ch.linkedid),
    ]


def on_channel(event: str, ch: Channel, privilege: str = "call", **extra: str) -> Fields:
    """Any event about one channel: Newchannel, Newstate, HangupRequest, Hold, QueueCallerJoin…"""
    return header(event, privilege) + channel_fields(ch) + [(k.replace("_", "-"), v) for k, v in extra.items()]


def on_pair(event: str, caller: Channel | None, dest: Channel, privilege: str = "call", **extra: str) -> Fields:
    """Events about a caller and a dialled leg (Dial*, Agent*). No caller: an Originate's first leg."""
    fields = header(event, privilege)
    if caller is not None:
        fields += channel_fields(caller)
    return fields + channel_fields(dest, "Dest") + list(extra.items())


def varset(ch: Channel, variable: str, value: str) -> Fields:
    return on_channel("VarSet", ch, "dialplan", Variable=variable, Value=value)


def hangup(ch: Channel, cause: int) -> Fields:
    return on_channel("Hangup", ch, Cause=str(cause), Cause_txt=CAUSE_TEXT.get(cause, "Unknown"))


def member_fields(m: Member, phone: Phone | None, in_call: bool) -> Fields:
    return [
        ("Queue", m.queue), ("MemberName", m.name), ("Interface", m.interface),
        ("StateInterface", m.state_interface), ("Membership", "dynamic"), ("Penalty", str(m.penalty)),
        ("CallsTaken", str(m.calls_taken)), ("LastCall", str(m.last_call)),
        ("LastPause", str(m.last_pause)), ("LoginTime", str(m.login_time)),
        ("InCall", "1" if in_call else "0"), ("Status", str(device_status(phone))),
        ("Paused", "1" if m.paused else "0"), ("PausedReason", m.paused_reason),
        ("Ringinuse", "0"), ("Wrapuptime", "0"),
    ]


def member_event(event: str, m: Member, phone: Phone | None, in_call: bool = False) -> Fields:
    """QueueMemberStatus / Pause / Added / Removed / Penalty: the same fields, as in the captures."""
    return header(event, "agent") + member_fields(m, phone, in_call)


def device_status(phone: Phone | None) -> int:
    """app_queue's device status: 1 not in use, 2 in use, 6 ringing (4 invalid: no such phone)."""
    if phone is None:
        return 4
    if phone.ringing:
        return 6
    return 2 if phone.busy else 1


def queue_member_snapshot(m: Member, phone: Phone | None, action_id: str | None) -> Fields:
    """The QueueStatus answer calls the interface ``Location`` and the name ``Name``."""
    fields = [
        ("Event", "QueueMember"), ("Queue", m.queue), ("Name", m.name), ("Location", m.interface),
        ("StateInterface", m.state_interface), ("Membership", "dynamic"), ("Penalty", str(m.penalty)),
        ("CallsTaken", str(m.calls_taken)), ("LastCall", str(m.last_call)),
        ("LastPause", str(m.last_pause)), ("LoginTime", str(m.login_time)),
        ("InCall", "1" if phone is not None and phone.busy and not phone.ringing else "0"),
        ("Status", str(device_status(phone))), ("Paused", "1" if m.paused else "0"),
        ("PausedReason", m.paused_reason), ("Wrapuptime", "0"),
    ]
    return with_action_id(fields, action_id)


def with_action_id(fields: Fields, action_id: str | None) -> Fields:
    return fields + [("ActionID", action_id)] if action_id is not None else fields


def bridge_fields(bridge_id: str, count: int, prefix: str = "Bridge") -> Fields:
    return [
        (f"{prefix}Uniqueid", bridge_id), (f"{prefix}Type", "basic"),
        (f"{prefix}Technology", "simple_bridge"), (f"{prefix}Creator", "<unknown>"),
        (f"{prefix}Name", "<unknown>"), (f"{prefix}NumChannels", str(count)),
        (f"{prefix}VideoSourceMode", "none"),
    ]


def bridge_event(event: str, bridge_id: str, count: int, ch: Channel) -> Fields:
    """BridgeEnter / BridgeLeave: the bridge (with its channel count after the move), then the channel."""
    return header(event, "call") + bridge_fields(bridge_id, count) + channel_fields(ch)
