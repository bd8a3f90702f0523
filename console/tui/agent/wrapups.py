"""The wrap-ups still owed, oldest first: each belongs to its call, whatever rings meanwhile.

The next call may ring while a wrap-up is open (a direct call to the extension, or the server's
hold on the queues running out). The live call then takes the card and the call keys; the
wrap-up waits here, with what the agent already typed, and is submitted for its own call only.
Plain data: no widgets, so the order and the draft survive whatever the screen shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from console.i18n import t
from console.tui.models import Customer, Pop
from console.tui.phone_text import display_number
from console.tui.text import local_time


@dataclass
class PendingWrapUp:
    call: str
    started: dt.datetime  # when the call ended: the after-call work is timed from here
    pop: Pop | None = None  # None: known only from the server's hello (the console was not there)
    customer: Customer | None = None  # who was on the card when the call ended
    verified: bool = False
    disposition: str | None = None  # the draft, kept while the panel shows another call or none
    notes: str = ""

    def caller(self, tz: ZoneInfo) -> str:
        """Who this wrap-up is for, as the agent remembers the call: name and number, or when it ended."""
        number = display_number(self.pop.number or self.pop.ringing.caller) if self.pop is not None else ""
        name = self.customer.name if self.customer is not None else ""
        who = " ".join(part for part in (name, number) if part)
        return who or t("console.wrapup.ended_at", time=local_time(self.started, tz, with_date=False))


class WrapUps:
    def __init__(self) -> None:
        self._items: list[PendingWrapUp] = []

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, call: object) -> bool:
        return any(item.call == call for item in self._items)

    @property
    def head(self) -> PendingWrapUp | None:
        """The oldest: the one to finish first."""
        return self._items[0] if self._items else None

    def add(self, item: PendingWrapUp) -> bool:
        """Queue ``item`` unless its call already waits (a wrap-up is never opened twice). One known
        only from ``hello`` learns its caller when the call's own frames follow (a resumed stream)."""
        for known in self._items:
            if known.call == item.call:
                if known.pop is None and item.pop is not None:
                    known.pop, known.customer, known.verified = item.pop, item.customer, item.verified
                return False
        self._items.append(item)
        return True

    def remove(self, call: str) -> PendingWrapUp | None:
        for item in self._items:
            if item.call == call:
                self._items.remove(item)
                return item
        return None
