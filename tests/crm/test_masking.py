import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.crm.masking import mask_customer, mask_id_number, mask_phone, national_digits

SUMMARY = {
    "id": 7, "name": "张三", "tier": "gold", "aum": "800000.00", "aum_band": "50万–200万",
    "id_number": "31010119900101123X", "birth_date": "1990-01-01",
    "phones": [{"number": "+8613812348000", "kind": "mobile"}, {"number": "+862162345678", "kind": "landline"}],
}


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+8613812348000", "138****8000"),
        ("+8617912345678", "179****5678"),
        ("+862162345678", "021****5678"),
        ("+85291234567", "008******4567"),
        ("95555", "95555"),
        ("13812348000", "138****8000"),
    ],
)
def test_mask_phone(number, masked):
    assert mask_phone(number) == masked


def test_national_digits():
    assert national_digits("+8613812348000") == "13812348000"
    assert national_digits("+862162345678") == "02162345678"
    assert national_digits("+14155550100") == "0014155550100"


@pytest.mark.parametrize(
    ("id_number", "masked"),
    [
        ("31010119900101123X", "3101**********123X"),
        ("31010119900101123x", "3101**********123X"),
        ("310101900101123", "3101*******1123"),  # old 15-digit ids
        ("", ""),
        ("1234567", "*****67"),  # too short to keep both ends: only a little of the tail
    ],
)
def test_mask_id_number(id_number, masked):
    assert mask_id_number(id_number) == masked


@pytest.mark.parametrize("role", ["agent", "supervisor", "manager", "admin"])
def test_every_role_sees_masked_until_verified(role):
    masked = mask_customer(SUMMARY, verified=False, role=role)
    assert masked["masked"] is True
    assert masked["id_number"] == "3101**********123X"
    assert [p["number"] for p in masked["phones"]] == ["138****8000", "021****5678"]
    assert masked["aum"] is None and masked["aum_band"] == "50万–200万"
    assert masked["birth_date"] is None
    assert masked["name"] == "张三" and masked["tier"] == "gold"
    # The input is not modified: the unmasked form stays with the caller.
    assert SUMMARY["phones"][0]["number"] == "+8613812348000"


def test_verified_sees_everything():
    shown = mask_customer(SUMMARY, verified=True, role="agent")
    assert shown["masked"] is False
    assert shown["id_number"] == SUMMARY["id_number"] and shown["aum"] == "800000.00"
    assert shown["phones"] == SUMMARY["phones"] and shown["birth_date"] == "1990-01-01"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_hides_the_middle_four(mobile):
    masked = mask_phone("+86" + mobile)
    assert masked == mobile[:3] + "****" + mobile[-4:]
    assert masked[3:7] == "****"


@given(st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True))
def test_masked_id_keeps_only_eight_characters(id_number):
    masked = mask_id_number(id_number)
    assert len(masked) == 18 and masked.count("*") == 10
    assert masked[:4] == id_number[:4] and masked[-4:] == id_number[-4:]
