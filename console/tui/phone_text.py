"""Phone numbers as Chinese agents read them, and as the server's search finds them.

The server sends numbers in E.164 (``+8618031746010``) or as bare service numbers (``95555``);
agents read national form: mobiles ``180 3174 6010``, landlines ``0571-8516 8151``, service
numbers as they are, foreign numbers in international form. Masked numbers (``153****5833``)
and anything that does not parse are shown untouched. This module uses phonenumbers directly:
the console may not import ``console.crm`` (whose normaliser decides what is stored).
"""

from __future__ import annotations

import phonenumbers

_MOBILE_NSN_LEN = 11  # 1[3-9] + 9 digits; phonenumbers rejects some real ranges (179xx), so by shape


def _is_mobile(nsn: str) -> bool:
    # Beijing landlines start with 1 too (010), but are 10 digits.
    return len(nsn) == _MOBILE_NSN_LEN and nsn[0] == "1" and nsn[1] in "3456789"


def _parse_e164(number: str) -> phonenumbers.PhoneNumber | None:
    if not number.startswith("+") or "*" in number:
        return None
    try:
        return phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None


def _parse_national(number: str) -> phonenumbers.PhoneNumber | None:
    # A caller ID as the PBX gives it (13800000001, 02161234567): read as a Chinese number.
    # Short numbers (95555) and anything not all digits are left to be shown as they are.
    if not number.isascii() or not number.isdigit() or len(number) < 10:
        return None
    try:
        return phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return None


def display_number(number: str | None) -> str:
    """``+8618031746010`` → ``180 3174 6010``; ``+8657185168151`` → ``0571-8516 8151``."""
    if not number:
        return ""
    parsed = _parse_e164(number) or _parse_national(number)
    if parsed is None:
        return number
    nsn = phonenumbers.national_significant_number(parsed)
    if parsed.country_code != 86:
        if not phonenumbers.is_valid_number(parsed):
            return number
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if _is_mobile(nsn):
        return f"{nsn[:3]} {nsn[3:7]} {nsn[7:]}"
    if not phonenumbers.is_valid_number(parsed):
        return number
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    # A landline's area code is written apart with a dash: 0571-8516 8151, 021-6123 4567.
    return national.replace(" ", "-", 1) if national.startswith("0") else national


def dialable_digits(number: str | None) -> str:
    """The digits a Chinese agent would type: ``18031746010``, ``057185168151``, ``0014155552671``.

    The server's search normalises these back to the stored number, so a quick search
    pre-filled with them finds the customer.
    """
    if not number:
        return ""
    parsed = _parse_e164(number)
    if parsed is None:
        # A masked number cannot be searched for; a bare service number is its own digits.
        return "" if "*" in number else "".join(ch for ch in number if ch.isdigit())
    nsn = phonenumbers.national_significant_number(parsed)
    if parsed.country_code != 86:
        return f"00{parsed.country_code}{nsn}"
    if _is_mobile(nsn) or nsn.startswith(("400", "800")):
        return nsn
    return "0" + nsn  # landline: trunk prefix
