"""Where an inbound caller goes, decided from the CRM: pure, no I/O, no clock.

The dialplan asks calldesk (FastAGI, console/server/routing_agi.py) before the caller joins a
queue; the answer, in order of precedence:

1. a blocked number (``[routing] blocked``): its announcement, then hang-up;
2. a customer whose own account manager (专属客户经理) has an extension and is free: the manager's
   phone first, for ``manager_ring_s`` seconds, then the queue below;
3. a VIP tier (``[[tiers]] vip``): the VIP queue;
4. otherwise the queue the dialplan named (the DID's), else the default queue;

and, for a queue, its priority by tier (``[routing] priority``: app_queue serves higher first).
Unknown callers take rule 4 at the default priority.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RouteKind = Literal["queue", "manager", "blocked"]
Reason = Literal["blocked", "manager", "vip", "default"]


@dataclass(frozen=True, slots=True)
class RoutingRules:
    vip_queue: str = "vip"
    default_queue: str = "retail"
    manager_first: bool = True
    manager_ring_s: int = 20
    priority: tuple[tuple[str, int], ...] = ()
    """Tier -> queue priority (QUEUE_PRIO): a higher number is answered first."""


@dataclass(frozen=True, slots=True)
class Known:
    """What the CRM knows of the caller."""

    tier: str
    vip: bool
    manager_extension: str | None = None
    manager_free: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    reason: Reason
    queue: str
    priority: int = 0
    manager: str | None = None
    ring_s: int = 0
    tier: str | None = None

    def variables(self) -> dict[str, str]:
        """The channel variables the dialplan reads (docs/asterisk/extensions.conf); the tier
        also reaches the pop and the wallboard's VIP count."""
        out = {"CALLDESK_ROUTE": self.kind, "CALLDESK_QUEUE": self.queue, "CALLDESK_PRIORITY": str(self.priority)}
        if self.tier:
            out["CUSTOMER_TIER"] = self.tier
        if self.manager:
            out |= {"CALLDESK_MANAGER": self.manager, "CALLDESK_MANAGER_RING": str(self.ring_s)}
        return out


def decide(caller: Known | None, *, blocked: bool, asked_queue: str | None, rules: RoutingRules) -> Route:
    queue = asked_queue or rules.default_queue
    if blocked:
        return Route("blocked", "blocked", queue)
    if caller is None:
        return Route("queue", "default", queue)
    priority = dict(rules.priority).get(caller.tier, 0)
    if caller.vip:
        queue = rules.vip_queue
    if rules.manager_first and caller.manager_extension and caller.manager_free:
        return Route("manager", "manager", queue, priority, caller.manager_extension, rules.manager_ring_s,
                     caller.tier)
    return Route("queue", "vip" if caller.vip else "default", queue, priority, tier=caller.tier)
