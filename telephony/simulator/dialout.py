"""How a customer the PBX dials out to responds (Originate to ``PJSIP/<number>@carrier``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Dialout:
    outcome: Literal["answer", "busy", "noanswer", "unreachable"] = "answer"
    after_s: float = 2.0  # ring time before answering
    talk_s: float | None = 20.0  # talk time after answering; None: until told otherwise
