"""Turning whatever an agent typed into the parts the index can match.

One box takes everything: 张三, zhang san, zs, 张三 5678, 138 1234 5678, 123X. We never pass
the text to SQL; we cap it, drop control characters and lone surrogates, fold full-width
forms (NFKC) and split it into Han, Latin and digit runs. Everything else (``%``, quotes,
semicolons) only separates runs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Nobody types more than this into a search box; longer input is cut before any work.
MAX_QUERY_CHARS = 64
_MAX_RAW_SCAN = 4 * MAX_QUERY_CHARS

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# "138 1234 5678", "021-6123-4567": digit groups split only by spacing belong together.
_SPACING = re.compile(r"[\s\-/.()]*")
_RUN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<id4>(?<![0-9a-z])[0-9]{{3}}x(?![0-9a-z]))"
                  r"|(?P<digits>[0-9]+)|(?P<latin>[a-z]+)")


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query split into what can match which field."""

    text: str
    """The cleaned query (what was searched for)."""
    han: str
    """All Han characters, in order: a name or part of one."""
    latin: tuple[str, ...]
    """Latin words: pinyin (full, partial, spaced) or initials."""
    digits: tuple[str, ...]
    """Digit runs: phone suffix, client-number prefix, id last 4."""
    id_last4: str | None
    """An id-number tail written with its check letter (``123X``), upper case."""

    @property
    def empty(self) -> bool:
        return not (self.han or self.latin or self.digits or self.id_last4)

    @property
    def latin_compact(self) -> str:
        return "".join(self.latin)


def clean(raw: object) -> str:
    """The query as searched: bounded, printable, NFKC-folded, lowercase."""
    if not isinstance(raw, str):
        return ""
    text = raw[:_MAX_RAW_SCAN]
    # Lone surrogates (from a bad paste or a hostile client) cannot be encoded: drop them first.
    text = "".join(ch for ch in text if not "\ud800" <= ch <= "\udfff")
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.lower().split())[:MAX_QUERY_CHARS]


def parse(raw: object) -> ParsedQuery:
    text = clean(raw)
    han: list[str] = []
    latin: list[str] = []
    digits: list[str] = []
    id_last4: str | None = None
    joinable_from = -1  # where the last digit run ended, or -1
    for match in _RUN.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "digits" and joinable_from >= 0 and _SPACING.fullmatch(text, joinable_from, match.start()):
            digits[-1] += value
            joinable_from = match.end()
            continue
        joinable_from = match.end() if kind == "digits" else -1
        if kind == "han":
            han.append(value)
        elif kind == "id4":
            id_last4 = value.upper()
        elif kind == "digits":
            digits.append(value)
        else:
            latin.append(value)
    return ParsedQuery(text, "".join(han), tuple(latin), tuple(digits), id_last4)
