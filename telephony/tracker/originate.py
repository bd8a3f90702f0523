"""Originate results: OriginateResponse, with DialEnd and the Hangup cause to tell failures apart.

Asterisk gives ``Reason`` 4 for answered and 3 for "rang until the Originate Timeout", but 0 for
both 486 Busy and 480 Unavailable; the first leg's ``DialEnd DialStatus`` (BUSY / NOANSWER) or
its hang-up cause (17 / 19) says which. The response and the DialEnd come in either order, so a
Reason 0 waits for the leg's outcome. On failure ``Channel`` is the dial string
(``PJSIP/13700137000@carrier``) and ``Uniqueid`` is ``<unknown>``: the leg is found by the dial
string its ``DialBegin`` (the one with no ``Channel``) carried.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from telephony.events import DomainEvent, OriginateResult
from telephony.tracker.calls import CallBook
from telephony.tracker.state import dial_failure, to_int

_BY_REASON = {"4": ("answered", None), "3": ("no_answer", "rang until the originate timeout"),
              "5": ("busy", "busy"), "8": ("failed", "congestion"), "1": ("failed", "hung up")}


@dataclass(slots=True)
class OriginateLeg:
    dest: str
    dial_string: str
    linkedid: str | None
    status: str | None = None
    cause: int | None = None
    waiting: Mapping[str, str] | None = None  # an OriginateResponse waiting for the outcome


class Originates(CallBook):
    def _init_originates(self) -> None:
        self.orig_legs: dict[str, OriginateLeg] = {}  # leg channel name -> leg
        self.orig_by_dial: dict[str, OriginateLeg] = {}  # "PJSIP/1370...@carrier" -> leg

    def _originate_leg(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        dest = m.get("DestChannel") or ""
        tech = dest.split("/", 1)[0]
        leg = OriginateLeg(dest=dest, dial_string=m.get("DialString") or "",
                           linkedid=m.get("DestLinkedid") or None)
        self.orig_legs[dest] = leg
        self.orig_by_dial[f"{tech}/{leg.dial_string}"] = leg
        if len(self.orig_legs) > 1000:  # never answered: do not grow without bound
            oldest = next(iter(self.orig_legs))
            self._drop_leg(self.orig_legs[oldest])

    def _drop_leg(self, leg: OriginateLeg) -> None:
        self.orig_legs.pop(leg.dest, None)
        tech = leg.dest.split("/", 1)[0]
        if self.orig_by_dial.get(f"{tech}/{leg.dial_string}") is leg:
            del self.orig_by_dial[f"{tech}/{leg.dial_string}"]

    def _originate_dial_end(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        leg = self.orig_legs.get(m.get("DestChannel") or "")
        if leg is not None:
            leg.status = m.get("DialStatus") or leg.status
            self._settle_leg(leg, t, out)

    def _on_originate_hangup(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        leg = self.orig_legs.get(m.get("Channel") or "")
        if leg is None:
            return
        leg.cause = to_int(m.get("Cause")) or leg.cause
        final = m.get("Event") == "Hangup"
        self._settle_leg(leg, t, out, final=final)
        if final:
            self._drop_leg(leg)

    def _settle_leg(self, leg: OriginateLeg, t: float, out: list[DomainEvent], final: bool = False) -> None:
        if leg.waiting is None:
            return
        outcome = self._failure_kind(leg)
        if outcome is None and not final:
            return
        response, leg.waiting = leg.waiting, None
        self._emit_originate(response, t, outcome or ("failed", "no outcome from the PBX"), leg, out)

    @staticmethod
    def _failure_kind(leg: OriginateLeg) -> tuple[str, str] | None:
        return dial_failure(leg.status, leg.cause)

    def _on_originate_response(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        reason = m.get("Reason", "")
        channel = m.get("Channel") or ""
        leg = self.orig_legs.get(channel) or self.orig_by_dial.get(channel)
        if m.get("Response") == "Success" or reason in _BY_REASON:
            outcome = _BY_REASON.get(reason, ("answered", None)) if m.get("Response") == "Success" \
                else _BY_REASON[reason]
            self._emit_originate(m, t, outcome, leg, out)
            return
        kind = self._failure_kind(leg) if leg is not None else ("failed", f"reason {reason or '?'}")
        if kind is None:
            leg.waiting = m  # the DialEnd or the Hangup will tell
            return
        self._emit_originate(m, t, kind, leg, out)

    def _emit_originate(self, m: Mapping[str, str], t: float, outcome: tuple[str, str | None],
                        leg: OriginateLeg | None, out: list[DomainEvent]) -> None:
        uid = m.get("Uniqueid") or ""
        chan = self.channels.get(uid)
        call = chan.linkedid if chan else (uid if uid and uid != "<unknown>" else None)
        if call is None and leg is not None:
            leg_chan = self._chan_by_name(leg.dest)
            call = leg_chan.linkedid if leg_chan else leg.linkedid
        out.append(OriginateResult(t=t, call=call, action_id=m.get("ActionID", ""),
                                   number=self._originate_number(m, leg),
                                   outcome=outcome[0], reason=outcome[1]))

    @staticmethod
    def _originate_number(m: Mapping[str, str], leg: OriginateLeg | None) -> str:
        exten = m.get("Exten") or ""
        if len(exten) >= 3 and exten.lstrip("+").isdigit():
            return exten
        dial = leg.dial_string if leg is not None else (m.get("Channel") or "").split("/", 1)[-1]
        return dial.split("@", 1)[0].split("/", 1)[0]
