"""What an action answers: the Response, list events for this session only, and an effect that
runs after the response is on the wire (so its events follow it, as with Asterisk)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from telephony.simulator.events import Fields


@dataclass
class Reply:
    response: Fields
    listed: list[Fields] = field(default_factory=list)
    effect: Callable[[], object] | None = None  # what it returns is not used


def success(message: str | None = None, **extra: str) -> Reply:
    fields: Fields = [("Response", "Success")]
    if message is not None:
        fields.append(("Message", message))
    return Reply(fields + list(extra.items()))


def error(message: str) -> Reply:
    return Reply([("Response", "Error"), ("Message", message)])


def listing(message: str, complete: str, items: list[Fields], action_id: str | None, **totals: str) -> Reply:
    """A list action: ``EventList: start``, the items, then ``<complete>`` with ``ListItems``."""
    end: Fields = with_action_id(
        [("Event", complete), ("EventList", "Complete"), ("ListItems", str(len(items)))], action_id)
    return Reply([("Response", "Success"), ("EventList", "start"), ("Message", message)],
                 items + [end + list(totals.items())])


def with_action_id(fields: Fields, action_id: str | None, after: int = 1) -> Fields:
    """Asterisk puts ActionID right after ``Response`` (or after ``Event`` for list items it leaves last)."""
    if action_id is None:
        return fields
    return fields[:after] + [("ActionID", action_id)] + fields[after:]
