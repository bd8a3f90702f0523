"""Queue names as people type them ("retail, vip", "retail；vip"): a pure helper that the staff rules
and the command line share (the command line imports nothing that reaches the store)."""

from __future__ import annotations

import re
from collections.abc import Sequence

QUEUE_SEPARATORS = re.compile(r"[\s,，;；|、]+")


def split_queues(value: str | Sequence[str] | None) -> list[str]:
    """Queue names from a text ("retail, vip", "retail;vip") or a list; blanks dropped."""
    parts = QUEUE_SEPARATORS.split(value) if isinstance(value, str) else list(value or ())
    return [p.strip() for p in parts if p and p.strip()]
