"""A campaign's agents as members of its queue, while it runs.

Asterisk routes a campaign call to whoever is a member of the campaign queue, so for the calls to
reach only the agents a campaign lists, the dialer makes those agents members (QueueAdd, the
interface from the PBX's agent map, not paused) when the campaign starts, and removes the ones it
added (QueueRemove) when it pauses or stops. Static members and members the dialer did not add
(an agent's own log-in) are never removed. What it added is kept on the campaign row
(``members_added``), so a restarted server still removes them; the plan itself is
``console.crm.campaigns.plan_members``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import update

from console.crm.campaigns import Member, plan_members
from console.server import keys
from console.server.routes.actions import interface_of, state_interface_of
from console.store.models import Campaign
from telephony.connection import AmiActionError

log = logging.getLogger(__name__)
_k = Campaign.__table__.c


class MembersMixin:
    """Part of DialerService (its state: _agents, _owned, _readded, _engine, app)."""

    def _load_owned(self, campaigns: Any) -> None:
        self._owned = {(c.queue, agent): c.id for c in campaigns for agent in (c.members_added or ())}

    def members(self) -> set[Member]:
        """(queue, agent) pairs the PBX says are members now."""
        return {(queue, agent) for (agent, queue), state in self._agents.items() if state != "logged_out"}

    def members_added(self) -> dict[Member, int]:
        """The members the dialer added, with the campaign it added each for."""
        return dict(self._owned)

    async def _sync_members(self, running: list[Any]) -> None:
        bridges = self.app[keys.BRIDGES]
        pbx = next(iter(bridges), None)
        if pbx is None or not getattr(bridges[pbx], "connected", False):
            return  # no member list to go by; the next round tries again
        plan = plan_members([(c.id, c.queue, c.agents or ()) for c in running], self._owned, self.members())
        if not (plan.add or plan.readd or plan.remove or plan.hand_over):
            return
        bridge, changed = bridges[pbx], set()
        for campaign, queue, agent in plan.add:
            if await self._queue_add(bridge, pbx, campaign, queue, agent):
                self._owned[(queue, agent)] = campaign
                changed.add(campaign)
        for campaign, queue, agent in plan.readd:
            # Once per news of the member: refused as "Already there", it is a member the PBX
            # reports as logged out (an invalid device) or its QueueMemberAdded is on the way.
            if (queue, agent) not in self._readded:
                self._readded.add((queue, agent))
                await self._queue_add(bridge, pbx, campaign, queue, agent, again=True)
        for owner, queue, agent in plan.remove:
            try:
                await bridge.queue_remove(queue, interface_of(self.app, pbx, agent))
            except AmiActionError as exc:
                if exc.response is None:  # not answered: try again next round
                    log.warning("dialer: QueueRemove of %s from %s not answered: %s", agent, queue, exc)
                    continue
                log.info("dialer: QueueRemove of %s from %s refused (%s): no longer a member", agent, queue, exc)
            del self._owned[(queue, agent)]
            changed.add(owner)
        for old, new, queue, agent in plan.hand_over:
            self._owned[(queue, agent)] = new
            changed |= {old, new}
        if changed:
            await asyncio.to_thread(self._save_owned, changed)

    async def _queue_add(self, bridge: Any, pbx: str, campaign: int, queue: str, agent: str,
                         again: bool = False) -> bool:
        user = self.app[keys.DIRECTORY].user_by_extension(agent)
        try:
            interface = interface_of(self.app, pbx, agent)
            await bridge.queue_add(queue, interface, member_name=user.name if user else agent, paused=False,
                                   state_interface=state_interface_of(self.app, pbx, interface))
        except AmiActionError as exc:  # "Already there": a member we had not heard of yet, not ours
            log.log(logging.INFO if again else logging.WARNING,
                    "dialer: QueueAdd of %s to %s for campaign %s failed: %s", agent, queue, campaign, exc)
            return False
        return True

    def _member_news(self, agent: str, queue: str) -> None:
        """An agent_state of this membership: worth adding it again if it is gone."""
        self._readded.discard((queue, agent))

    def _save_owned(self, campaigns: set[int]) -> None:
        with self._engine.begin() as conn:
            for campaign in campaigns:
                agents = sorted(a for (_, a), owner in self._owned.items() if owner == campaign)
                conn.execute(update(Campaign.__table__).where(_k.id == campaign).values(members_added=agents))
