"""The churn rule: every factor a reason, monotone in each risk factor, capped, reproducible."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.config import ChurnSettings, Settings
from console.crm.churn import FACTORS, ChurnFacts, ChurnRule, score

RULE = ChurnRule.from_settings(Settings().churn)

counts = st.integers(min_value=0, max_value=50)
facts = st.builds(
    ChurnFacts,
    complaints=counts, overdue_tickets=counts, abandoned_calls=counts,
    aum_decline_pct=st.none() | st.floats(min_value=-100, max_value=100, allow_nan=False),
    transfer_out=counts,
    days_since_contact=st.none() | st.integers(min_value=0, max_value=5000),
    mean_csat=st.none() | st.floats(min_value=1, max_value=5, allow_nan=False),
)
weights = st.builds(lambda *w: w, *[st.tuples(st.floats(0, 50, allow_nan=False), st.floats(0, 100, allow_nan=False))
                                    for _ in FACTORS])


def worse(f: ChurnFacts, field: str, by: float) -> ChurnFacts:
    """``f`` with one risk factor made worse by ``by`` (more of a count, a larger decline, a
    longer silence, a lower CSAT)."""
    value = getattr(f, field)
    if field == "mean_csat":
        return dataclasses.replace(f, mean_csat=max(1.0, (value if value is not None else 5.0) - by))
    if field == "aum_decline_pct":
        return dataclasses.replace(f, aum_decline_pct=(value if value is not None else 0.0) + by)
    if field == "days_since_contact":
        return dataclasses.replace(f, days_since_contact=(value if value is not None else 0) + int(by))
    return dataclasses.replace(f, **{field: value + int(by)})


@pytest.mark.parametrize("field", ["complaints", "overdue_tickets", "abandoned_calls", "aum_decline_pct",
                                   "transfer_out", "days_since_contact", "mean_csat"])
@given(f=facts, by=st.floats(min_value=0, max_value=40, allow_nan=False))
def test_more_of_any_risk_never_lowers_the_score(field: str, f: ChurnFacts, by: float) -> None:
    assert score(worse(f, field, by), RULE).score >= score(f, RULE).score


@given(f=facts, w=weights)
def test_the_score_is_the_capped_sum_of_its_reasons_under_any_weights(f: ChurnFacts, w: tuple) -> None:
    from console.crm.churn import Weight

    rule = ChurnRule(**{factor: Weight(*pair) for factor, pair in zip(FACTORS, w, strict=True)})
    result = score(f, rule)
    assert 0 <= result.score <= 100
    assert result.score == min(100, round(sum(r.points for r in result.reasons)))
    for reason in result.reasons:
        assert 0 < reason.points <= getattr(rule, reason.factor).cap
    assert [r.points for r in result.reasons] == sorted((r.points for r in result.reasons), reverse=True)
    assert score(f, rule) == result  # the same facts, the same score and reasons


def test_a_customer_with_nothing_against_them_is_low_with_no_reasons() -> None:
    result = score(ChurnFacts(days_since_contact=3, mean_csat=4.6, aum_decline_pct=-5.0), RULE)
    assert (result.score, result.level, result.reasons) == (0, "low", ())


def test_each_factor_and_its_reason() -> None:
    result = score(ChurnFacts(complaints=1, overdue_tickets=1, abandoned_calls=3, aum_decline_pct=12.5,
                              transfer_out=1, days_since_contact=200, mean_csat=2.5), RULE)
    assert [(r.factor, r.points, r.value) for r in result.reasons] == [
        ("transfer_out", 35, 1), ("complaints", 20, 1), ("abandoned_calls", 16, 3), ("low_csat", 15, 2.5),
        ("aum_decline", 12.5, 12.5), ("overdue_tickets", 10, 1), ("silence", pytest.approx(2.0), 200),
    ]
    assert (result.score, result.level, result.risk) == (100, "high", 1.0)


def test_one_abandon_is_chance_two_a_pattern() -> None:
    assert score(ChurnFacts(abandoned_calls=1), RULE).reasons == ()
    assert score(ChurnFacts(abandoned_calls=2), RULE).score == 8


def test_levels() -> None:
    assert score(ChurnFacts(complaints=1, overdue_tickets=1), RULE).level == "medium"  # 30
    assert score(ChurnFacts(complaints=1, overdue_tickets=0), RULE).level == "low"  # 20
    assert score(ChurnFacts(transfer_out=1, overdue_tickets=2), RULE).level == "high"  # 55


def test_levels_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="medium_at"):
        ChurnSettings(medium_at=60, high_at=50)
