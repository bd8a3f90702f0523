"""Which AMI events are worth parsing: decided on the raw frame, before any parsing.

About 60 % of a real Asterisk's events are ``VarSet`` (mostly its own bookkeeping), and
``Newexten``, ``RTCPSent`` and ``DeviceStateChange`` make up much of the rest. The reader
(telephony.framing) reads the ``Event:`` name, asks the filter, and parses only what passes.
:func:`filter_for` builds the filter from what a tracker handles, so nothing it reads is lost
(tests/telephony/test_bridge_actions.py checks that on every capture).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

HeaderRule = tuple[str, Callable[[str], bool]]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events are worth parsing at all, decided on the raw frame before parsing it.

    ``ignore``: names dropped after reading the name alone. ``only``: when set, every other
    name is dropped too. ``by_header``: for an event name, a header and a test of its value
    (read straight from the frame): e.g. keep ``VarSet`` only for variables that matter, since
    about 60% of a real Asterisk's events are ``VarSet``. A frame without that header is kept.
    """

    ignore: frozenset[str] = frozenset()
    only: frozenset[str] | None = None
    by_header: Mapping[str, HeaderRule] = field(default_factory=dict)

    def wants(self, name: str, frame: str) -> bool:
        if name in self.ignore or (self.only is not None and name not in self.only):
            return False
        rule = self.by_header.get(name)
        if rule is None:
            return True
        header, test = rule
        start = frame.find(f"\r\n{header}:")
        if start < 0:
            return True
        start += len(header) + 3
        end = frame.find("\r\n", start)
        return test(frame[start : end if end >= 0 else None].strip())


ACCEPT_ALL = EventFilter()

# Events no call tracking needs: dropped after reading their name. Together with the noisy
# VarSets and Newextens below they are most of a real Asterisk's stream.
NOISE_EVENTS = frozenset({
    "RTCPSent", "RTCPReceived", "DeviceStateChange", "Registry", "PeerStatus", "ContactStatus",
    "SuccessfulAuth", "ChallengeSent", "Cdr", "Cel", "ChannelTalkingStart", "ChannelTalkingStop",
    "DTMFBegin",
})
# Variables Asterisk sets by itself (queue, dial, RTP, SIP bookkeeping): not the dialplan's
# data about the caller. QUEUESTATUS is the exception: it tells why a caller left a queue.
NOISE_VAR_PREFIXES = (
    "QUEUE", "QE", "MEMBER", "DIAL", "ANSWEREDTIME", "RTPAUDIOQOS", "BRIDGE", "MIXMONITOR",
    "SIPDOMAIN", "SIPCALLID", "READSTATUS", "CDR", "PJSIP", "HANGUPCAUSE", "MACRO", "GOSUB",
    "ARG", "AGI", "SHARED", "MOH", "AUDIOHOOK", "RINGTIME", "PLAYBACK",
)


def _var_wanted(name: str) -> bool:
    name = name.lstrip("_")
    return name in ("QUEUESTATUS", "MIXMONITOR_FILENAME") or not name.startswith(NOISE_VAR_PREFIXES)


DEFAULT_FILTER = EventFilter(
    ignore=NOISE_EVENTS,
    by_header={"VarSet": ("Variable", _var_wanted), "Newexten": ("Application", lambda app: app == "Queue")},
)


def filter_for(tracker: object) -> EventFilter:
    """Parse only what the tracker reads: its own ``event_filter`` if it has one; for our
    Tracker the names in ``telephony.tracker.EVENTS_USED`` (minus noisy VarSets and Newextens);
    for anything else the known noise is dropped and the rest kept."""
    from telephony.tracker import EVENTS_USED, Tracker

    explicit = getattr(tracker, "event_filter", None)
    if isinstance(explicit, EventFilter):
        return explicit
    handled = getattr(tracker, "handled_events", None) or (EVENTS_USED if isinstance(tracker, Tracker) else None)
    if not handled:
        return DEFAULT_FILTER
    return EventFilter(ignore=NOISE_EVENTS, only=frozenset(handled), by_header=DEFAULT_FILTER.by_header)
