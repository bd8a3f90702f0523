"""The packed string table of the search index (console.crm.search.strings) answers as a plain
dict and sorted list of the same strings would, however the strings arrived: in bulk, one by
one after a build, or in bulk again on top of a packed table."""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given, settings
from hypothesis import strategies as st

from console.crm.search.strings import StringTable

WORDS = st.text(alphabet="张王李单田芳zhangsfé\x00a", max_size=5)


def _model_prefixed(strings: list[str], prefix: str, cap: int) -> list[str]:
    ordered = sorted(set(strings))
    at = bisect_left(ordered, prefix)
    return [s for s in ordered[at:] if s.startswith(prefix)][:cap]


def _check(table: StringTable, arrived: list[str], probes: list[str]) -> None:
    distinct = list(dict.fromkeys(arrived))
    assert len(table) == len(distinct)
    for string_id, string in enumerate(distinct):
        assert table[string_id] == string
        assert table.id_of(string) == string_id
    for probe in probes:
        assert table.id_of(probe) == (distinct.index(probe) if probe in distinct else None)
        for cap in (1, 3, 50):
            assert list(table.prefixed(probe, cap)) == _model_prefixed(distinct, probe, cap)


@settings(max_examples=200, deadline=None)
@given(bulk=st.lists(WORDS, max_size=40), later=st.lists(WORDS, max_size=10), again=st.lists(WORDS, max_size=10),
       probes=st.lists(WORDS, max_size=8))
def test_the_table_answers_as_a_dict_and_a_sorted_list(bulk, later, again, probes) -> None:
    table = StringTable()
    for string in bulk:
        table.add(string, bulk=True)
    table.freeze()
    _check(table, bulk, probes)
    for string in later:  # a server's writes: kept beside the packed strings
        table.add(string)
    _check(table, bulk + later, probes)
    for string in again:  # a bulk on top of a packed table: packed together at the next freeze
        table.add(string, bulk=True)
    table.freeze()
    _check(table, bulk + later + again, probes + later[:2])


def test_the_build_strings_are_packed_bytes() -> None:
    table = StringTable()
    for number in range(1000):
        table.add(f"张{number}", bulk=True)
    table.freeze()
    assert table._extra == [] and len(table._blob) == sum(len(f"张{n}".encode()) for n in range(1000))
    assert list(table.prefixed("张99", 5)) == ["张99", "张990", "张991", "张992", "张993"]
