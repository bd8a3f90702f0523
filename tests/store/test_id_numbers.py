"""Resident id numbers: check digit (ISO 7064 MOD 11-2), validation, generation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.store.id_numbers import id_check_digit, is_valid, resident_id


@pytest.mark.parametrize(("number", "valid"), [
    ("11010519491231002X", True),  # the standard's own example
    ("11010519491231002Y", False),
    ("110105194912310021", False),  # wrong check digit
    ("110105194902300020", False),  # 30 February
    ("11010519491231002", False),  # too short
    ("11010519491231002x", False),  # lower-case x: the importer upper-cases first
])
def test_validation(number: str, valid: bool) -> None:
    assert is_valid(number) is valid


@given(st.sampled_from(["110105", "310115", "440304"]),
       st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)), st.integers(0, 999))
def test_generated_numbers_are_valid(region: str, birth: dt.date, sequence: int) -> None:
    number = resident_id(region, birth, sequence)
    assert is_valid(number)
    assert number[:6] == region and number[6:14] == f"{birth:%Y%m%d}"
    assert number[17] == id_check_digit(number[:17])
