"""Ticket rules: categories, the status workflow, default priority, SLA due time, numbers.

Pure: no I/O, no clock reads; ``now`` and the config section are passed in.

Workflow (every other move is refused with a message naming both states)::

    new -> open -> pending -> open -> resolved -> closed
                                      resolved -> open   (reopen)

A ticket is closed only from resolved, so nothing is closed without a resolution first.

SLA: the due time is ``created + tickets.sla_hours[category][tier]`` in WALL-CLOCK hours, not
business hours. The center answers calls every day of the year, the regulator's complaint
deadlines are counted in calendar days, and a wall-clock deadline is one an agent can check
by looking at a clock; business-hour calendars (holidays, make-up working days) would add a
second calendar to keep right for no gain here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from console.config.models import TICKET_CATEGORIES, Priority, TicketCategory
from console.crm.tiers import TierLike, is_vip

STATUSES = ("new", "open", "pending", "resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
OPEN_STATUSES = ("new", "open", "pending")
CATEGORIES = TICKET_CATEGORIES  # the config's (console/config/models.py); routes check against it here

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"open"}),
    "open": frozenset({"pending", "resolved"}),
    "pending": frozenset({"open"}),
    "resolved": frozenset({"closed", "open"}),
    "closed": frozenset(),
}

# When config does not say: complaints are high, everything else normal.
BUILTIN_PRIORITY = {"complaint": "high"}
DEFAULT_SLA_HOURS = 48.0


class TicketConfig(Protocol):
    @property  # read-only: the config's TicketSettings is frozen
    def default_priority(self) -> Mapping[TicketCategory, Priority]: ...
    def sla_for(self, category: str, tier: str) -> float: ...


class TransitionError(ValueError):
    """A status change the workflow does not allow; ``key`` names the message in the catalogue."""

    def __init__(self, key: str, from_status: str, to_status: str) -> None:
        super().__init__(f"{key}: {from_status} -> {to_status}")
        self.key = key
        self.from_status = from_status
        self.to_status = to_status


def check_transition(from_status: str, to_status: str) -> None:
    """Raise :class:`TransitionError` unless the workflow allows ``from_status -> to_status``."""
    if to_status not in STATUSES:
        raise TransitionError("crm.ticket.unknown_status", from_status, to_status)
    if from_status == to_status:
        raise TransitionError("crm.ticket.same_status", from_status, to_status)
    if to_status == "closed" and from_status != "resolved":
        raise TransitionError("crm.ticket.close_unresolved", from_status, to_status)
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise TransitionError("crm.ticket.bad_transition", from_status, to_status)


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a ticket in ``status`` may move to, in workflow order (for the UI's buttons)."""
    nxt = TRANSITIONS.get(status, frozenset())
    return tuple(s for s in STATUSES if s in nxt)


def bump(priority: str, steps: int = 1) -> str:
    """One level up (urgent stays urgent)."""
    index = PRIORITIES.index(priority) if priority in PRIORITIES else 1
    return PRIORITIES[min(index + steps, len(PRIORITIES) - 1)]


def default_priority(category: str, tier: str, config: TicketConfig | None = None,
                     tiers: Sequence[TierLike] | None = None) -> str:
    """The category's priority (config, else complaint high / others normal), one higher for a VIP."""
    configured: dict[str, str] = dict(config.default_priority.items()) if config is not None else {}
    base = configured.get(category) or BUILTIN_PRIORITY.get(category, "normal")
    return bump(base) if is_vip(tier, tiers) else base


def sla_hours(category: str, tier: str, config: TicketConfig | None = None) -> float:
    return config.sla_for(category, tier) if config is not None else DEFAULT_SLA_HOURS


def sla_due(created_at: dt.datetime, category: str, tier: str, config: TicketConfig | None = None) -> dt.datetime:
    """Due time in wall-clock hours after creation (see the module doc for why not business hours)."""
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    return created_at + dt.timedelta(hours=sla_hours(category, tier, config))


def needs_supervisor(category: str) -> bool:
    """Complaints go on the supervisors' attention list."""
    return category == "complaint"


def is_overdue(status: str, sla_due_at: dt.datetime | None, now: dt.datetime) -> bool:
    return status in OPEN_STATUSES and sla_due_at is not None and now >= sla_due_at


def ticket_number(created_at: dt.datetime, sequence: int, tz: dt.tzinfo) -> str:
    """``T20261122-000123``: the creation date in the center's time zone, then the sequence.

    The sequence is the ticket's row id (unique without a counter table or a lock); past
    999999 it simply grows a digit.
    """
    local = created_at.astimezone(tz)
    return f"T{local:%Y%m%d}-{sequence:06d}"


@dataclass(frozen=True, slots=True)
class NewTicketDefaults:
    priority: str
    sla_due_at: dt.datetime
    supervisor_attention: bool


def defaults_for(category: str, tier: str, now: dt.datetime, config: TicketConfig | None = None,
                 tiers: Sequence[TierLike] | None = None, priority: str | None = None) -> NewTicketDefaults:
    """What a new ticket gets unless the agent chose otherwise (only the priority may be chosen)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown ticket category {category!r}")
    if priority is not None and priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    return NewTicketDefaults(
        priority=priority or default_priority(category, tier, config, tiers),
        sla_due_at=sla_due(now, category, tier, config),
        supervisor_attention=needs_supervisor(category),
    )
