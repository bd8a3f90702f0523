"""The in-memory customer search index: built once, kept fresh by upsert/remove.

Layout, chosen for 1M customers in a few hundred MB and lookups that touch only buckets:

* customers live in *slots* (columns of arrays); postings hold slots, not rows;
* names are stored once per distinct name (a name id), with the slots that bear it, a sorted
  list for prefixes and a per-character posting list (name ids) for typos;
* pinyin likewise once per distinct compact pinyin ("zhangsan"), with a sorted list for
  prefixes, an initials table and a trigram posting list for typos;
* phones are integers bucketed by their last four digits (suffix search scans one bucket);
* id-number tails map to slots; client numbers are integers in sorted arrays (``clients``).
"""

from __future__ import annotations

import contextlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable

from console.crm.names import pinyin_of
from console.crm.search.clients import ClientNumbers
from console.crm.search.model import CustomerRow, SearchHit
from console.crm.search.tables import NameTable, PinyinTable

_NO_PHONE = -1
_NO_TAIL = -1


def phone_int(e164: str) -> int | None:
    digits = e164.lstrip("+")
    return int(digits) if digits.isdigit() and len(digits) <= 18 else None


class SearchIndex:
    """Customers searchable by name, pinyin, initials, phone suffix, client number, id tail."""

    def __init__(self) -> None:
        self._ids = array("q")
        # Slots appended in increasing id order (a load ordered by id) are found by bisect on
        # _ids; only the others sit in this dict. A million-entry dict of ints costs ~90 MB.
        self._sorted_upto = 0
        self._late_slots: dict[int, int] = {}
        self._alive = bytearray()
        self._count = 0
        self._name_of = array("i")
        # A tail per customer as a number into the few thousand distinct tails: 4 bytes, not an
        # 8-byte reference (10M customers: 40 MB less).
        self._id4_of = array("i")
        self._id4_tails: list[str] = []
        self._id4_codes: dict[str, int] = {}
        self._phone = array("q")
        self._phone2 = array("q")  # most customers have one or two numbers; the rest go below
        self._more_phones: dict[int, tuple[int, ...]] = {}
        self.names = NameTable()
        self.pinyins = PinyinTable()
        self.clients = ClientNumbers()
        self._phone_buckets: list[tuple[array[int], array[int]] | None] = [None] * 10_000
        self._id4_slots: dict[str, array[int]] = {}
        self._bulk = False

    # -- building and freshness -------------------------------------------------------------

    @classmethod
    def build(cls, rows: Iterable[CustomerRow]) -> SearchIndex:
        index = cls()
        index._bulk = True
        for row in rows:
            index.upsert(row)
        index._bulk = False
        index.names.freeze()
        index.pinyins.freeze()
        index.clients.freeze()
        return index

    def __len__(self) -> int:
        return self._count

    def _slot(self, customer_id: int) -> int | None:
        late = self._late_slots.get(customer_id)
        if late is not None:
            return late
        at = bisect_left(self._ids, customer_id, 0, self._sorted_upto)
        if at < self._sorted_upto and self._ids[at] == customer_id and self._alive[at]:
            return at
        return None

    def upsert(self, row: CustomerRow) -> None:
        """Add a customer or replace what the index knows about it."""
        slot = self._slot(row.id)
        if slot is None:
            slot = len(self._ids)
            if slot == self._sorted_upto and (slot == 0 or self._ids[-1] < row.id):
                self._sorted_upto += 1
            else:
                self._late_slots[row.id] = slot
            self._ids.append(row.id)
            self._alive.append(1)
            self._count += 1
            self._name_of.append(-1)
            self._id4_of.append(_NO_TAIL)
            self._phone.append(_NO_PHONE)
            self._phone2.append(_NO_PHONE)
        elif self._holds(slot, row):
            return  # nothing searchable changed (an AUM, a tier): the postings stay as they are
        else:
            self._unlink(slot)
        self._link(slot, row)

    def remove(self, customer_id: int) -> None:
        slot = self._slot(customer_id)
        if slot is not None:
            self._unlink(slot)
            self._late_slots.pop(customer_id, None)
            self._alive[slot] = 0
            self._count -= 1

    def _holds(self, slot: int, row: CustomerRow) -> bool:
        name_id = self._name_of[slot]
        return (name_id >= 0 and self.names.name(name_id) == row.name.strip()
                and self.clients.of_slot(slot) == row.client_no.strip().lower()
                and self.id_last4_of(slot) == row.id_last4.strip().upper()
                and self.phones_of(slot) == _phone_ints(row.phones))

    def _link(self, slot: int, row: CustomerRow) -> None:
        name = row.name.strip()
        spaced = row.name_pinyin.strip().lower() or pinyin_of(name)
        name_id = self.names.add(name, self._bulk)
        self.names.attach(name_id, slot)
        self.pinyins.link_name(spaced, name_id, self._bulk)
        self._name_of[slot] = name_id
        client_no = row.client_no.strip().lower()
        if client_no:
            self.clients.set(slot, client_no, self._bulk)
        id4 = row.id_last4.strip().upper()
        if id4:
            slots = self._id4_slots.get(id4)
            if slots is None:
                slots = self._id4_slots[id4] = array("i")
            code = self._id4_codes.get(id4)
            if code is None:
                code = self._id4_codes[id4] = len(self._id4_tails)
                self._id4_tails.append(id4)
            self._id4_of[slot] = code
            slots.append(slot)
        phones = _phone_ints(row.phones)
        if phones:
            self._phone[slot] = phones[0]
            if len(phones) > 1:
                self._phone2[slot] = phones[1]
            if len(phones) > 2:
                self._more_phones[slot] = tuple(phones[2:])
        for phone in phones:
            bucket = self._bucket(phone % 10_000)
            bucket[0].append(phone)
            bucket[1].append(slot)

    def _unlink(self, slot: int) -> None:
        self.names.detach(self._name_of[slot], slot)
        self._name_of[slot] = -1
        self.clients.clear(slot)
        id4 = self.id_last4_of(slot)
        if id4:
            _remove_value(self._id4_slots[id4], slot)
            self._id4_of[slot] = _NO_TAIL
        for phone in self.phones_of(slot):
            numbers, slots = self._bucket(phone % 10_000)
            for at in range(len(slots)):
                if slots[at] == slot and numbers[at] == phone:
                    del slots[at], numbers[at]
                    break
        self._phone[slot] = _NO_PHONE
        self._phone2[slot] = _NO_PHONE
        self._more_phones.pop(slot, None)

    def _bucket(self, last4: int) -> tuple[array[int], array[int]]:
        bucket = self._phone_buckets[last4]
        if bucket is None:
            bucket = self._phone_buckets[last4] = (array("q"), array("i"))
        return bucket

    # -- what the matchers read ---------------------------------------------------------------

    def customer_id(self, slot: int) -> int:
        return self._ids[slot]

    def name_id_of(self, slot: int) -> int:
        return self._name_of[slot]

    def phones_of(self, slot: int) -> tuple[int, ...]:
        first = self._phone[slot]
        if first == _NO_PHONE:
            return ()
        second = self._phone2[slot]
        if second == _NO_PHONE:
            return (first,)
        return (first, second, *self._more_phones.get(slot, ()))

    def client_no_of(self, slot: int) -> str:
        return self.clients.of_slot(slot)

    def id_last4_of(self, slot: int) -> str:
        code = self._id4_of[slot]
        return self._id4_tails[code] if code != _NO_TAIL else ""

    def slots_with_id_last4(self, id4: str) -> array[int]:
        return self._id4_slots.get(id4.upper(), array("i"))

    def phone_bucket(self, last4: int) -> tuple[array[int], array[int]] | None:
        return self._phone_buckets[last4]

    def slots_with_client_prefix(self, prefix: str, cap: int) -> list[int]:
        return self.clients.slots_with_prefix(prefix, cap)

    def sample(self, count: int) -> list[tuple[int, str, str]]:
        """(id, client number, name) of up to ``count`` customers spread over the index."""
        slots = [slot for slot in range(0, len(self._ids), max(1, len(self._ids) // count)) if self._alive[slot]]
        return [(self._ids[slot], self.client_no_of(slot), self.names.name(self._name_of[slot]))
                for slot in slots[:count]]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        from console.crm.search.ranking import search  # ranking imports this module

        return search(self, query, limit)


def _phone_ints(phones: Iterable[str]) -> tuple[int, ...]:
    return tuple(p for p in (phone_int(e) for e in dict.fromkeys(phones)) if p is not None)


def _remove_value(values: array[int], value: int) -> None:
    with contextlib.suppress(ValueError):
        values.remove(value)
