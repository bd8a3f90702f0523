"""What Asterisk would answer to QueueStatus / CoreShowChannels at a point of a recording.

The replay server uses it when a test cuts a connection mid-call: the client reconnects, asks
for its resync snapshot, and must be told about the calls that are still up, exactly as a
real Asterisk would list them. Channels come from the channel fields every channel event
carries (and the ``Dest``-prefixed ones); they leave on ``Hangup``. Queue members start from
the recorded initial ``QueueStatus`` (if any) and follow the ``QueueMember*`` events; callers
waiting are the ``QueueCallerJoin``s not yet followed by a ``QueueCallerLeave``.
"""

from __future__ import annotations

from collections.abc import Iterable

from telephony.framing import Message
from telephony.transcripts import Frame, parse_frame_headers

_CHANNEL_FIELDS = ("Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
                   "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode", "Context",
                   "Exten", "Priority", "Uniqueid", "Linkedid")
# QueueMember* change events name two fields differently from the QueueStatus snapshot.
_MEMBER_RENAMES = {"Interface": "Location", "MemberName": "Name"}
_MEMBER_FIELDS = ("Queue", "Name", "Location", "StateInterface", "Membership", "Penalty", "CallsTaken",
                  "LastCall", "LastPause", "LoginTime", "InCall", "Status", "Paused", "PausedReason",
                  "Wrapuptime")


def _channel_block(m: Message, prefix: str) -> Message | None:
    if not m.get(prefix + "Uniqueid") or not m.get(prefix + "Channel") or prefix + "ChannelState" not in m:
        return None
    return {f: m.get(prefix + f, "") for f in _CHANNEL_FIELDS}


def _duration(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def snapshot_at(frames: Iterable[Frame], initial_members: Iterable[Message] = ()) -> dict[str, list[Message]]:
    """The QueueStatus and CoreShowChannels lists after ``frames`` (recv frames, in order)."""
    channels: dict[str, Message] = {}
    born: dict[str, float] = {}
    members: dict[tuple[str, str], Message] = {}
    params: dict[str, Message] = {}
    waiting: dict[tuple[str, str], Message] = {}
    now = 0.0
    for m in initial_members:
        if m.get("Event") == "QueueMember":
            members[(m.get("Queue", ""), m.get("Location", ""))] = {f: m.get(f, "") for f in _MEMBER_FIELDS}
        elif m.get("Event") == "QueueParams":
            params[m.get("Queue", "")] = {k: v for k, v in m.items() if k not in ("Event", "ActionID")}
    for frame in frames:
        if frame.dir != "recv" or not frame.raw.startswith(b"Event: "):
            continue
        m, now = parse_frame_headers(frame.raw), frame.t
        event = m["Event"]
        for prefix in ("", "Dest"):
            block = _channel_block(m, prefix)
            if block is not None:
                uid = block["Uniqueid"]
                old = channels.setdefault(uid, {})
                old.update(block)
                born.setdefault(uid, frame.t)
        uid = m.get("Uniqueid", "")
        if event == "Hangup":
            channels.pop(uid, None)
            for key in [k for k in waiting if k[1] == uid]:
                del waiting[key]
        elif event == "Newexten" and uid in channels:
            channels[uid].update(Application=m.get("Application", ""), ApplicationData=m.get("AppData", ""))
        elif event == "BridgeEnter" and uid in channels:
            channels[uid]["BridgeId"] = m.get("BridgeUniqueid", "")
        elif event == "BridgeLeave" and uid in channels:
            channels[uid]["BridgeId"] = ""
        elif event in ("QueueMemberAdded", "QueueMemberStatus", "QueueMemberPause", "QueueMemberPaused"):
            fields = {_MEMBER_RENAMES.get(k, k): v for k, v in m.items()}
            key = (fields.get("Queue", ""), fields.get("Location", ""))
            members[key] = {f: fields.get(f, members.get(key, {}).get(f, "")) for f in _MEMBER_FIELDS}
        elif event == "QueueMemberRemoved":
            members.pop((m.get("Queue", ""), m.get("Interface", "")), None)
        elif event == "QueueCallerJoin":
            waiting[(m.get("Queue", ""), uid)] = {**m, "_joined": str(frame.t)}
        elif event in ("QueueCallerLeave", "QueueCallerAbandon"):
            waiting.pop((m.get("Queue", ""), uid), None)
    queue_status: list[Message] = []
    for queue in sorted({q for q, _ in members} | set(params) | {q for q, _ in waiting}):
        queue_status.append({"Event": "QueueParams", "Queue": queue, **params.get(queue, {})})
        queue_status += [{"Event": "QueueMember", **mem} for (q, _), mem in members.items() if q == queue]
        entries = [w for (q, _), w in waiting.items() if q == queue]
        for position, w in enumerate(entries, start=1):
            queue_status.append({
                "Event": "QueueEntry", "Queue": queue, "Position": str(position), "Channel": w.get("Channel", ""),
                "Uniqueid": w.get("Uniqueid", ""), "CallerIDNum": w.get("CallerIDNum", ""),
                "CallerIDName": w.get("CallerIDName", ""), "ConnectedLineNum": w.get("ConnectedLineNum", ""),
                "ConnectedLineName": w.get("ConnectedLineName", ""),
                "Wait": str(int(now - float(w["_joined"]))), "Priority": "0",
            })
    show = [{"Event": "CoreShowChannel", **ch, "Duration": _duration(now - born[uid])}
            for uid, ch in channels.items()]
    return {"QueueStatus": queue_status, "CoreShowChannels": show}
