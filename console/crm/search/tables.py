"""Distinct names and distinct pinyin spellings, each stored once with its postings.

A million customers share far fewer names, and fewer pinyin spellings still (homophones
collapse), so prefix ranges and typo postings are kept per distinct string.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator

from console.crm.search.chains import Chains
from console.crm.search.sorted_keys import SortedKeys
from console.crm.search.strings import StringTable


def rarest_postings(grams: Iterable[str], postings: dict[str, array[int]], needed: int, cap: int) -> set[int]:
    """Ids in the postings of the ``needed`` rarest grams (pigeonhole: a string within the
    allowed edits keeps at least one of them), at most about ``cap`` of them."""
    # Grams no string has cannot be shared with the target, so they never count as a pick.
    lists = sorted((postings[gram] for gram in set(grams) if gram in postings), key=len)
    found: set[int] = set()
    for posting in lists[:needed]:
        found.update(posting[: max(0, cap - len(found))])
        if len(found) >= cap:
            break
    return found


class NameTable:
    def __init__(self) -> None:
        self.names = StringTable()
        self._slots = Chains()
        self.chars: dict[str, array[int]] = {}

    def __len__(self) -> int:
        return len(self.names)

    def id_of(self, name: str) -> int | None:
        return self.names.id_of(name)

    def name(self, name_id: int) -> str:
        return self.names[name_id]

    def prefixed(self, prefix: str, cap: int) -> Iterator[str]:
        return self.names.prefixed(prefix, cap)

    def add(self, name: str, bulk: bool = False) -> int:
        known = len(self.names)
        name_id = self.names.add(name, bulk)
        if name_id == known:
            for char in set(name):
                self.chars.setdefault(char, array("i")).append(name_id)
        return name_id

    def attach(self, name_id: int, slot: int) -> None:
        self._slots.add(name_id, slot)

    def detach(self, name_id: int, slot: int) -> None:
        self._slots.remove(name_id, slot)

    def slots(self, name_id: int) -> Iterator[int]:
        return self._slots.members(name_id)

    def freeze(self) -> None:
        self.names.freeze()


class PinyinTable:
    """Compact pinyin ("zhangsan") -> names, initials ("zs") -> pinyins, trigrams -> pinyins."""

    def __init__(self) -> None:
        self.compact = StringTable()
        self._initials_of: list[str] = []  # interned: a few thousand distinct strings, shared
        self._names = Chains()
        self.of_name = array("i")
        self.initials: dict[str, array[int]] = {}
        self.sorted_initials = SortedKeys()
        self.trigrams: dict[str, array[int]] = {}

    def id_of(self, compact: str) -> int | None:
        return self.compact.id_of(compact)

    def spelling(self, pinyin_id: int) -> str:
        return self.compact[pinyin_id]

    def prefixed(self, prefix: str, cap: int) -> Iterator[str]:
        return self.compact.prefixed(prefix, cap)

    def link_name(self, spaced: str, name_id: int, bulk: bool = False) -> None:
        """Record the pinyin of a name the first time the name is seen."""
        if name_id < len(self.of_name):
            return
        words = spaced.split()
        compact = "".join(words)
        known = len(self.compact)
        pinyin_id = self.compact.add(compact, bulk)
        if pinyin_id == known:
            initials = "".join(word[0] for word in words)
            if initials not in self.initials:
                self.initials[initials] = array("i")
                self.sorted_initials.add(initials, bulk)
            self.initials[initials].append(pinyin_id)
            self._initials_of.append(sys.intern(initials))
            for gram in {compact[i : i + 3] for i in range(len(compact) - 2)}:
                self.trigrams.setdefault(gram, array("i")).append(pinyin_id)
        self._names.add(pinyin_id, name_id)
        self.of_name.append(pinyin_id)

    def names(self, pinyin_id: int) -> Iterator[int]:
        return self._names.members(pinyin_id)

    def initials_of(self, pinyin_id: int) -> str:
        return self._initials_of[pinyin_id]

    def freeze(self) -> None:
        self.compact.freeze()
        self.sorted_initials.freeze()
