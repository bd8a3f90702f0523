"""The call tracker: AMI message dicts in, domain events out. Pure: no I/O, no clock reads.

``feed`` looks at the ``Event`` name first and drops what it does not need before touching
anything else (about 60 % of a real PBX's traffic is VarSet, most of it Asterisk's own
bookkeeping). Unknown, malformed or out-of-order events never raise: a handler that trips is
logged at debug level and the message is skipped, keeping what was already tracked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Literal

from telephony.events import AgentState, DomainEvent
from telephony.tracker.agents import Agents
from telephony.tracker.dials import Dials
from telephony.tracker.hangups import Hangups
from telephony.tracker.originate import Originates
from telephony.tracker.outbound import Outbound
from telephony.tracker.queue_calls import QueueCalls
from telephony.tracker.resync import Resync
from telephony.tracker.state import ActiveCall
from telephony.tracker.transfers import Transfers

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, str], float, list[DomainEvent]], None]

# Event name -> method names, in the order they run.
_ROUTES: dict[str, tuple[str, ...]] = {
    "VarSet": ("_on_var_set",),
    "Newexten": ("_on_newexten",),
    "Newchannel": ("_on_newchannel",),
    "Newstate": ("_on_newstate",),
    "DialState": ("_on_dial_state",),
    "DialBegin": ("_on_dial_begin", "_on_outbound_dial"),
    "DialEnd": ("_on_dial_end", "_on_originate_dial_end"),
    "BridgeEnter": ("_on_bridge_enter",),
    "BridgeLeave": ("_on_bridge_leave",),
    "HangupRequest": ("_on_hangup_request", "_on_originate_hangup"),
    "SoftHangupRequest": ("_on_soft_hangup_request",),
    "Hangup": ("_on_originate_hangup", "_on_hangup"),
    "QueueCallerJoin": ("_on_queue_caller_join",),
    "QueueCallerLeave": ("_on_queue_caller_leave",),
    "QueueCallerAbandon": ("_on_queue_caller_abandon",),
    "AgentCalled": ("_on_agent_called",),
    "AgentConnect": ("_on_agent_connect",),
    "AgentComplete": ("_on_agent_complete", "_on_agent_complete_state"),
    "AgentRingNoAnswer": ("_on_agent_ring_no_answer",),
    "AgentDump": ("_on_agent_dump",),
    "UserEvent": ("_on_user_event",),
    "BlindTransfer": ("_on_blind_transfer",),
    "AttendedTransfer": ("_on_attended_transfer",),
    "OriginateResponse": ("_on_originate_response",),
    "QueueMemberAdded": ("_on_member_change",),
    "QueueMemberPause": ("_on_member_change",),
    "QueueMemberPaused": ("_on_member_change",),  # Asterisk 12's name for it
    "QueueMemberStatus": ("_on_member_change",),
    "QueueMemberRemoved": ("_on_member_removed",),
    "QueueMember": ("_on_member_snapshot",),
    "QueueEntry": ("_on_queue_entry",),
    "CoreShowChannel": ("_on_core_show_channel",),
    "CoreShowChannelsComplete": ("_on_snapshot_complete",),
    "Status": ("_on_core_show_channel",),
    "FullyBooted": ("_on_fully_booted",),
    "Shutdown": ("_on_shutdown",),
}
_NOTHING: list[DomainEvent] = []
# Every event name the tracker reads: anything else may be dropped before parsing. (List
# replies and responses are not needed by the tracker; the bridge keeps them for itself.)
EVENTS_USED = frozenset(_ROUTES)


class Tracker(QueueCalls, Dials, Outbound, Hangups, Transfers, Agents, Originates, Resync):
    """Feed it every AMI event (and response) in order; it returns the domain events they cause.

    ``agent_map`` maps member interfaces or devices (``PJSIP/1001``) to agent ids, overriding the
    extension digits. ``wrapup_s`` is the wrap-up time of the ``wrap_up`` state, per queue where
    ``queue_wrapup_s`` names one (as app_queue applies each queue's ``wrapuptime`` to its members).
    A member paused with the reason ``acw_reason`` (calldesk's after-call hold) is in ``wrap_up``.
    """

    def __init__(self, agent_map: Mapping[str, str] | None = None, wrapup_s: float = 0.0,
                 queue_wrapup_s: Mapping[str, float] | None = None, acw_reason: str | None = None) -> None:
        super().__init__(agent_map)
        self.wrapup_s = wrapup_s
        self.acw_reason = acw_reason
        self.queue_wrapup_s = dict(queue_wrapup_s or {})
        self.skipped = 0  # messages a handler tripped over (logged at debug): 0 on real traffic
        self._init_agents()
        self._init_originates()
        self._init_resync()
        self._routes: dict[str, tuple[Handler, ...]] = {
            name: tuple(getattr(self, method) for method in methods)
            for name, methods in _ROUTES.items()
        }

    def feed(self, msg: Mapping[str, str], t: float) -> list[DomainEvent]:
        """One parsed AMI message (repeated headers joined with "\\n"); ``t`` in seconds."""
        try:
            handlers = self._routes.get(msg.get("Event") or "")
        except (AttributeError, TypeError):
            return _NOTHING
        if handlers is None and not self._resyncing and self._wrap_due is None:
            return _NOTHING
        out: list[DomainEvent] = []
        try:
            self._now = t = float(t)
            self._fed += 1
            if self._resyncing:
                self._confirm(msg)
            if self._wrap_due is not None and t >= self._wrap_due:
                self._release_wraps(t, out)
            for handler in handlers or ():
                handler(msg, t, out)
        except Exception:  # a malformed or surprising message must not stop the bridge
            self.skipped += 1
            log.debug("tracker skipped %r", dict(msg) if isinstance(msg, Mapping) else msg, exc_info=True)
        return out

    def tick(self, t: float) -> list[DomainEvent]:
        """Time has passed without AMI traffic (a real PBX is silent between calls): what is due
        by ``t`` happens now — an agent's wrap-up ends. The bridge calls it at :meth:`next_due`,
        on the PBX's clock; events of ``feed`` do the same as a side effect."""
        out: list[DomainEvent] = []
        if self._wrap_due is not None and t >= self._wrap_due:
            try:
                self._release_wraps(t, out)
            except Exception:  # as in feed: never stop the bridge
                self.skipped += 1
                log.debug("tracker tick at %s failed", t, exc_info=True)
        return out

    def next_due(self) -> float | None:
        """When :meth:`tick` next has something to do (PBX time), or None."""
        return self._wrap_due

    # -- read-only views -------------------------------------------------------------------
    def active_calls(self) -> list[ActiveCall]:
        """The calls in progress: one row per open segment (a queue pass or a direct call)."""
        rows: list[ActiveCall] = []
        for call in self.calls.values():
            for seg in call.open_segments():
                if seg.consult:
                    continue
                state: Literal["waiting", "ringing", "talking"]
                if seg.answered_t is not None:
                    state = "talking"
                elif seg.live_rings():
                    state = "ringing"
                else:
                    state = "waiting"
                rows.append({
                    "call": seg.call, "queue": seg.queue, "caller": seg.caller,
                    "caller_name": seg.caller_name, "caller_channel": seg.caller_channel,
                    "state": state, "since": seg.start_t, "answered_t": seg.answered_t,
                    "agent": seg.agent, "agent_channel": seg.agent_channel,
                    "ringing_agents": [r.agent for r in seg.live_rings() if r.agent],
                    "vars": dict(seg.vars), "unconfirmed": call.unconfirmed, "direction": seg.direction,
                })
        return rows

    def agent_states(self) -> dict[str, dict[str, AgentState]]:
        """agent -> queue -> its latest ``agent_state`` event."""
        view: dict[str, dict[str, AgentState]] = {}
        for (agent, queue), event in self.last_state.items():
            view.setdefault(agent, {})[queue] = event
        return view
