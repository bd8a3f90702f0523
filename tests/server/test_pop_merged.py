"""PostgreSQL's one-statement pop lookup gives exactly the portable path's Lookup."""

from __future__ import annotations

import pytest

from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, SHARED_NUMBER, TRANSFER_NUMBER, UNKNOWN_NUMBER


@pytest.mark.parametrize(("caller", "account"), [
    (KNOWN_NUMBER, KNOWN_ACCOUNT), (KNOWN_NUMBER, None), ("13000000000", KNOWN_ACCOUNT),
    (SHARED_NUMBER, None), (TRANSFER_NUMBER, None), (UNKNOWN_NUMBER, "310014141414"), (UNKNOWN_NUMBER, None),
])
def test_merged_lookup_equals_the_portable_one(seeded_engine, seed, frozen_clock, caller, account) -> None:
    from console.crm.phones import normalize
    from console.server.pop import PopBuilder
    from tests.server.conftest import server_settings

    if seeded_engine.dialect.name != "postgresql":
        pytest.skip("the merged statement is PostgreSQL's; SQLite runs the portable path")
    builder = PopBuilder(seeded_engine, server_settings(), frozen_clock)
    number = normalize(caller).e164
    with seeded_engine.connect() as conn:
        merged = builder._lookup_merged(conn, number, account)
        portable = builder._lookup_portable(conn, number, account)
    assert merged == portable
    assert merged.match == {KNOWN_NUMBER: "known", SHARED_NUMBER: "ambiguous", TRANSFER_NUMBER: "known",
                            UNKNOWN_NUMBER: "unknown"}.get(caller, "known")
