"""Preview mode: a free agent is offered one lead at a time and dials or skips it.

Offers live in memory (a restart offers again); nothing is claimed until the agent dials, so a
skipped lead costs no attempt. An agent whose dialled lead has not reached them yet is not
offered another.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import select

from console.server import keys
from console.server.dialer_flight import lead_frame
from console.store.models import Customer, Lead

_l, _c = Lead.__table__.c, Customer.__table__.c


class PreviewMixin:
    """Part of DialerService (its state: _previews, _flights, _campaigns, _lock)."""

    async def _offer_previews(self, campaign: Any, now: dt.datetime) -> None:
        offered = set(self._previews.values())
        calling = {f.agent for f in self._flights.values() if f.agent}  # dialled a lead, not yet rung
        for agent in self.free_agents(campaign.queue, campaign.agents):
            if agent in self._previews or agent in calling:
                continue
            due = await asyncio.to_thread(self._due, campaign.id, now, len(offered) + 1)
            lead = next((d for d in due if d.id not in offered), None)
            if lead is None:
                return
            self._previews[agent] = lead.id
            offered.add(lead.id)
            name = await asyncio.to_thread(self._customer_name, lead.customer_id)
            if self.owes_wrapup(agent):  # their last call's end was handled meanwhile: not over the wrap-up
                del self._previews[agent]
                offered.discard(lead.id)
                continue
            users = self.app[keys.DIRECTORY].users_of_agent(agent)
            self.app[keys.HUB].publish(users, "preview", lead_frame(campaign, lead, name))

    def _customer_name(self, customer_id: int | None) -> str | None:
        if customer_id is None:
            return None
        with self._engine.connect() as conn:
            return conn.execute(select(_c.name).where(_c.id == customer_id)).scalar()

    def offered_to(self, agent: str) -> int | None:
        return self._previews.get(agent)

    async def preview_dial(self, campaign_id: int, lead_id: int, agent: str) -> bool:
        async with self._lock:
            self._previews.pop(agent, None)
            campaign = self._campaigns.get(campaign_id)
            with self._engine.connect() as conn:
                lead = conn.execute(select(_l.id, _l.number, _l.customer_id, _l.version, _l.attempts,
                                           _l.followup_id).where(_l.id == lead_id)).first()
            if campaign is None or lead is None:
                return False
            return await self._claim_and_dial(campaign, lead, self._clock(), agent)

    def preview_skip(self, agent: str) -> None:
        self._previews.pop(agent, None)
        self.wake()
