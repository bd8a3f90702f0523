"""Distinct strings with stable ids, found by value and by prefix, in ~20 bytes a string.

Ten million customers bear millions of distinct names and pinyin spellings. As Python objects
each costs ~200 bytes: the ``str`` (~80), its dict entry (~100), its slots in the id list and
the sorted list. Here the strings of a build are packed (:meth:`StringTable.freeze`) into one
UTF-8 ``bytearray`` with their end offsets, in order of arrival (the id), plus the ids in sorted
order: a lookup by value is a bisect over that order, a prefix a range of it. UTF-8 bytes sort as
their code points do, so the order is ``str``'s.

Strings added after the build (a customer written while the server runs) stay ``str`` in a dict
and a :class:`SortedKeys` beside the packed ones; both answer lookups and prefixes.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from itertools import islice

from console.crm.search.sorted_keys import SortedKeys


class _SortedView:
    """The packed strings in sorted order, as a sequence ``bisect`` can search."""

    __slots__ = ("_table",)

    def __init__(self, table: StringTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table._order)

    def __getitem__(self, at: int) -> str:
        return self._table.packed(self._table._order[at])


class StringTable:
    __slots__ = ("_blob", "_ends", "_extra", "_extra_ids", "_extra_sorted", "_order", "_unsorted")

    def __init__(self) -> None:
        self._blob = bytearray()
        self._ends = array("q")
        self._order = array("i")
        self._extra: list[str] = []
        self._extra_ids: dict[str, int] = {}
        self._extra_sorted = SortedKeys()
        self._unsorted = False

    def __len__(self) -> int:
        return len(self._ends) + len(self._extra)

    def __getitem__(self, string_id: int) -> str:
        packed = len(self._ends)
        return self.packed(string_id) if string_id < packed else self._extra[string_id - packed]

    def packed(self, string_id: int) -> str:
        start = self._ends[string_id - 1] if string_id else 0
        return self._blob[start : self._ends[string_id]].decode()

    def id_of(self, string: str) -> int | None:
        found = self._extra_ids.get(string)
        if found is not None:
            return found
        view = _SortedView(self)
        at = bisect_left(view, string)
        if at < len(view) and view[at] == string:
            return self._order[at]
        return None

    def add(self, string: str, bulk: bool = False) -> int:
        """The id of ``string``, added if new; ``bulk`` adds wait for :meth:`freeze` to be sorted."""
        found = self.id_of(string)
        if found is not None:
            return found
        string_id = len(self)
        self._extra.append(string)
        self._extra_ids[string] = string_id
        if bulk:
            self._unsorted = True
        else:
            self._extra_sorted.add(string)
        return string_id

    def freeze(self) -> None:
        """Pack the strings added in bulk (and any added one by one before them) with the rest."""
        if not self._unsorted:
            return
        first = len(self._ends)
        extra = self._extra
        for string in extra:
            self._blob += string.encode()
            self._ends.append(len(self._blob))
        added = sorted(range(first, first + len(extra)), key=lambda string_id: extra[string_id - first])
        if first:
            view = _SortedView(self)
            merged = heapq.merge(((view[at], self._order[at]) for at in range(len(self._order))),
                                 ((extra[string_id - first], string_id) for string_id in added))
            self._order = array("i", (string_id for _, string_id in merged))
        else:
            self._order = array("i", added)
        self._extra, self._extra_ids, self._extra_sorted = [], {}, SortedKeys()
        self._unsorted = False

    def prefixed(self, prefix: str, cap: int) -> Iterator[str]:
        """Up to ``cap`` strings starting with ``prefix``, in sorted order."""
        return islice(heapq.merge(self._packed_prefixed(prefix, cap), self._extra_sorted.prefixed(prefix, cap)), cap)

    def _packed_prefixed(self, prefix: str, cap: int) -> Iterator[str]:
        view = _SortedView(self)
        at = bisect_left(view, prefix)
        end = min(len(view), at + cap)
        while at < end:
            string = view[at]
            if not string.startswith(prefix):
                return
            yield string
            at += 1
