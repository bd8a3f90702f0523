import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.crm.campaigns import CallingWindow, Candidate, RetryPolicy, after_attempt, exclusion_reason
from console.crm.suitability import is_suitable

UTC = dt.UTC
SH = ZoneInfo("Asia/Shanghai")
WINDOW = CallingWindow(dt.time(9), dt.time(20), holidays=frozenset({dt.date(2026, 10, 1)}), tz=SH)


def local(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SH).astimezone(UTC)


@pytest.mark.parametrize(
    "when, open_",
    [
        (local(2026, 11, 23, 9, 0), True),     # Monday 09:00 local: opens
        (local(2026, 11, 23, 8, 59), False),
        (local(2026, 11, 23, 19, 59), True),
        (local(2026, 11, 23, 20, 0), False),    # the end is exclusive
        (local(2026, 11, 22, 12), False),       # Sunday
        (local(2026, 10, 1, 12), False),        # National Day (a Thursday)
        (dt.datetime(2026, 11, 23, 1, 30, tzinfo=UTC), True),  # 09:30 in Shanghai
    ],
)
def test_window_is_in_the_centers_time_zone(when, open_):
    assert WINDOW.is_open(when) is open_


def test_next_open_skips_nights_weekends_and_holidays():
    friday_night = local(2026, 11, 27, 21)
    assert WINDOW.next_open(friday_night) == local(2026, 11, 30, 9)
    assert WINDOW.next_open(local(2026, 9, 30, 20, 30)) == local(2026, 10, 2, 9)
    inside = local(2026, 11, 23, 10)
    assert WINDOW.next_open(inside) == inside


def test_a_window_that_never_opens_says_so():
    never = CallingWindow(dt.time(9), dt.time(20), weekdays=frozenset(), tz=SH)
    assert never.next_open(local(2026, 11, 23, 10)) is None


def test_retries_follow_the_result_and_stop_at_max_attempts():
    policy = RetryPolicy(max_attempts=3, delay_min={"busy": 10, "no_answer": 60, "failed": 30})
    now = local(2026, 11, 23, 10)
    assert after_attempt("answered", 1, policy, WINDOW, now).status == "done"
    busy = after_attempt("busy", 1, policy, WINDOW, now)
    assert busy.status == "pending" and busy.next_attempt_at == now + dt.timedelta(minutes=10)
    assert after_attempt("no_answer", 3, policy, WINDOW, now).status == "failed"
    late = after_attempt("no_answer", 1, policy, WINDOW, local(2026, 11, 23, 19, 30))
    assert late.next_attempt_at == local(2026, 11, 24, 9)  # not at 20:30: the next morning
    with pytest.raises(ValueError, match="unknown call result 'weird'"):
        after_attempt("weird", 1, policy, WINDOW, now)


TODAY = dt.date(2026, 11, 23)
FRESH, STALE = dt.date(2026, 1, 5), dt.date(2024, 11, 23)  # valid 730 days: STALE expired today
MOBILE = "+8613700000000"  # not on the DNC list


@pytest.mark.parametrize(
    "candidate, kind, product, reason",
    [
        (Candidate("+8613800138000", do_not_call=True), "callback", None, "do_not_call"),
        (Candidate("+8613900000000"), "callback", None, "do_not_call"),  # number on the DNC list
        (Candidate(MOBILE, risk_level="C2", risk_assessed_on=FRESH), "marketing", "R3", "unsuitable_risk_level"),
        (Candidate(MOBILE, risk_level="C3", risk_assessed_on=FRESH), "marketing", "R3", None),
        (Candidate(MOBILE, risk_level="C5", risk_assessed_on=STALE), "marketing", "R3", "risk_assessment_expired"),
        (Candidate(MOBILE, risk_level="C5", risk_assessed_on=STALE + dt.timedelta(days=1)), "marketing", "R3",
         None),  # the last valid day
        (Candidate(MOBILE), "marketing", "R2", "no_risk_assessment"),  # a number with no customer
        (Candidate(MOBILE, risk_level="C4"), "marketing", "R2", "no_risk_assessment"),  # level, no date
        (Candidate(MOBILE, risk_level="C0", risk_assessed_on=FRESH), "marketing", "R2", "unsuitable_risk_level"),
        (Candidate(MOBILE, risk_level="C0", risk_assessed_on=FRESH), "marketing", "R1", None),
        (Candidate(MOBILE, investor_type="professional"), "marketing", "R5", None),  # outside the rule
        (Candidate(MOBILE, risk_level="C1"), "survey", "R5", None),  # only marketing is filtered
    ],
)
def test_exclusions(candidate, kind, product, reason):
    assert exclusion_reason(candidate, {"+8613900000000"}, kind=kind, product_risk=product, today=TODAY) == reason


@given(level=st.sampled_from(["C1", "C2", "C3", "C4", "C5", "C0", None]),
       product=st.sampled_from(["R1", "R2", "R3", "R4", "R5"]), age=st.integers(0, 1500), professional=st.booleans())
def test_a_marketing_lead_is_dialled_exactly_when_the_agent_could_sell_the_product(level, product, age, professional):
    """The campaign's exclusion and the agent screen's suitability check are one rule."""
    investor = "professional" if professional else "ordinary"
    assessed = TODAY - dt.timedelta(days=age)
    candidate = Candidate(MOBILE, risk_level=level, risk_assessed_on=assessed, investor_type=investor)
    sellable = is_suitable(level, product, assessed, TODAY, investor_type=investor).ok
    assert (exclusion_reason(candidate, set(), kind="marketing", product_risk=product, today=TODAY) is None) == sellable
