"""Phone forms seen in caller IDs, imports and forms -> their canonical key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.crm.phones import NormalizedPhone, lookup_key, normalize

MOBILE = "+8613812345678"
SHANGHAI = "+862161234567"

# raw form -> (e164, valid, kind, extension)
CASES: list[tuple[str, str, bool, str, str | None]] = [
    ("13812345678", MOBILE, True, "mobile", None),
    ("+86 138 1234 5678", MOBILE, True, "mobile", None),
    ("+86-138-1234-5678", MOBILE, True, "mobile", None),
    ("0086 13812345678", MOBILE, True, "mobile", None),
    ("8613812345678", MOBILE, True, "mobile", None),
    ("013812345678", MOBILE, True, "mobile", None),  # trunk 0 before a mobile from another city
    ("１３８１２３４５６７８", MOBILE, True, "mobile", None),  # full-width digits
    ("138/1234/5678", MOBILE, True, "mobile", None),
    ("＋８６ １３８ １２３４ ５６７８", MOBILE, True, "mobile", None),
    # phonenumbers rejects 179xx (carrier-selection prefix); they are real mobile ranges.
    ("17912345678", "+8617912345678", True, "mobile", None),
    ("19912345678", "+8619912345678", True, "mobile", None),
    ("021-61234567", SHANGHAI, True, "landline", None),
    ("02161234567", SHANGHAI, True, "landline", None),
    ("(021) 6123 4567", SHANGHAI, True, "landline", None),
    ("021/6123/4567", SHANGHAI, True, "landline", None),
    ("+86 (0)21 6123 4567", SHANGHAI, True, "landline", None),
    ("+86 21 6123 4567", SHANGHAI, True, "landline", None),
    ("862161234567", SHANGHAI, True, "landline", None),
    ("010-12345678", "+861012345678", True, "landline", None),
    ("0755-86013388", "+8675586013388", True, "landline", None),
    ("021-61234567 ext 801", SHANGHAI, True, "landline", "801"),
    ("021-61234567 EXT. 801", SHANGHAI, True, "landline", "801"),
    ("021-61234567转801", SHANGHAI, True, "landline", "801"),
    ("021-61234567 分机 801", SHANGHAI, True, "landline", "801"),
    ("021-61234567-801", SHANGHAI, True, "landline", "801"),
    ("95555", "95555", True, "service", None),
    ("+8695555", "95555", True, "service", None),
    ("95588", "95588", True, "service", None),
    ("10086", "10086", True, "service", None),
    ("12386", "12386", True, "service", None),
    ("400-812-3123", "+864008123123", True, "service", None),
    ("400 812 3123", "+864008123123", True, "service", None),
    ("800-810-0888", "+868008100888", True, "service", None),
    ("4008123123#2", "+864008123123", True, "service", "2"),
    ("+1 650 253 0000", "+16502530000", True, "other", None),
    ("001 650 253 0000", "+16502530000", True, "other", None),
    ("+44 20 7946 0958", "+442079460958", True, "landline", None),
    # invalid: kept as the digits given, flagged, never dropped
    ("62345678", "62345678", False, "other", None),  # local number without area code
    ("1381234567", "1381234567", False, "other", None),  # one digit short
    ("12345678901", "12345678901", False, "other", None),  # 12x is no mobile range
    ("+999 1234", "+9991234", False, "other", None),
    ("anonymous", "", False, "other", None),
    ("+", "", False, "other", None),
    ("", "", False, "other", None),
]


@pytest.mark.parametrize(("raw", "e164", "valid", "kind", "extension"), CASES)
def test_phone_forms_normalise(raw: str, e164: str, valid: bool, kind: str, extension: str | None) -> None:
    phone = normalize(raw)
    assert phone == NormalizedPhone(e164=e164, raw=raw, valid=valid, kind=kind, extension=extension)


def test_lookup_key_ignores_extension_and_separators() -> None:
    assert lookup_key("021-61234567 转 801") == lookup_key("+86 21 6123 4567") == SHANGHAI


@pytest.mark.parametrize("hostile",
                         ["%", "'; drop table customer; --", "1" * 10_000, "\x00\x07\x1b[2J", "\ud800\udfff", "转转转"])
def test_hostile_input_is_flagged_not_raised(hostile: str) -> None:
    phone = normalize(hostile)
    assert phone.raw == hostile
    assert not phone.valid
    assert len(phone.e164) <= 20  # fits CustomerPhone.e164; the raw text is kept whole


def test_control_characters_inside_a_number_are_dropped() -> None:
    assert normalize("\x00138\x071234\t5678").e164 == MOBILE


@settings(deadline=None)  # no timing in tests: a loaded machine must not fail them
@given(st.text(max_size=80))
def test_normalize_never_raises_and_key_is_digits(raw: str) -> None:
    phone = normalize(raw)
    assert phone.raw == raw
    assert phone.e164 == "" or phone.e164.lstrip("+").isdigit()


@settings(deadline=None)  # no timing in tests: a loaded machine must not fail them
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_cn_mobile_form_has_one_key(national: str) -> None:
    forms = [national, "+86" + national, "0086" + national, f"{national[:3]} {national[3:7]} {national[7:]}"]
    assert {lookup_key(form) for form in forms} == {"+86" + national}


@settings(deadline=None)  # no timing in tests: a loaded machine must not fail them
@given(st.text(alphabet="0123456789+- ", max_size=24))
def test_normalising_a_key_again_gives_the_same_key(raw: str) -> None:
    phone = normalize(raw)
    if phone.valid:
        assert normalize(phone.e164).e164 == phone.e164


@pytest.mark.parametrize(
    ("raw", "region", "e164", "valid"),
    [
        ("(650) 253-0000", "US", "+16502530000", True),
        ("020 7946 0958", "GB", "+442079460958", True),
        ("+86 138 1234 5678", "US", MOBILE, True),  # a +86 number is Chinese whatever the region
        ("13812345678", "US", "13812345678", False),  # a national CN form means nothing in the US
    ],
)
def test_other_default_regions(raw: str, region: str, e164: str, valid: bool) -> None:
    phone = normalize(raw, region)
    assert (phone.e164, phone.valid) == (e164, valid)
