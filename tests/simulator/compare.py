"""Comparing two recorded sessions of one flow (the real Asterisk's and the simulator's): the
tracker's domain events call by call, and the calls' per-channel skeletons."""

from __future__ import annotations

from pathlib import Path

from telephony.framing import Message
from telephony.replay import replay
from tests.simulator.conformance import reduce

# The events whose order and content say what happened to a call (not how Asterisk got there).
SKELETON = ("AgentConnect", "AgentComplete", "AttendedTransfer", "BridgeEnter", "BridgeLeave", "DialEnd", "Hangup",
            "HangupRequest",
            "OriginateResponse", "QueueCallerAbandon", "QueueCallerJoin", "QueueCallerLeave", "Shutdown",
            "SoftHangupRequest")
_SKELETON_FIELDS = ("Cause", "DialStatus", "Reason", "Queue", "Response")


def domain(path: Path) -> dict[str, list[tuple]]:
    """What the tracker makes of a recorded session (``telephony.replay``, as ``calldesk replay``),
    call by call (named by their caller and turn: ``13800138000#2``) and agent by agent (their
    states per queue). Events of one call or agent keep their order; across calls the order is
    Asterisk's threads racing (two calls ended by one restart)."""
    events = list(replay(path, wrapup_s=3.0))
    names: dict[str, str] = {}
    turns: dict[str, int] = {}
    out: dict[str, list[tuple]] = {}
    for event, reduced in zip(events, reduce(events), strict=True):
        data = event.to_json()
        if data["event"] == "queue_stats":
            continue
        if data["event"] == "agent_state":
            key = f"agent {data['agent']} {data.get('queue') or ''}"
        else:
            call = data.get("call") or data.get("action_id") or ""
            if call not in names:
                who = data.get("caller") or data.get("number") or data["event"]
                turns[who] = turns.get(who, 0) + 1
                names[call] = f"{who}#{turns[who]}"
            key = names[call]
        out.setdefault(key, []).append(reduced)
    return out


def skeleton(messages: list[tuple[float, Message]]) -> dict[str, list[tuple]]:
    """The run's SKELETON events, channel by channel (named by role: ``PJSIP/1001#2`` is the second
    1001 channel seen), so that two runs with different ids compare. Events of one channel keep
    their order; across channels Asterisk's threads race (the orders that matter are variants)."""
    roles: dict[str, str] = {}
    counts: dict[str, int] = {}

    def role(name: str, new: bool = False) -> str:
        if "/" not in name:
            return name
        if new or name not in roles:  # names come back after a restart: a new channel, a new role
            # PJSIP/1001-0000000a -> PJSIP/1001, Local/1002@ctx-00000000;1 -> Local/1002@ctx;1; a dial string stays
            kind = name.rsplit("-", 1)[0] + (name[name.rindex(";"):] if ";" in name else "")
            counts[kind] = counts.get(kind, 0) + 1
            roles[name] = f"{kind}#{counts[kind]}"
        return roles[name]

    out: dict[str, list[tuple]] = {}
    for _, m in messages:
        event = m.get("Event")
        if event == "Newchannel":
            role(m["Channel"], new=True)
        elif event in SKELETON:
            key = role(m.get("Channel", "")) or event
            out.setdefault(key, []).append((event, role(m.get("DestChannel", "")))
                                           + tuple(m[k] for k in _SKELETON_FIELDS if m.get(k)))
    return out


# CoreShowChannel fields that name a channel, a call or a bridge of one run: compared by order of
# appearance (the first caller seen is #1 in both runs, the agent's Linkedid is the caller's
# Uniqueid), not as spelt (a PBX that took calls before numbers its channels on from there).
NAMED = ("Channel", "Uniqueid", "Linkedid", "BridgeId")
# Fields that say when (an ActionID is the client's own numbering): compared for presence only.
TIMED = ("ActionID", "Duration", "Timestamp")


def snapshots(*taken: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """CoreShowChannels replies of one run (each a list of CoreShowChannel, in order) with their
    names and ids replaced by order of appearance across the run (``PJSIP/carrier#1``,
    ``Uniqueid#2``) and their times by presence, so that two runs compare field by field."""
    tokens: dict[tuple[str, str], str] = {}
    counts: dict[str, int] = {}

    def token(field: str, value: str) -> str:
        if not value:
            return value
        # PJSIP/carrier-0000000a -> PJSIP/carrier, Local/1002@ctx-00000000;1 -> Local/1002@ctx;1
        kind = (value.rsplit("-", 1)[0] + (value[value.rindex(";"):] if ";" in value else "")
                if field == "Channel" else "id" if field in ("Uniqueid", "Linkedid") else field)
        if (kind, value) not in tokens:
            counts[kind] = counts.get(kind, 0) + 1
            tokens[(kind, value)] = f"{kind}#{counts[kind]}"
        return tokens[(kind, value)]

    return [[{k: token(k, v) if k in NAMED else ("…" if k in TIMED and v else v) for k, v in item.items()}
             for item in items] for items in taken]
