"""Deterministic people: names with their pinyin, resident id numbers, phone numbers.

Everything draws from ``random.Random`` generators derived from the seed, so that the same
seed gives the same people. Phone numbers come from a bijection of (customer id, slot) (an
affine map modulo 10^8), so that no two seeded customers get the same number by accident:
sharing is always deliberate (families, the demo's ambiguous landline).
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from console.crm.names import initials_of, pinyin_of
from console.store.seed import vocab

_SUFFIX_SPACE = 100_000_000
_LANDLINE_BLOCKS = ("52", "54", "56", "58", "61", "62", "64", "68")
_STRIDE = 48_271_137  # odd and not a multiple of 5: coprime to 10^8, so the map is a bijection


T = TypeVar("T")


def weighted(rng: random.Random, values: Sequence[T], weights: Sequence[float]) -> Callable[[], T]:
    """A draw from ``values`` by ``weights``; ~10x cheaper than ``rng.choices`` per call."""
    cum = list(itertools.accumulate(weights))
    total, rand, pick = cum[-1], rng.random, bisect.bisect
    return lambda: values[pick(cum, rand() * total)]


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    surname: str
    pinyin: str
    initials: str


_NAMES: dict[str, Name] = {}  # per process: pinyin is the costly part, names repeat a lot


class NameMaker:
    """Chinese names from weighted surnames and a fixed pool of given names, pinyin cached.

    The given-name pool depends on the seed only; the draws come from ``rng``, so that
    every chunk of customers can draw from its own generator.
    """

    def __init__(self, seed: int, rng: random.Random) -> None:
        self._rng = rng
        self._surname = weighted(rng, [s for s, _ in vocab.SURNAMES], [w for _, w in vocab.SURNAMES])
        self._given = _given_pool(seed)

    def surname(self) -> str:
        return self._surname()

    def make(self, surname: str | None = None) -> Name:
        surname = surname or self._surname()
        given = self._given[int(self._rng.random() * len(self._given))]
        return self.named(surname + given, surname)

    @staticmethod
    def named(full: str, surname: str | None = None) -> Name:
        cached = _NAMES.get(full)
        if cached is None:
            cached = Name(full, surname or full[0], pinyin_of(full), initials_of(full))
            _NAMES[full] = cached
        return cached


@lru_cache(maxsize=8)
def _given_pool(seed: int) -> tuple[str, ...]:
    rng = random.Random(f"{seed}:given-names")
    chars = vocab.GIVEN_CHARS
    pool: list[str] = []
    while len(pool) < vocab.GIVEN_NAME_POOL_SIZE:
        given = rng.choice(chars) if rng.random() < vocab.SINGLE_CHAR_SHARE else rng.choice(chars) + rng.choice(chars)
        if given not in pool:
            pool.append(given)
    return tuple(pool)


class PhoneMaker:
    """Unique mobile and landline numbers (E.164 and a raw form as a customer wrote it).

    A number is a function of (seed, customer id, slot): no counter is shared between
    chunks, and two customers never get the same number unless the seed shares it on purpose.
    """

    MOBILE_SLOTS = 4  # slots 0-1 are drawn, 2-3 replace a number that is reserved for the demo
    LANDLINE_SLOTS = 2

    def __init__(self, seed: int, rng: random.Random, reserved: frozenset[str] | set[str]) -> None:
        self._rng = rng
        self._reserved = reserved
        self._offset = random.Random(f"{seed}:phones").randrange(_SUFFIX_SPACE)

    def _suffix(self, counter: int, salt: int) -> int:
        return (counter * _STRIDE + self._offset + salt) % _SUFFIX_SPACE

    def mobile(self, cid: int, slot: int) -> tuple[str, str]:
        k = cid * self.MOBILE_SLOTS + slot
        national = self._national(k)
        if "+86" + national in self._reserved:
            national = self._national(k + 2)
        return "+86" + national, self._mobile_raw(national)

    def _national(self, k: int) -> str:
        prefixes = vocab.MOBILE_PREFIXES
        return f"{prefixes[k % len(prefixes)]}{(k // len(prefixes) * _STRIDE + self._offset) % _SUFFIX_SPACE:08d}"

    def landline(self, cid: int, area: str) -> tuple[str, str]:
        for k in (cid * self.LANDLINE_SLOTS, cid * self.LANDLINE_SLOTS + 1):
            # 8-digit local numbers, in blocks that phonenumbers knows as fixed lines everywhere.
            block = _LANDLINE_BLOCKS[k % len(_LANDLINE_BLOCKS)]
            local = f"{block}{self._suffix(k // len(_LANDLINE_BLOCKS), 7) % 1_000_000:06d}"
            if f"+86{area}{local}" not in self._reserved:
                break
        return f"+86{area}{local}", f"0{area}-{local}"

    def _mobile_raw(self, national: str) -> str:
        style = self._rng.random()
        if style < 0.6:
            return national
        if style < 0.85:
            return f"{national[:3]} {national[3:7]} {national[7:]}"
        return f"+86 {national[:3]}-{national[3:7]}-{national[7:]}"
