"""A sorted list of strings for prefix ranges (bisect), cheap to keep fresh one key at a time."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator


class SortedKeys:
    """Distinct strings kept sorted; ``prefixed`` walks the range that starts with a prefix.

    Bulk loading appends and sorts once (``freeze``); after that each ``add`` is an insort, a
    memmove of at most a few MB, which is fine for the trickle of customer updates.
    """

    __slots__ = ("_items", "_sorted")

    def __init__(self) -> None:
        self._items: list[str] = []
        self._sorted = True

    def __len__(self) -> int:
        return len(self._items)

    def add(self, key: str, bulk: bool = False) -> None:
        if bulk:
            self._items.append(key)
            self._sorted = False
        else:
            self.freeze()
            insort(self._items, key)

    def discard(self, key: str) -> None:
        self.freeze()
        at = bisect_left(self._items, key)
        if at < len(self._items) and self._items[at] == key:
            del self._items[at]

    def freeze(self) -> None:
        if not self._sorted:
            self._items.sort()
            self._sorted = True

    def prefixed(self, prefix: str, cap: int) -> Iterator[str]:
        """Up to ``cap`` keys starting with ``prefix``, in sorted order (shortest first within a run)."""
        self.freeze()
        items = self._items
        at = bisect_left(items, prefix)
        end = min(len(items), at + cap)
        while at < end and items[at].startswith(prefix):
            yield items[at]
            at += 1
