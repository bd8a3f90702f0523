"""Search quality: the obvious customer comes first, among thousands of look-alikes.

The known customers sit among 5,000 synthetic ones (common surnames, shared names, random
phones), so a case passes only if ranking, not emptiness, puts the right one on top.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.crm.search import CustomerRow, SearchIndex
from console.crm.search.synthetic import synthetic_rows

KNOWN = [
    CustomerRow(1, "张三", "zhang san", client_no="390000000001", phones=("+8613812345678",), id_last4="1234"),
    CustomerRow(2, "单田芳", "shan tian fang", client_no="390000000002", phones=("+8613911112222",), id_last4="987X"),
    CustomerRow(3, "曾国藩", "zeng guo fan", client_no="390000000003", phones=("+862161234567",), id_last4="0011"),
    CustomerRow(4, "解缙", "xie jin", client_no="390000000004", phones=("+8613700000004",)),
    CustomerRow(5, "仇英", "qiu ying", client_no="390000000005", phones=("+8613700000005",)),
    CustomerRow(6, "张三丰", "zhang san feng", client_no="390000000006", phones=("+8613700000006",)),
    CustomerRow(7, "欧阳修", "ou yang xiu", client_no="390000000007", phones=("+8613700000007",)),
    CustomerRow(9, "张叁", "zhang san", client_no="390000000009", phones=("+8613700000009",)),
    CustomerRow(10, "王五", "wang wu", client_no="390000000010", phones=("+8617912345678",)),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    noise = (CustomerRow(row.id + 10_000, row.name, row.name_pinyin, client_no=row.client_no,
                         phones=row.phones, id_last4=row.id_last4) for row in synthetic_rows(5_000, seed=11))
    return SearchIndex.build([*KNOWN, *noise])


# query -> the customer that must come first
FIRST = [
    ("张三", 1),  # exact name beats 张三丰 (prefix) and 张叁 (homophone)
    ("曾国藩", 3),
    ("仇英", 5),
    ("zhangsan", 1),  # ties with 张叁 on pinyin; lower id first
    ("zhang san", 1),
    ("ZhangSan", 1),
    ("shantianfang", 2),  # heteronym surname: 单 read shàn
    ("shan tian fang", 2),
    ("zengguofan", 3),
    ("xiejin", 4),
    ("qiuying", 5),
    ("ouyangxiu", 7),
    ("张三峰", 6),  # homophone slip of 张三丰
    ("张山丰", 6),  # one wrong character
    ("zhagnsanfeng", 6),  # swapped letters
    ("zhangsanfen", 6),  # pinyin prefix
    ("zhangsf", 6),  # surname spelled, given name by initials
    ("shantf", 2),
    ("zengguof", 3),
    ("13812345678", 1),
    ("+86 138 1234 5678", 1),
    ("0086-138-1234-5678", 1),
    ("021-6123 4567", 3),
    ("17912345678", 10),  # a 179 mobile is a mobile
    ("390000000002", 2),
    ("张三 5678", 1),  # mixed Chinese and digits
    ("张5678", 1),
    ("zs 5678", 1),
    ("单 987X", 2),
    ("张三" + "%" * 10_000, 1),  # junk after the name is cut, the name still found
]


@pytest.mark.parametrize(("query", "expected"), FIRST)
def test_obvious_hit_comes_first(index: SearchIndex, query: str, expected: int) -> None:
    hits = index.search(query, limit=10)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].customer_id == expected, hits[:3]


# query -> a customer that must be among the best-scored hits (the query is ambiguous)
AMONG_BEST = [
    ("stf", 2),  # initials with the surname reading
    ("zgf", 3),
    ("zsf", 6),
    ("oyx", 7),
    ("987x", 2),  # id tail with its check letter, either case
    ("987X", 2),
    ("5678", 1),  # phone suffix (ties with other numbers ending 5678)
    ("3900000000", 1),  # client-number prefix
]


@pytest.mark.parametrize(("query", "expected"), AMONG_BEST)
def test_ambiguous_query_ranks_the_customer_with_the_best(index: SearchIndex, query: str, expected: int) -> None:
    hits = index.search(query, limit=50)
    best = [hit.customer_id for hit in hits if hit.score == hits[0].score]
    assert expected in best, hits[:5]


def test_matched_says_which_fields(index: SearchIndex) -> None:
    assert index.search("张三", 1)[0].matched == "name"
    assert index.search("zs 5678", 1)[0].matched == "initials+phone"
    assert index.search("13812345678", 1)[0].matched == "phone"


@pytest.mark.parametrize(
    "hostile",
    ["%", "_", "'; drop table customer; --", "x" * 10_000, "1" * 10_000, "\x00\x1b[2J\x7f", "\ud800\udc00\ud800",
     "", "   ", "😀😀", "%' OR '1'='1", "\\", "*?[]"],
)
def test_hostile_strings_are_searched_safely(index: SearchIndex, hostile: str) -> None:
    hits = index.search(hostile, limit=5)
    assert len(hits) <= 5
    assert all(isinstance(hit.customer_id, int) for hit in hits)


def test_lone_surrogate_inside_a_name_is_dropped(index: SearchIndex) -> None:
    assert index.search("张\ud800三", 1)[0].customer_id == 1


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120), st.integers(min_value=0, max_value=30))
def test_any_text_gives_ranked_bounded_hits(index: SearchIndex, query: str, limit: int) -> None:
    hits = index.search(query, limit=limit)
    assert len(hits) <= limit
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert len({hit.customer_id for hit in hits}) == len(hits)
