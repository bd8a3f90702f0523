"""Customer search: one query string over names, pinyin, initials, phones, client numbers and
id tails, answered from an in-memory index (see ``docs/search.md``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.crm.search.index import SearchIndex
from console.crm.search.model import CustomerRow, SearchHit

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["CustomerRow", "SearchHit", "SearchIndex", "load_index"]


def load_index(engine: Engine) -> SearchIndex:  # SQLAlchemy stays an import of the loader only
    """Build the index from the Customer and CustomerPhone tables (one streaming query)."""
    from console.crm.search.loader import load_index as _load

    return _load(engine)
