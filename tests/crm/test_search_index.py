"""The index stays fresh: upsert and remove change what every kind of query finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.crm.search import CustomerRow, SearchIndex
from console.crm.search.query import MAX_QUERY_CHARS, parse

ZHANG = CustomerRow(1, "张三", client_no="310000000001", phones=("+8613812345678",), id_last4="1234")
LI = CustomerRow(2, "李四", client_no="310000000002", phones=("+8613911112222", "+862161234567"), id_last4="123X")


def ids(index: SearchIndex, query: str) -> list[int]:
    return [hit.customer_id for hit in index.search(query)]


def test_upsert_replaces_every_field() -> None:
    index = SearchIndex.build([ZHANG, LI])
    index.upsert(CustomerRow(1, "单田芳", client_no="320000000001", phones=("+8613700001111",), id_last4="5555"))
    for gone in ("张三", "zhangsan", "zs", "5678", "1234", "310000000001"):
        assert 1 not in ids(index, gone), gone
    for found in ("单田芳", "shantianfang", "stf", "1111", "5555", "320000000001"):
        assert ids(index, found)[:1] == [1], found
    assert len(index) == 2


def test_remove_forgets_the_customer_and_keeps_the_others() -> None:
    index = SearchIndex.build([ZHANG, LI])
    index.remove(1)
    index.remove(1)  # twice is harmless
    index.remove(999)
    assert ids(index, "张三") == [] and ids(index, "5678") == [] and ids(index, "1234") == []
    assert ids(index, "李四") == [2] and ids(index, "4567") == [2] and ids(index, "123x") == [2]
    assert len(index) == 1


def test_a_removed_customer_can_come_back() -> None:
    index = SearchIndex.build([ZHANG, LI])
    index.remove(1)
    index.upsert(ZHANG)
    assert ids(index, "张三") == [1] and ids(index, "5678") == [1]


def test_customers_added_after_the_build_in_any_id_order() -> None:
    index = SearchIndex.build([LI])
    index.upsert(ZHANG)  # a lower id than the last one loaded
    index.upsert(CustomerRow(50, "王五", phones=("95555",)))
    assert ids(index, "张三") == [1] and ids(index, "王五") == [50] and ids(index, "95555") == [50]
    index.upsert(CustomerRow(1, "张三三"))
    assert ids(index, "张三三") == [1] and ids(index, "5678") == []


def test_shared_family_number_finds_both_customers() -> None:
    index = SearchIndex.build([ZHANG, CustomerRow(3, "张小三", phones=("+8613812345678",))])
    assert sorted(ids(index, "13812345678")) == [1, 3]


def test_pinyin_is_computed_when_the_row_has_none() -> None:
    index = SearchIndex.build([CustomerRow(7, "曾国藩")])
    assert ids(index, "zengguofan") == [7] and ids(index, "zgf") == [7]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from(["张三", "李四", "王五", "张三丰", "曾国藩"]),
                          st.integers(0, 9999), st.booleans()), max_size=30))
def test_incremental_changes_equal_a_fresh_build(changes: list[tuple[int, str, int, bool]]) -> None:
    live = SearchIndex()
    final: dict[int, CustomerRow] = {}
    for customer_id, name, tail, removed in changes:
        if removed:
            live.remove(customer_id)
            final.pop(customer_id, None)
        else:
            row = CustomerRow(customer_id, name, client_no=f"3{customer_id:011d}",
                              phones=(f"+86138{tail:08d}",), id_last4=f"{tail:04d}")
            live.upsert(row)
            final[customer_id] = row
    fresh = SearchIndex.build(sorted(final.values(), key=lambda row: row.id))
    assert len(live) == len(fresh)
    for query in ("张三", "zhang", "zs", "曾国藩", "3000", "300000000001", *(f"{t:04d}" for _, _, t, _ in changes)):
        assert sorted(ids(live, query)) == sorted(ids(fresh, query)), query


def test_query_parts() -> None:
    parsed = parse("张三 zhang SAN 138-1234-5678 123x")
    assert parsed.han == "张三" and parsed.latin == ("zhang", "san") and parsed.digits == ("13812345678",)
    assert parsed.id_last4 == "123X"
    assert len(parse("a" * 10_000).text) == MAX_QUERY_CHARS
    assert parse("%'; --").empty


@pytest.mark.parametrize("limit", [0, -1])
def test_no_hits_for_a_non_positive_limit(limit: int) -> None:
    assert SearchIndex.build([ZHANG]).search("张三", limit=limit) == []
