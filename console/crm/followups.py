"""Follow-up rules: when one is due (the agent's quick choices), who owns it, whether it is due.

Pure: ``now`` and the center's time zone are passed in. Quick choices:

* ``in_1h`` — one hour from now;
* ``tomorrow_10`` — 10:00 tomorrow in the center's time zone (whatever the viewer's zone);
* ``at`` — a time the agent picked; it must carry an offset and lie in the future.

Owners: ``me`` (the agent), ``manager`` (the customer's account manager; refused when the
customer has none), ``pool`` (nobody: the shared pool, stored as owner None), or a staff id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

QuickChoice = Literal["in_1h", "tomorrow_10", "at"]
QUICK_CHOICES = ("in_1h", "tomorrow_10", "at")
OPEN = "open"
TOMORROW_AT = dt.time(10, 0)


class FollowUpRuleError(ValueError):
    """Bad follow-up input; ``key`` names the message, ``field`` the offending field."""

    def __init__(self, key: str, field: str) -> None:
        super().__init__(key)
        self.key = key
        self.field = field


def due_at(choice: str, now: dt.datetime, tz: dt.tzinfo, at: dt.datetime | None = None) -> dt.datetime:
    """The UTC due time of a quick choice."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if choice == "in_1h":
        due = now + dt.timedelta(hours=1)
    elif choice == "tomorrow_10":
        tomorrow = now.astimezone(tz).date() + dt.timedelta(days=1)
        due = dt.datetime.combine(tomorrow, TOMORROW_AT, tzinfo=tz)
    elif choice == "at":
        if at is None:
            raise FollowUpRuleError("crm.followup.at_missing", "due_at")
        if at.tzinfo is None:
            raise FollowUpRuleError("crm.followup.naive_time", "due_at")
        if at <= now:
            raise FollowUpRuleError("crm.followup.in_past", "due_at")
        due = at
    else:
        raise FollowUpRuleError("crm.followup.bad_choice", "when")
    return due.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Owner:
    staff_id: int | None
    """None: the shared pool."""
    label: str


def resolve_owner(owner: str | int | None, me: int, manager_id: int | None) -> Owner:
    """``me`` / ``manager`` / ``pool`` / a staff id (int or digits) -> the owner to store."""
    if owner is None or owner == "me":
        return Owner(me, "me")
    if owner == "pool":
        return Owner(None, "pool")
    if owner == "manager":
        if manager_id is None:
            raise FollowUpRuleError("crm.followup.no_manager", "owner")
        return Owner(manager_id, "manager")
    if isinstance(owner, bool):
        raise FollowUpRuleError("crm.followup.bad_owner", "owner")
    if isinstance(owner, int) or (isinstance(owner, str) and owner.isdigit()):
        return Owner(int(owner), "staff")
    raise FollowUpRuleError("crm.followup.bad_owner", "owner")


def is_due(status: str, due: dt.datetime, now: dt.datetime) -> bool:
    """Open and its time has come."""
    return status == OPEN and due <= now


def is_overdue(status: str, due: dt.datetime, now: dt.datetime, grace: dt.timedelta = dt.timedelta(minutes=15)) -> bool:
    """Open and more than ``grace`` past its time (the console shows these in red)."""
    return status == OPEN and now - due > grace


def check_complete(status: str) -> None:
    if status != OPEN:
        raise FollowUpRuleError("crm.followup.not_open", "status")
