"""QA scoring against the form: weights, n/a left out, a fatal failure is 0; hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.config import QaSettings
from console.crm.qa import MARKS, FormError, score

FORM = QaSettings().criteria
ALL_PASS = {c.id: "pass" for c in FORM}


def test_every_criterion_passed_is_100() -> None:
    assert score(FORM, ALL_PASS, 80) == score(FORM, ALL_PASS, 80)
    result = score(FORM, ALL_PASS, 80)
    assert (result.score, result.fatal, result.failed, result.passed) == (100.0, False, (), True)


def test_a_criterion_that_does_not_apply_is_left_out() -> None:
    marks = {**ALL_PASS, "risk_disclosure": "na", "accuracy": "fail"}
    result = score(FORM, marks, 80)
    assert result.score == round(100 * (10 + 10 + 25 + 10) / 80, 1) and result.failed == ("accuracy",)
    assert result.passed is False  # 68.8 < 80


def test_a_fatal_failure_is_zero_whatever_the_rest() -> None:
    result = score(FORM, {**ALL_PASS, "identity_verified": "fail"}, 80)
    assert (result.score, result.fatal, result.passed) == (0.0, True, False)


@pytest.mark.parametrize(("marks", "key"), [
    ({**ALL_PASS, "smile": "pass"}, "crm.qa.unknown_criterion"),
    ({k: v for k, v in ALL_PASS.items() if k != "greeting"}, "crm.qa.missing_criterion"),
    ({**ALL_PASS, "greeting": "maybe"}, "crm.qa.bad_mark"),
    ({c.id: "na" for c in FORM}, "crm.qa.nothing_applies"),
])
def test_a_review_that_does_not_fit_the_form(marks: dict[str, str], key: str) -> None:
    with pytest.raises(FormError) as caught:
        score(FORM, marks, 80)
    assert caught.value.key == key


marks = st.fixed_dictionaries({c.id: st.sampled_from(MARKS) for c in FORM}).filter(
    lambda m: any(v != "na" for v in m.values()))


@given(marks)
def test_the_score_is_bounded_and_failing_more_never_raises_it(m: dict[str, str]) -> None:
    result = score(FORM, m, 80)
    assert 0 <= result.score <= 100
    for criterion in FORM:
        if m[criterion.id] == "pass":
            assert score(FORM, {**m, criterion.id: "fail"}, 80).score <= result.score
