"""How a customer the PBX dials out to responds (Originate to ``PJSIP/<number>@carrier``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# answer; busy (486: at once); noanswer (rings until the caller gives up); unreachable (480: at once)
DialoutOutcome = Literal["answer", "busy", "noanswer", "unreachable"]


@dataclass(frozen=True)
class Dialout:
    outcome: DialoutOutcome = "answer"
    after_s: float = 2.0  # ring time before answering
    talk_s: float | None = 20.0  # talk time after answering; None: until told otherwise


def lab_pstn(number: str) -> Dialout:
    """The lab's customers behind the carrier (``../shared/asterisk/sipp/customers.xml``), by number:
    137… busy, 136… never answers, 135… 480, 1391… talks 20 s, any other answers and talks 8 s."""
    if number.startswith("137"):
        return Dialout("busy")
    if number.startswith("136"):
        return Dialout("noanswer")
    if number.startswith("135"):
        return Dialout("unreachable")
    return Dialout("answer", 2.0, 20.0 if number.startswith("1391") else 8.0)
