"""Calls a stopped server placed: after a restart their results are adopted, not lost.

Leads left ``dialing`` at start-up whose result was not recorded are orphans. Their calls may
still be up on the PBX; they are recognised from what the events carry: our own ActionID
(``dialer-<campaign>-<lead>-<attempt>-<n>``) on a late ``originate_result``, the lead's channel
variable on a ``ringing``, or the lead's number on an ``ended`` (a call already at an agent).
An orphan no event claims within ``orphan_grace_s`` goes back to pending with the attempt counted;
its call can still end later and count (the lead is not redialled before the failed-call delay).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from typing import Any

from console.crm.phones import normalize
from console.server import dialer_records as rec
from console.server import keys
from console.server.dialer_flight import Flight
from telephony.events import DomainEvent, Ended, Ringing

LEAD_VAR = "CALLDESK_LEAD"


def lead_of_action(action_id: str) -> int | None:
    """The lead of one of our Originates (``dialer-<campaign>-<lead>-<attempt>-<n>``)."""
    parts = action_id.split("-")
    return int(parts[2]) if len(parts) == 5 and parts[0] == "dialer" and parts[2].isdigit() else None



class AdoptionMixin:
    """Part of DialerService (its state: _orphans, _late, _flights, _by_call, _campaigns)."""

    def _adopt(self, lead_id: int | None) -> Flight | None:
        entry = None
        if lead_id is not None:
            entry = self._orphans.pop(lead_id, None) or self._late.pop(lead_id, None)
        if entry is None:
            return None
        lead = entry[0]
        flight = Flight(f"adopted-{lead.id}", next(iter(self.app[keys.BRIDGES]), ""), lead.campaign_id, lead.id,
                        lead.number, lead.customer_id, lead.attempts, lead.followup_id, self._clock(), at_agent=True)
        self._flights[flight.action_id] = flight
        return flight

    def _adopt_call(self, event: DomainEvent) -> Flight | None:
        """A call of a lead left dialing: known by its channel variable (ringing) or number (ended)."""
        lead_id = None
        if isinstance(event, Ringing) and event.vars.get(LEAD_VAR, "").isdigit():
            lead_id = int(event.vars[LEAD_VAR])
        elif isinstance(event, Ended) and event.caller:
            number = normalize(event.caller).e164
            waiting = itertools.chain(self._orphans.items(), self._late.items())
            lead_id = next((i for i, (lead, _) in waiting if lead.number == number), None)
        flight = self._adopt(lead_id)
        if flight is not None:
            flight.call = event.call
            self._by_call[event.call] = flight
        return flight

    async def _release_orphans(self, now: dt.datetime) -> None:
        """Orphans that no event claimed within the grace period: returned to pending."""
        if not self._orphans:
            return
        expired = asyncio.get_running_loop().time() - self.orphan_grace_s
        for lead_id, (lead, found) in list(self._orphans.items()):
            if found <= expired:
                del self._orphans[lead_id]
                self._late[lead_id] = (lead, found)  # its call may still end: then it counts
                campaign = self._campaigns.get(lead.campaign_id)
                delay = campaign.retry_failed_min if campaign is not None else 30
                await asyncio.to_thread(self._release, lead, now, delay)

    def _release(self, lead: Any, now: dt.datetime, delay: int) -> None:
        with self._engine.begin() as conn:
            rec.release(conn, lead.id, lead.attempts, now, delay)
