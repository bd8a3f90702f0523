"""Suitability matching, exhaustively over every customer level x product level x investor type."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.crm.suitability import (
    assessment_expired,
    is_suitable,
    max_product_risk,
    parse_customer_risk,
)

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
FRESH = dt.date(2026, 1, 5)
LEVELS = ["C1", "C2", "C3", "C4", "C5"]
PRODUCTS = ["R1", "R2", "R3", "R4", "R5"]
# The table of the rule, written out by hand rather than computed from it.
ALLOWED = {
    "C1": {"R1"},
    "C2": {"R1", "R2"},
    "C3": {"R1", "R2", "R3"},
    "C4": {"R1", "R2", "R3", "R4"},
    "C5": {"R1", "R2", "R3", "R4", "R5"},
}


@pytest.mark.parametrize(("customer", "product"), list(itertools.product(LEVELS, PRODUCTS)))
def test_ordinary_matching_table(customer, product):
    result = is_suitable(customer, product, FRESH, NOW, "ordinary")
    assert result.ok is (product in ALLOWED[customer])
    if result.ok:
        assert result.reason == "match" and not result.may_override
    else:
        # An ordinary investor above the lowest category may still buy after a documented warning.
        assert result.reason == "exceeds_tolerance" and result.may_override


@pytest.mark.parametrize("lowest", ["C0", "c1-lowest", "最低"])
@pytest.mark.parametrize("product", PRODUCTS)
def test_lowest_category_only_r1_and_never_overridden(lowest, product):
    result = is_suitable(lowest, product, FRESH, NOW)
    if product == "R1":
        assert result.ok and result.reason == "match"
    else:
        assert not result.ok and result.reason == "lowest_category" and not result.may_override


@pytest.mark.parametrize(("customer", "product"), list(itertools.product(LEVELS + [None], PRODUCTS)))
def test_professional_investors_are_outside_the_matching_rule(customer, product):
    result = is_suitable(customer, product, None, NOW, "professional")
    assert result.ok and result.reason == "professional"


@pytest.mark.parametrize("customer", LEVELS)
def test_expired_assessment_blocks_everything(customer):
    old = dt.date(2024, 11, 22)  # exactly 730 days before TODAY
    for product in PRODUCTS:
        result = is_suitable(customer, product, old, NOW, "ordinary", valid_days=730)
        assert not result.ok and result.reason == "assessment_expired"


def test_expiry_boundary_is_valid_days_after_the_assessment():
    assessed = dt.date(2025, 1, 1)
    assert not assessment_expired(assessed, dt.date(2025, 1, 10), valid_days=10)  # day 10 of 10
    assert assessment_expired(assessed, dt.date(2025, 1, 11), valid_days=10)
    assert is_suitable("C3", "R3", assessed, dt.date(2025, 1, 10), valid_days=10).ok
    assert assessment_expired(None, TODAY)


def test_now_counts_in_its_own_time_zone():
    # 2025-01-10 23:30 in Shanghai is still the 10th there, even though UTC says 15:30 the same day;
    # 2025-01-11 00:30 Shanghai is the 11th although UTC is still the 10th.
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assessed = dt.date(2025, 1, 1)
    assert not assessment_expired(assessed, dt.datetime(2025, 1, 10, 23, 30, tzinfo=shanghai), 10)
    assert assessment_expired(assessed, dt.datetime(2025, 1, 11, 0, 30, tzinfo=shanghai), 10)


@pytest.mark.parametrize(
    ("customer", "product", "assessed", "reason"),
    [
        (None, "R1", FRESH, "not_assessed"),
        ("C3", "R1", None, "not_assessed"),
        ("C9", "R1", FRESH, "unknown_risk_level"),
        ("B3", "R1", FRESH, "unknown_risk_level"),
        ("C3", "R6", FRESH, "unknown_product_risk"),
        ("C3", "", FRESH, "unknown_product_risk"),
    ],
)
def test_bad_or_missing_input_is_never_suitable(customer, product, assessed, reason):
    result = is_suitable(customer, product, assessed, NOW)
    assert not result.ok and result.reason == reason and not result.may_override


def test_parsing_and_ceiling():
    assert parse_customer_risk(" c4 ") == (4, False)
    assert parse_customer_risk("C0") == (1, True)
    assert parse_customer_risk("C") is None
    assert [max_product_risk(c) for c in LEVELS] == PRODUCTS


@given(st.sampled_from(LEVELS), st.sampled_from(PRODUCTS), st.integers(min_value=0, max_value=2000))
def test_suitable_implies_level_covers_product_and_assessment_fresh(customer, product, age_days):
    assessed = TODAY - dt.timedelta(days=age_days)
    result = is_suitable(customer, product, assessed, TODAY, valid_days=730)
    assert result.ok == (int(product[1]) <= int(customer[1]) and age_days < 730)
