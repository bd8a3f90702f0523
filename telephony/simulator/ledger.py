"""What the simulated PBX did, kept for a benchmark to check servers against (``calldesk bench
failover``): the simulator's own record, as Asterisk's CDR and queue_log are a real one's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

QueueLogLine = tuple[float, str, str, str, str, tuple[str, ...]]
"""(Unix time, callid, queue, agent, event, data1..): one line of app_queue's queue_log."""


@dataclass
class Ledger:
    rung: list[tuple[str, str, float, float]] = field(default_factory=list)
    """(linkedid, agent extension, PBX time, Unix time written) of each agent phone a queue call
    rang. The PBX time is when the ring was due; the simulator's loop may write its AgentCalled a
    little later (a busy benchmark process): a pop's latency counts from the second."""
    joins: Counter[str] = field(default_factory=Counter)
    """linkedid -> how many times the call joined a queue (each pass is one Interaction)."""
    ended: dict[str, float] = field(default_factory=dict)
    """linkedid -> PBX time the caller's side of the call ended."""
    queue_log: list[QueueLogLine] = field(default_factory=list)
    """What app_queue would write to its queue_log, in order (telephony/queue_log.py reads it)."""
    on_queue_log: Callable[[QueueLogLine], None] | None = None
    """Also hands each line over as it is written (a benchmark's realtime table)."""

    def log_queue(self, unix: float, callid: str, queue: str, agent: str, event: str, *data: object) -> None:
        line = (unix, callid, queue, agent, event, tuple(str(d) for d in data))
        self.queue_log.append(line)
        if self.on_queue_log is not None:
            self.on_queue_log(line)
