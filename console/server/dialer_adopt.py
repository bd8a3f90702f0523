"""Calls a stopped server placed: after a restart their results are adopted, not lost.

Leads left ``dialing`` at start-up whose result was not recorded are orphans. Their calls may
still be up on the PBX; they are recognised from what the events carry: our own ActionID
(``dialer-<campaign>-<lead>-<attempt>-<n>``) on a late ``originate_result``, the lead's channel
variable on a ``ringing``, or the lead's number on an ``ended`` (a call already at an agent).
An orphan no event claims within ``grace_s`` goes back to pending with the attempt counted;
its call can still end later and count (the lead is not redialled before the failed-call delay).
``Orphans`` keeps them and turns the ones an event claims into flights.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from console.crm.phones import normalize
from console.server import dialer_records as rec
from console.server.dialer_flight import Flight, Flights
from console.server.dialer_rows import CampaignRow, StuckLead
from telephony.events import DomainEvent, Ended, Ringing

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.server.clock import Clock

LEAD_VAR = "CALLDESK_LEAD"


def lead_of_action(action_id: str) -> int | None:
    """The lead of one of our Originates (``dialer-<campaign>-<lead>-<attempt>-<n>``)."""
    parts = action_id.split("-")
    return int(parts[2]) if len(parts) == 5 and parts[0] == "dialer" and parts[2].isdigit() else None


class Orphans:
    """Leads left dialing at start-up, until an event claims their call or the grace period ends.
    Adopted calls become flights of ``flights`` on the first PBX of ``pbx_names``."""

    def __init__(self, engine: Engine, clock: Clock, flights: Flights, pbx_names: Collection[str],
                 grace_s: float) -> None:
        self.grace_s = grace_s
        self._engine = engine
        self._clock = clock
        self._flights = flights
        self._pbx_names = pbx_names
        self._orphans: dict[int, tuple[StuckLead, float]] = {}  # lead id -> (lead row, loop time found)
        self._late: dict[int, tuple[StuckLead, float]] = {}  # released orphans, until their call ends

    def found(self, leads: Iterable[StuckLead]) -> None:
        """Start-up reconciliation left these leads dialing."""
        now = asyncio.get_running_loop().time()
        for lead in leads:
            self._orphans[lead.id] = (lead, now)

    def waiting(self) -> bool:
        """Some call placed before the restart may still be claimed."""
        return bool(self._orphans or self._late)

    def adopt(self, lead_id: int | None) -> Flight | None:
        """The lead's call, if the lead is an orphan (or a released one): now a flight at an agent."""
        entry = None
        if lead_id is not None:
            entry = self._orphans.pop(lead_id, None) or self._late.pop(lead_id, None)
        if entry is None:
            return None
        lead = entry[0]
        flight = Flight(f"adopted-{lead.id}", next(iter(self._pbx_names), ""), lead.campaign_id, lead.id,
                        lead.number, lead.customer_id, lead.attempts, lead.followup_id, self._clock(), at_agent=True)
        self._flights.add(flight)
        return flight

    def adopt_call(self, event: DomainEvent, call: str) -> Flight | None:
        """A call of a lead left dialing: known by its channel variable (ringing) or number (ended)."""
        lead_id = None
        if isinstance(event, Ringing) and event.vars.get(LEAD_VAR, "").isdigit():
            lead_id = int(event.vars[LEAD_VAR])
        elif isinstance(event, Ended) and event.caller:
            number = normalize(event.caller).e164
            waiting = itertools.chain(self._orphans.items(), self._late.items())
            lead_id = next((i for i, (lead, _) in waiting if lead.number == number), None)
        flight = self.adopt(lead_id)
        if flight is not None:
            self._flights.answered(flight, call)
        return flight

    async def release_expired(self, now: dt.datetime, campaigns: Mapping[int, CampaignRow]) -> None:
        """Orphans that no event claimed within the grace period: returned to pending, retried
        after their campaign's failed-call delay."""
        if not self._orphans:
            return
        expired = asyncio.get_running_loop().time() - self.grace_s
        for lead_id, (lead, found) in list(self._orphans.items()):
            if found <= expired:
                del self._orphans[lead_id]
                self._late[lead_id] = (lead, found)  # its call may still end: then it counts
                campaign = campaigns.get(lead.campaign_id)
                delay = campaign.retry_failed_min if campaign is not None else 30
                await asyncio.to_thread(self._release, lead, now, delay)

    def _release(self, lead: StuckLead, now: dt.datetime, delay: int) -> None:
        with self._engine.begin() as conn:
            rec.release(conn, lead.id, lead.attempts, now, delay)
