"""An index sent through transfer.pack/Unpacker is the index that was sent: every array, list,
dict and number of it and its tables, and the same answers to a mix of queries."""

from __future__ import annotations

import pickle
from itertools import islice

from console.crm.search import CustomerRow, SearchIndex
from console.crm.search.synthetic import query_mix, synthetic_rows
from console.crm.search.transfer import ITEMS_SLICE, PIECE_BYTES, Unpacker, fields, pack


def sent(index: SearchIndex) -> SearchIndex:
    unpacker = Unpacker()
    for piece in pack(index):
        unpacker.feed(piece)
    return unpacker.index()


def assert_same_index(built: SearchIndex, received: SearchIndex) -> None:
    before, after = dict(fields(built)), dict(fields(received))
    assert list(before) == list(after)
    for path, value in before.items():
        assert type(after[path]) is type(value), path
        assert after[path] == value, path


def assert_same_answers(built: SearchIndex, received: SearchIndex, queries: list[str]) -> None:
    for query in queries:
        assert received.search(query) == built.search(query), query


def test_a_synthetic_index_arrives_whole() -> None:
    rows = list(synthetic_rows(3000))
    built = SearchIndex.build(rows)
    received = sent(built)
    assert_same_index(built, received)
    assert_same_answers(built, received, [query for query, _, _ in query_mix(rows[:500], 400)])
    assert len(received) == 3000


def test_updates_after_the_build_arrive_and_the_received_index_keeps_updating() -> None:
    built = SearchIndex.build(islice(synthetic_rows(500), 1, None))
    first = next(iter(synthetic_rows(1)))
    built.upsert(first)  # a lower id than the others: found through the late-slot dict
    built.upsert(CustomerRow(900_000, "欧阳娜娜", client_no="0012AB", phones=("+8613800000001",) * 2 + (
        "+8613800000002", "+8613800000003", "95555"), id_last4="123X"))
    built.remove(3)
    received = sent(built)
    assert_same_index(built, received)
    assert_same_answers(built, received, [first.name, "0012ab", "0003", "95555", "ouyang", "oynn", "123x"])
    for index in (built, received):
        index.upsert(CustomerRow(900_000, "单田芳", phones=("+8613900001111",)))
        index.remove(first.id)
    assert_same_index(built, received)
    assert [hit.customer_id for hit in received.search("1111")] == [900_000]


def test_an_empty_index_arrives_empty() -> None:
    built = SearchIndex.build([])
    received = sent(built)
    assert_same_index(built, received)
    assert len(received) == 0 and received.search("张三") == []


def test_pieces_are_small() -> None:
    # What bounds the receiver's pause between two turns of its event loop: bytes and items.
    for piece in pack(SearchIndex.build(synthetic_rows(3000))):
        path, value = pickle.loads(piece)
        assert len(piece) <= PIECE_BYTES or len(value) == 1, path
        assert not isinstance(value, list | dict) or len(value) <= ITEMS_SLICE, path


def test_strings_are_shared_again() -> None:
    # A name written after the build is one object in the table's list, its dict and its sorted
    # keys (the build's own names are packed bytes: no objects to share).
    built = SearchIndex.build(synthetic_rows(300))
    built.upsert(CustomerRow(900_000, "诸葛明月"))
    received = sent(built)
    strings = received.names.names
    name = strings._extra[0]
    assert name == "诸葛明月" and strings[strings.id_of(name)] == name
    assert any(key is name for key in strings._extra_ids)
    assert any(key is name for key in strings._extra_sorted._items)
    for tail in received._id4_tails:
        assert any(key is tail for key in received._id4_codes)
