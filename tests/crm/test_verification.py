import datetime as dt

import pytest

from console.crm.verification import Answer, check_answers

ID = "11010519491231002X"
BORN = dt.date(1949, 12, 31)
PHONES = ["+8613800138000"]


def check(*pairs):
    return check_answers([Answer(q, a) for q, a in pairs], ID, BORN, PHONES)


@pytest.mark.parametrize(
    "pairs",
    [
        [("id_number", "11010519491231002x"), ("birth_date", "1949-12-31")],
        [("id_number", " 110105 19491231 002X "), ("phone", "+86 138 0013 8000")],
        [("birth_date", "19491231"), ("phone", "13800138000"), ("id_number", ID)],
        [("birth_date", "1949年12月31日"), ("phone", "138-0013-8000")],
    ],
)
def test_two_right_answers_pass(pairs):
    result = check(*pairs)
    assert result.ok and not result.wrong


@pytest.mark.parametrize(
    "pairs",
    [
        [("id_number", ID)],
        [("id_number", ID), ("id_number", ID)],  # the same question twice counts once
        [("id_number", ID), ("phone", "13800138000"), ("birth_date", "1950-01-01")],  # one wrong spoils it
        [("name", "单田芳"), ("client_no", "310012345678")],  # shown on the masked profile: not questions
        [("phone", "13900000000"), ("birth_date", "1949-12-31")],
    ],
)
def test_too_few_or_any_wrong_fails(pairs):
    assert not check(*pairs).ok


def test_unknown_questions_are_reported_not_counted():
    result = check(("name", "单田芳"), ("id_number", ID))
    assert result.unknown == ("name",) and result.correct == ("id_number",) and not result.ok


def test_missing_record_facts_never_match():
    result = check_answers([Answer("id_number", ""), Answer("birth_date", "")], "", None, [])
    assert result.wrong == ("id_number", "birth_date") and not result.ok
