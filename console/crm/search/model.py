"""What goes into the search index and what comes out of it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """The searchable fields of one customer (a Customer row plus its phones' E.164 keys).

    ``name_pinyin`` is the spaced lowercase pinyin stored on the customer ("shan tian fang");
    when empty the index computes it with :func:`console.crm.names.pinyin_of`. Initials are
    derived from the pinyin, so they always agree with it. ``tier`` and ``branch`` are carried
    for callers that build rows once for several uses; the index does not rank by them.
    """

    id: int
    name: str
    name_pinyin: str = ""
    name_initials: str = ""
    client_no: str = ""
    phones: tuple[str, ...] = ()
    id_last4: str = ""
    tier: str = ""
    branch: str = ""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One customer found; ``matched`` names the field(s) that matched, e.g. "name",
    "pinyin", "initials", "name_fuzzy", "phone", "client_no", "id_last4", or "name+phone"
    when a mixed query matched on several."""

    customer_id: int
    score: float
    matched: str
