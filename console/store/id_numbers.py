"""Chinese resident identity card numbers (GB 11643): the check digit, validation, generation.

18 characters: 6-digit region code, birth date YYYYMMDD, 3-digit sequence (odd = male), and
an ISO 7064 MOD 11-2 check character (0-9 or X).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def is_valid(id_number: str) -> bool:
    """Right shape, right check character and a real birth date."""
    if not _SHAPE.match(id_number) or id_check_digit(id_number[:17]) != id_number[17]:
        return False
    try:
        dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return False
    return True


def _checksum(digits: str) -> int:
    """The weighted sum of the leading digits (all 17, or a prefix such as the region's 6)."""
    return sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS, strict=False))


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident id number."""
    return _ID_CHECK[_checksum(first17) % 11]


@lru_cache(maxsize=64)
def _region_part(region: str) -> int:
    return _checksum(region)


@lru_cache(maxsize=40_000)
def _birth_part(birth: dt.date) -> tuple[str, int]:
    text = f"{birth:%Y%m%d}"
    return text, sum(int(d) * w for d, w in zip(text, _ID_WEIGHTS[6:14], strict=True))


# The sequence (000-999) as text with its part of the weighted sum.
_SEQUENCES = tuple((f"{n:03d}", sum(int(d) * w for d, w in zip(f"{n:03d}", _ID_WEIGHTS[14:], strict=True)))
                   for n in range(1000))


def resident_id(region: str, birth: dt.date, sequence: int) -> str:
    """An 18-character id number; an odd sequence means male."""
    birth_text, birth_weight = _birth_part(birth)
    tail, weight = _SEQUENCES[sequence]
    return f"{region}{birth_text}{tail}{_ID_CHECK[(_region_part(region) + birth_weight + weight) % 11]}"
