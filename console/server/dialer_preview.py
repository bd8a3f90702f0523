"""Preview mode: a free agent is offered one lead at a time and dials or skips it.

Offers live in memory (a restart offers again); nothing is claimed until the agent dials, so a
skipped lead costs no attempt. An agent whose dialled lead has not reached them yet is not
offered another. ``Previews`` makes and keeps the offers; dialling one is the dialer's
(DialerService.preview_dial).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from console.server import dialer_records as rec
from console.server.dialer_flight import Flights, lead_frame
from console.server.dialer_rows import CampaignRow, DueLead

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.server.directory import Directory
    from console.server.hub import Hub


class Previews:
    """The lead offered to each agent. ``owes_wrapup``: the agent's console still owes a call's
    disposition (asked again after the awaits: the call may have ended meanwhile)."""

    def __init__(self, engine: Engine, flights: Flights, directory: Directory, hub: Hub,
                 owes_wrapup: Callable[[str], bool]) -> None:
        self._engine = engine
        self._flights = flights
        self._directory = directory
        self._hub = hub
        self._owes_wrapup = owes_wrapup
        self._offers: dict[str, int] = {}  # agent -> lead offered

    def offered_to(self, agent: str) -> int | None:
        return self._offers.get(agent)

    def withdraw(self, agent: str) -> None:
        """The agent dialled or skipped their lead."""
        self._offers.pop(agent, None)

    async def offer(self, campaign: CampaignRow, now: dt.datetime, free: Sequence[str]) -> None:
        """Offer a due lead of the campaign to each of its ``free`` agents who has none."""
        offered = set(self._offers.values())
        calling = self._flights.agents()  # dialled a lead, not yet rung
        for agent in free:
            if agent in self._offers or agent in calling:
                continue
            due = await asyncio.to_thread(self._due, campaign.id, now, len(offered) + 1)
            lead = next((d for d in due if d.id not in offered), None)
            if lead is None:
                return
            self._offers[agent] = lead.id
            offered.add(lead.id)
            name = await asyncio.to_thread(self._customer_name, lead.customer_id)
            if self._owes_wrapup(agent):  # their last call's end was handled meanwhile: not over the wrap-up
                del self._offers[agent]
                offered.discard(lead.id)
                continue
            self._hub.announce(self._directory.users_of_agent(agent), "preview", lead_frame(campaign, lead, name))

    def _due(self, campaign_id: int, now: dt.datetime, limit: int) -> Sequence[DueLead]:
        with self._engine.connect() as conn:
            return rec.due_leads(conn, campaign_id, now, limit)

    def _customer_name(self, customer_id: int | None) -> str | None:
        if customer_id is None:
            return None
        with self._engine.connect() as conn:
            return rec.customer_name(conn, customer_id)
