"""Matchers for digits: phone suffix or whole number, client-number prefix, id-number tail."""

from __future__ import annotations

from console.crm.phones import normalize
from console.crm.search.index import SearchIndex, phone_int
from console.crm.search.matchers import PREFIX_CAP, Candidates, Scored, _keep

MIN_PHONE_SUFFIX = 4


class DigitsMatcher:
    """A run of digits: the end of a phone number (≥ 4 digits, or a whole number in any
    written form), the start of a client number, or the last four of the id number."""

    def __init__(self, digits: str) -> None:
        self.digits = digits[:24]
        self.suffix = int(self.digits) if len(self.digits) >= MIN_PHONE_SUFFIX else None
        self.modulus = 10 ** len(self.digits)
        # A whole number typed with 0086, a trunk 0 or an area code: compare canonical keys.
        whole = normalize(self.digits) if len(self.digits) >= 7 else None
        self.whole = phone_int(whole.e164) if whole is not None and whole.valid else None

    def _phone_score(self, phone: int) -> Scored | None:
        if self.whole is not None and phone == self.whole:
            return 100.0, "phone"
        if self.suffix is not None and phone % self.modulus == self.suffix and phone >= self.modulus // 10:
            full = len(self.digits) >= 11
            return (100.0 if full else 80.0 + 2 * (len(self.digits) - MIN_PHONE_SUFFIX)), "phone"
        return None

    def _client_score(self, client_no: str) -> Scored:
        if client_no == self.digits:
            return 100.0, "client_no"
        return round(70.0 + 25.0 * len(self.digits) / max(len(client_no), 1), 1), "client_no"

    def candidates(self, ix: SearchIndex, budget: int) -> Candidates:
        found: Candidates = {}
        for key in {k for k in (self.whole, self.suffix) if k is not None}:
            bucket = ix.phone_bucket(key % 10_000)
            if bucket is None:
                continue
            numbers, slots = bucket
            for at, phone in enumerate(numbers):
                scored = self._phone_score(phone)
                if scored is not None:
                    _keep(found, slots[at], scored)
        if len(self.digits) == 4:
            for slot in ix.slots_with_id_last4(self.digits)[:budget]:
                _keep(found, slot, (78.0, "id_last4"))
        if len(self.digits) >= 3:
            for slot in ix.slots_with_client_prefix(self.digits, PREFIX_CAP):
                _keep(found, slot, self._client_score(ix.client_no_of(slot)))
        return found

    def score(self, ix: SearchIndex, slot: int) -> Scored | None:
        best: Scored | None = None
        for phone in ix.phones_of(slot):
            scored = self._phone_score(phone)
            if scored is not None and (best is None or scored[0] > best[0]):
                best = scored
        if len(self.digits) == 4 and ix.id_last4_of(slot) == self.digits and (best is None or best[0] < 78):
            best = (78.0, "id_last4")
        client_no = ix.client_no_of(slot)
        if len(self.digits) >= 3 and client_no.startswith(self.digits):
            scored = self._client_score(client_no)
            if best is None or scored[0] > best[0]:
                best = scored
        return best


class IdTailMatcher:
    """The last four of an id number written with its check letter: ``123X``."""

    def __init__(self, tail: str) -> None:
        self.tail = tail.upper()

    def candidates(self, ix: SearchIndex, budget: int) -> Candidates:
        return dict.fromkeys(ix.slots_with_id_last4(self.tail)[:budget], (80.0, "id_last4"))

    def score(self, ix: SearchIndex, slot: int) -> Scored | None:
        return (80.0, "id_last4") if ix.id_last4_of(slot) == self.tail else None
