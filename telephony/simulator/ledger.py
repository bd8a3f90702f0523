"""What the simulated PBX did, kept for a benchmark to check servers against (``calldesk bench
failover``): the simulator's own record, as Asterisk's CDR and queue_log are a real one's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Ledger:
    rung: list[tuple[str, str, float]] = field(default_factory=list)
    """(linkedid, agent extension, PBX time) of each agent phone a queue call rang."""
    joins: Counter[str] = field(default_factory=Counter)
    """linkedid -> how many times the call joined a queue (each pass is one Interaction)."""
    ended: dict[str, float] = field(default_factory=dict)
    """linkedid -> PBX time the caller's side of the call ended."""
