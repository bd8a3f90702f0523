"""One matcher per kind of query part: Han name, Latin pinyin/initials, digits, id tail.

Each matcher finds its candidates from index buckets (``candidates``) and can also score a
single customer (``score``), which is how a mixed query ("张三 5678") checks the candidates
of its most selective part against its other parts.

Scores (0-100) put the obvious hit first: exact > prefix > homophone/initials > fuzzy
(rapidfuzz ``ratio`` over the few hundred candidates the postings give, never over all).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from rapidfuzz import fuzz, process

from console.crm.names import pinyin_of
from console.crm.search.index import SearchIndex
from console.crm.search.tables import rarest_postings

Scored = tuple[float, str]
Candidates = dict[int, Scored]

PREFIX_CAP = 200
FUZZY_CAP = 3000


def _keep(found: Candidates, slot: int, scored: Scored) -> None:
    held = found.get(slot)
    if held is None or held[0] < scored[0]:
        found[slot] = scored


def _add_names(ix: SearchIndex, found: Candidates, name_ids: Iterable[int], scored: Scored, budget: int) -> None:
    for name_id in name_ids:
        for slot in ix.names.slots(name_id):
            if len(found) >= budget and slot not in found:
                return
            _keep(found, slot, scored)


class HanMatcher:
    """A Chinese name, whole or its start; homophones (IME slips) and one-character typos."""

    def __init__(self, han: str) -> None:
        self.han = han[:16]
        self.compact = pinyin_of(self.han).replace(" ", "")
        self.misses = 0 if len(self.han) < 3 else (1 if len(self.han) <= 5 else 2)

    def _prefix_score(self, name: str) -> float:
        return 92.0 - min(12, 3 * (len(name) - len(self.han)))

    def _fuzzy_score(self, name: str, ratio: float) -> Scored:
        # A slip keeps the length and nearly always the surname: 张山丰 is 张三丰, not 山丰.
        kept = len(name) == len(self.han) and name[0] == self.han[0]
        return round(0.8 * ratio + (8.0 if kept else 0.0), 1), "name_fuzzy"

    def candidates(self, ix: SearchIndex, budget: int) -> Candidates:
        found: Candidates = {}
        exact = ix.names.id_of(self.han)
        if exact is not None:
            _add_names(ix, found, (exact,), (100.0, "name"), budget)
        for name in ix.names.prefixed(self.han, PREFIX_CAP):
            if len(found) >= budget:
                break
            if name != self.han:
                # cast: prefixed() yields only strings in the table, so id_of finds each (never None).
                name_id = cast(int, ix.names.id_of(name))
                _add_names(ix, found, (name_id,), (self._prefix_score(name), "name_prefix"), budget)
        homophone = ix.pinyins.id_of(self.compact)
        if homophone is not None:
            others = [n for n in ix.pinyins.names(homophone) if n != exact]
            _add_names(ix, found, others, (86.0, "name_homophone"), budget)
        if self.misses and exact is None:
            ids = list(rarest_postings(self.han, ix.names.chars, self.misses + 1, FUZZY_CAP))
            choices = [ix.names.name(name_id) for name_id in ids]
            for name, ratio, at in process.extract(self.han, choices, scorer=fuzz.ratio, score_cutoff=60, limit=200):
                _add_names(ix, found, (ids[at],), self._fuzzy_score(name, ratio), budget)
        return found

    def score(self, ix: SearchIndex, slot: int) -> Scored | None:
        name_id = ix.name_id_of(slot)
        if name_id < 0:
            return None
        name = ix.names.name(name_id)
        if name == self.han:
            return 100.0, "name"
        if name.startswith(self.han):
            return self._prefix_score(name), "name_prefix"
        if ix.pinyins.spelling(ix.pinyins.of_name[name_id]) == self.compact:
            return 86.0, "name_homophone"
        if self.han in name:
            return 70.0, "name_part"
        ratio = fuzz.ratio(self.han, name, score_cutoff=60)
        return self._fuzzy_score(name, ratio) if ratio else None


class LatinMatcher:
    """Full pinyin ("zhangsan", "zhang san"), its start, initials ("zs"), the surname spelled
    and the given name by initials ("zhangsf"), pinyin typos."""

    def __init__(self, compact: str) -> None:
        self.q = compact[:32]
        self.misses = 0 if len(self.q) < 4 else (1 if len(self.q) <= 8 else 2)

    def _prefix_score(self, compact: str) -> float:
        return 88.0 - min(10, len(compact) - len(self.q))

    def _splits(self) -> list[tuple[str, str]]:
        """(spelled head, initials tail) readings of the query: zhangsf -> (zhang, sf), …"""
        return [(self.q[:cut], self.q[cut:]) for cut in range(max(2, len(self.q) - 3), len(self.q))]

    def _spelled_then_initials(self, compact: str, initials: str, head: str, tail: str) -> bool:
        # A plain prefix ("zhang" of zhanggang) is the prefix rule's business, not this one's.
        return (initials == head[0] + tail and compact.startswith(head) and not compact.startswith(self.q)
                and len(compact) > len(head) and compact[len(head)] == tail[0])

    def candidates(self, ix: SearchIndex, budget: int) -> Candidates:
        found: Candidates = {}
        table = ix.pinyins

        def add(pinyin_ids: Iterable[int], scored: Scored) -> None:
            for pinyin_id in pinyin_ids:
                if len(found) >= budget:
                    return  # full: later (weaker) groups could only re-score customers already in
                _add_names(ix, found, table.names(pinyin_id), scored, budget)

        exact = table.id_of(self.q)
        if exact is not None:
            add((exact,), (96.0, "pinyin"))
        add(table.initials.get(self.q, ()), (90.0, "initials"))
        for head, tail in self._splits():
            add((p for p in table.initials.get(head[0] + tail, ())
                 if self._spelled_then_initials(table.spelling(p), head[0] + tail, head, tail)),
                (86.0, "pinyin_initials"))
        for compact in table.prefixed(self.q, PREFIX_CAP):
            if compact != self.q:
                # cast: prefixed() yields only spellings in the table, so id_of finds each (never None).
                add((cast(int, table.id_of(compact)),), (self._prefix_score(compact), "pinyin_prefix"))
        if len(self.q) >= 2:
            for initials in table.sorted_initials.prefixed(self.q, 50):
                if initials != self.q:
                    add(table.initials[initials], (80.0, "initials_prefix"))
        # Typos only matter when nothing matched as typed: "zhangsan" need not look for "zhagnsan".
        if self.misses and not found:
            grams = [self.q[i : i + 3] for i in range(len(self.q) - 2)]
            ids = list(rarest_postings(grams, table.trigrams, 3 * self.misses + 1, FUZZY_CAP))
            choices = [table.spelling(pinyin_id) for pinyin_id in ids]
            for _, ratio, at in process.extract(self.q, choices, scorer=fuzz.ratio, score_cutoff=75, limit=100):
                add((ids[at],), (round(0.8 * ratio, 1), "pinyin_fuzzy"))
        return found

    def score(self, ix: SearchIndex, slot: int) -> Scored | None:
        name_id = ix.name_id_of(slot)
        if name_id < 0:
            return None
        pinyin_id = ix.pinyins.of_name[name_id]
        compact = ix.pinyins.spelling(pinyin_id)
        initials = ix.pinyins.initials_of(pinyin_id)
        if compact == self.q:
            return 96.0, "pinyin"
        if initials == self.q:
            return 90.0, "initials"
        if any(self._spelled_then_initials(compact, initials, head, tail) for head, tail in self._splits()):
            return 86.0, "pinyin_initials"
        if compact.startswith(self.q):
            return self._prefix_score(compact), "pinyin_prefix"
        if initials.startswith(self.q):
            return 80.0, "initials_prefix"
        ratio = fuzz.ratio(self.q, compact, score_cutoff=75) if self.misses else 0
        return (round(0.8 * ratio, 1), "pinyin_fuzzy") if ratio else None
