"""Which free members a waiting caller rings: app_queue's strategies, as pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telephony.simulator.model import Member, Strategy


@dataclass(frozen=True)
class Candidate:
    order: int  # the member's place in the queue (the order members were added)
    member: Member
    last_call: float  # when its phone last finished a call (shared_lastcall = yes)


def pick(strategy: Strategy, candidates: Sequence[Candidate], rr_next: int) -> tuple[list[Member], int]:
    """The members to ring and the queue's new round-robin position.

    Only the lowest penalty among the free members is rung, as app_queue does when penalties
    differ. ``rrmemory`` starts after the member that was rung last; ``leastrecent`` rings the
    phone idle the longest; ``ringall`` rings everyone at once.
    """
    if not candidates:
        return [], rr_next
    best = min(c.member.penalty for c in candidates)
    pool = [c for c in candidates if c.member.penalty == best]
    if strategy == "ringall":
        # app_queue walks its member container, which rang the last-added member first (capture 14).
        return [c.member for c in sorted(pool, key=lambda c: -c.order)], rr_next
    if strategy == "leastrecent":
        chosen = min(pool, key=lambda c: (c.last_call, c.order))
        return [chosen.member], rr_next
    after = [c for c in pool if c.order >= rr_next]
    chosen = min(after or pool, key=lambda c: c.order)
    return [chosen.member], chosen.order + 1
