"""Snapshot actions: QueueStatus, QueueSummary, CoreShowChannels, Status (captures 01, 08, 10)."""

from __future__ import annotations

from telephony.simulator import events as ev
from telephony.simulator.model import Channel, Queue
from telephony.simulator.pbx import Pbx
from telephony.simulator.replies import Reply, error, listing

Message = dict[str, str]


def _queues(pbx: Pbx, msg: Message) -> list[Queue]:
    wanted = msg.get("Queue")
    return [q for q in reversed(list(pbx.queues.values())) if not wanted or q.name == wanted]


def queue_status(pbx: Pbx, msg: Message) -> Reply:
    action_id, member_filter, now = msg.get("ActionID"), msg.get("Member"), pbx.clock.now
    items: list[ev.Fields] = []
    for q in _queues(pbx, msg):
        done = max(q.completed, 1)
        items.append(ev.with_action_id([
            ("Event", "QueueParams"), ("Queue", q.name), ("Max", "0"), ("Strategy", q.config.strategy),
            ("Calls", str(len(q.entries))), ("Holdtime", str(int(q.holdtime_total / done))),
            ("TalkTime", str(int(q.talktime_total / done))), ("Completed", str(q.completed)),
            ("Abandoned", str(q.abandoned)), ("ServiceLevel", str(q.config.servicelevel)),
            ("ServicelevelPerf", "0.0"), ("ServicelevelPerf2", "0.0"), ("Weight", str(q.config.weight)),
        ], action_id))
        for m in q.members.values():
            if not member_filter or m.interface == member_filter:
                items.append(ev.queue_member_snapshot(m, pbx.phone_of(m), action_id))
        for position, call in enumerate(q.entries, start=1):
            c = call.caller
            items.append(ev.with_action_id([
                ("Event", "QueueEntry"), ("Queue", q.name), ("Position", str(position)), ("Channel", c.name),
                ("Uniqueid", c.uniqueid), ("CallerIDNum", c.caller_num), ("CallerIDName", c.caller_name),
                ("ConnectedLineNum", c.connected_num), ("ConnectedLineName", c.connected_name),
                ("Wait", str(int(now - call.joined_at))), ("Priority", "0"),
            ], action_id))
    return listing("Queue status will follow", "QueueStatusComplete", items, action_id)


def queue_summary(pbx: Pbx, msg: Message) -> Reply:
    action_id, now = msg.get("ActionID"), pbx.clock.now
    items = []
    for q in _queues(pbx, msg):
        phones = [(m, pbx.phone_of(m)) for m in q.members.values()]
        available = sum(1 for m, p in phones if not m.paused and p is not None and not p.busy)
        longest = max((now - c.joined_at for c in q.entries), default=0.0)
        done = max(q.completed, 1)
        items.append(ev.with_action_id([
            ("Event", "QueueSummary"), ("Queue", q.name), ("LoggedIn", str(len(phones))),
            ("Available", str(available)), ("Callers", str(len(q.entries))),
            ("HoldTime", str(int(q.holdtime_total / done))), ("TalkTime", str(int(q.talktime_total / done))),
            ("LongestHoldTime", str(int(longest))),
        ], action_id))
    return listing("Queue summary will follow", "QueueSummaryComplete", items, action_id)


def _duration(pbx: Pbx, ch: Channel) -> str:
    s = int(pbx.clock.now - ch.created)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def core_show_channels(pbx: Pbx, msg: Message) -> Reply:
    action_id = msg.get("ActionID")
    items = [
        ev.with_action_id([("Event", "CoreShowChannel")], action_id) + ev.channel_fields(ch) + [
            ("Application", ch.application or "AppDial"), ("ApplicationData", ch.app_data),
            ("Duration", _duration(pbx, ch)), ("BridgeId", ch.bridge),
        ]
        for ch in pbx.channels.values()
    ]
    return listing("Channels will follow", "CoreShowChannelsComplete", items, action_id)


def status(pbx: Pbx, msg: Message) -> Reply:
    action_id, wanted = msg.get("ActionID"), msg.get("Channel")
    if wanted and wanted not in pbx.channels:
        return error("No such channel")
    items = [
        [("Event", "Status"), ("Privilege", "Call")] + ev.channel_fields(ch) + [
            ("Type", ch.name.split("/")[0]), ("DNID", ""), ("EffectiveConnectedLineNum", ch.connected_num),
            ("EffectiveConnectedLineName", ch.connected_name), ("TimeToHangup", "0"),
            ("BridgeID", ch.bridge), ("Application", ch.application), ("Data", ch.app_data),
            ("Nativeformats", "(ulaw)"), ("Readformat", "ulaw"), ("Readtrans", ""), ("Writeformat", "ulaw"),
            ("Writetrans", ""), ("Callgroup", "0"), ("Pickupgroup", "0"),
            ("Seconds", str(int(pbx.clock.now - ch.created))),
        ] + ([("ActionID", action_id)] if action_id else [])
        for ch in pbx.channels.values() if not wanted or ch.name == wanted
    ]
    return listing("Channel status will follow", "StatusComplete", items, action_id, Items=str(len(items)))
