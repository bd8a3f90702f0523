"""The campaign queues' members: who the PBX says is a member in what state, and the members the
dialer adds for a campaign's own agents while it runs.

Asterisk routes a campaign call to whoever is a member of the campaign queue, so for the calls to
reach only the agents a campaign lists, the dialer makes those agents members (QueueAdd, the
interface from the PBX's agent map, not paused) when the campaign starts, and removes the ones it
added (QueueRemove) when it pauses or stops. Static members and members the dialer did not add
(an agent's own log-in) are never removed. What it added is kept on the campaign row
(``members_added``), so a restarted server still removes them; the plan itself is
``console.crm.campaigns.plan_members``. The members' states (``agent_state`` events) are also
what the pacer counts free agents from.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from console.crm.campaigns import Member, plan_members
from console.server import dialer_records as rec
from console.server.dialer_deps import DialerBridge
from console.server.dialer_rows import CampaignRow
from console.server.members import member_interface, pbx_section, state_interface
from telephony.connection import AmiActionError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.config import PbxSettings, Settings
    from console.server.directory import Directory

log = logging.getLogger(__name__)


class QueueMembers:
    def __init__(self, engine: Engine, settings: Settings, bridges: Mapping[str, DialerBridge],
                 directory: Directory) -> None:
        self._engine = engine
        self._settings = settings
        self._bridges = bridges
        self._directory = directory
        self._states: dict[tuple[str, str], str] = {}  # (agent, queue) -> state
        self._owned: dict[Member, int] = {}  # (queue, agent) the dialer added -> its campaign
        self._readded: set[Member] = set()  # own members added again since the last news of them

    # --- what the PBX says ------------------------------------------------------------------
    def observe(self, agent: str, queue: str, state: str) -> None:
        """An agent_state of this membership (worth adding it again if it is gone)."""
        self._states[(agent, queue)] = state
        self._readded.discard((queue, agent))

    def states(self, queue: str) -> dict[str, str]:
        """The queue's members and their states (agent -> state)."""
        return {a: s for (a, q), s in self._states.items() if q == queue}

    def available(self, queue: str) -> list[str]:
        """The queue's members whose state is ``available``."""
        return [a for (a, q), state in self._states.items() if q == queue and state == "available"]

    def present(self) -> set[Member]:
        """(queue, agent) pairs the PBX says are members now."""
        return {(queue, agent) for (agent, queue), state in self._states.items() if state != "logged_out"}

    # --- what the dialer added --------------------------------------------------------------
    def added(self) -> dict[Member, int]:
        """The members the dialer added, with the campaign it added each for."""
        return dict(self._owned)

    def load_added(self, campaigns: Iterable[CampaignRow]) -> None:
        """At start-up, from the campaign rows (``members_added``)."""
        self._owned = {(c.queue, agent): c.id for c in campaigns for agent in (c.members_added or ())}

    async def sync(self, running: Iterable[CampaignRow]) -> None:
        """Add the running campaigns' agents, remove the members added for the others."""
        pbx = next(iter(self._bridges), None)
        if pbx is None or not self._bridges[pbx].connected:
            return  # no member list to go by; the next round tries again
        plan = plan_members([(c.id, c.queue, c.agents or ()) for c in running], self._owned, self.present())
        if not (plan.add or plan.readd or plan.remove or plan.hand_over):
            return
        bridge, changed = self._bridges[pbx], set[int]()
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
                await bridge.queue_remove(queue, member_interface(self._pbx_settings(pbx), agent))
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
            await asyncio.to_thread(self._save, changed)

    def _pbx_settings(self, pbx: str) -> PbxSettings:
        return pbx_section(self._settings.pbx, pbx)

    async def _queue_add(self, bridge: DialerBridge, pbx: str, campaign: int, queue: str, agent: str,
                         again: bool = False) -> bool:
        user = self._directory.user_by_extension(agent)
        try:
            section = self._pbx_settings(pbx)
            interface = member_interface(section, agent)
            await bridge.queue_add(queue, interface, member_name=user.name if user else agent, paused=False,
                                   state_interface=state_interface(section, interface))
        except AmiActionError as exc:  # "Already there": a member we had not heard of yet, not ours
            log.log(logging.INFO if again else logging.WARNING,
                    "dialer: QueueAdd of %s to %s for campaign %s failed: %s", agent, queue, campaign, exc)
            return False
        return True

    def _save(self, campaigns: set[int]) -> None:
        with self._engine.begin() as conn:
            for campaign in campaigns:
                rec.save_members_added(conn, campaign, sorted(a for (_, a), owner in self._owned.items()
                                                              if owner == campaign))
