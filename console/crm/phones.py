"""Phone normalisation: every number is stored and looked up in one canonical form.

Chinese numbers get their own rules before phonenumbers is asked, because the library is
wrong or silent on forms our callers really use:

* mobiles ``1[3-9]`` + 9 digits are valid mobiles, including 179xx (phonenumbers reads
  179xx as a carrier-selection prefix and rejects them; they are real mobile ranges);
* short service numbers (95555, 96xxx, 10086, 12315, 110) are not E.164 at all: their key is
  the bare short number, whatever country prefix the caller ID carried;
* caller IDs arrive with ``+86``, ``0086``, ``86`` or a trunk ``0`` in front of a mobile, with
  extensions written ``ext 801``, ``转801`` or ``-801``, with full-width digits.

Invalid input is never dropped: it keeps its digits as its key and says ``valid=False``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumberType

Kind = Literal["mobile", "landline", "service", "other"]

# Long enough for any real number with an extension; longer input is junk we only keep raw.
MAX_SCAN_CHARS = 64
# The key of an invalid number is cut to the width of CustomerPhone.e164 (no real number is longer).
MAX_KEY_CHARS = 20

_EXTENSION = re.compile(
    r"^(?P<main>.*?)\s*(?:ext\.?|extension|x|转|分机号?|#|,|;)\s*(?P<ext>\d{1,6})\s*$",
    re.IGNORECASE,
)
_DASH_EXTENSION = re.compile(r"^(?P<main>.*\d)\s*-\s*(?P<ext>\d{1,5})\s*$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE_E164 = re.compile(r"^[48]00\d{7}$")
_SERVICE_SHORT = re.compile(r"^(?:9[56]\d{3,6}|1[0-2]\d{3}|1[12]\d)$")

_KIND_BY_TYPE: dict[int, Kind] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.TOLL_FREE: "service",
    PhoneNumberType.SHARED_COST: "service",
    PhoneNumberType.PREMIUM_RATE: "service",
    PhoneNumberType.UAN: "service",
}


@dataclass(frozen=True, slots=True)
class NormalizedPhone:
    """A phone number in canonical form. ``e164`` is the lookup key (see module doc)."""

    e164: str
    raw: str
    valid: bool
    kind: Kind
    extension: str | None = None


def _fold(raw: str) -> str:
    # NFKC turns full-width digits and '＋' into ASCII; control characters are dropped.
    text = unicodedata.normalize("NFKC", raw[: MAX_SCAN_CHARS * 2])
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")[:MAX_SCAN_CHARS]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9")


def _cn_national(digits: str, has_plus: bool) -> str | None:
    """The national significant number of a Chinese number, or None for a foreign one."""
    if has_plus:
        if not digits.startswith("86"):
            return None
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("00"):
        return None
    elif digits.startswith("86") and len(digits) in (12, 13):
        # 86 + a 10/11-digit national number; no national number is 12-13 digits starting 86.
        digits = digits[2:]
    if digits.startswith("0") and len(digits) >= 10:
        digits = digits[1:]  # trunk prefix, also seen in front of mobiles from other cities
    return digits


def _classify_cn(nsn: str) -> tuple[str, bool, Kind] | None:
    if _MOBILE.match(nsn):
        return "+86" + nsn, True, "mobile"
    if _SERVICE_E164.match(nsn):
        return "+86" + nsn, True, "service"
    if _SERVICE_SHORT.match(nsn):
        return nsn, True, "service"
    try:
        number = phonenumbers.parse("0" + nsn, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = _KIND_BY_TYPE.get(phonenumbers.number_type(number), "landline")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True, kind


def _classify_foreign(main: str, digits: str, has_plus: bool, region: str) -> tuple[str, bool, Kind] | None:
    text = "+" + digits if has_plus else ("+" + digits[2:] if digits.startswith("00") else main)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = _KIND_BY_TYPE.get(phonenumbers.number_type(number), "other")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True, kind


def _classify(main: str, region: str) -> tuple[str, bool, Kind] | None:
    has_plus = main.lstrip().startswith("+")
    digits = _digits(main)
    if not digits:
        return None
    if region.upper() == "CN" or (has_plus and digits.startswith("86")):
        nsn = _cn_national(digits, has_plus)
        if nsn is not None:
            return _classify_cn(nsn)
    return _classify_foreign(main, digits, has_plus, region)


def normalize(raw: str, region: str = "CN") -> NormalizedPhone:
    """Canonical form of ``raw``; never raises, never drops: invalid input says valid=False."""
    raw = raw if isinstance(raw, str) else ""
    text = _fold(raw)
    main, extension = text, None
    explicit = _EXTENSION.match(text)
    if explicit and _digits(explicit["main"]):
        main, extension = explicit["main"], explicit["ext"]
    result = _classify(main, region)
    if result is None and extension is None:
        # "021-61234567-801": a trailing dash group is an extension only if the rest is valid.
        dashed = _DASH_EXTENSION.match(text)
        if dashed:
            result = _classify(dashed["main"], region)
            if result is not None and result[2] == "landline":
                extension = dashed["ext"]
            else:
                result = None
    if result is None:
        digits = _digits(main)
        cleaned = ("+" if digits and main.lstrip().startswith("+") else "") + digits
        return NormalizedPhone(cleaned[:MAX_KEY_CHARS], raw, False, "other", extension)
    e164, valid, kind = result
    return NormalizedPhone(e164, raw, valid, kind, extension)


def lookup_key(raw: str, region: str = "CN") -> str:
    """The key under which a number is stored and found (extension ignored; "" if no digits)."""
    return normalize(raw, region).e164
