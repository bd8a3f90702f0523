"""Caller verification by questions: is the person on the line this customer?

The agent asks and types what the caller says; the server compares it with the record, so
the agent never needs to see the answers (they are masked until verification succeeds).
Only facts the masked profile does NOT show count as questions: the full id number, the date
of birth, a full registered phone number. (The client number and the name are on the masked
profile, so repeating them proves nothing; the id number's last four are shown masked too.)

Passing takes at least :data:`REQUIRED_CORRECT` different questions answered right and none
answered wrong: one wrong answer fails the attempt even if others were right, so guessing
costs the guesser.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.crm.phones import normalize

QUESTIONS = ("id_number", "birth_date", "phone")
REQUIRED_CORRECT = 2
MAX_FAILED_ATTEMPTS = 3
"""Failed attempts per call and customer after which questions are no longer accepted (a
caller guessing dates of birth gets three tries, then a supervisor)."""


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class VerificationResult:
    ok: bool
    correct: tuple[str, ...]
    wrong: tuple[str, ...]
    unknown: tuple[str, ...] = ()
    """Questions we do not know (ignored, reported so the console can be fixed)."""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().upper().replace(" ", "")


def _birth_date_matches(answer: str, birth_date: dt.date | None) -> bool:
    if birth_date is None:
        return False
    digits = "".join(ch for ch in _fold(answer) if ch.isdigit())
    return digits == birth_date.strftime("%Y%m%d")


def _is_right(question: str, answer: str, id_number: str, birth_date: dt.date | None,
              phones: Iterable[str]) -> bool:
    if question == "id_number":
        return bool(id_number) and _fold(answer) == _fold(id_number)
    if question == "birth_date":
        return _birth_date_matches(answer, birth_date)
    phone = normalize(answer)
    return phone.valid and phone.e164 in set(phones)


def check_answers(answers: Sequence[Answer], id_number: str, birth_date: dt.date | None,
                  phones: Iterable[str]) -> VerificationResult:
    """Compare the caller's answers with the record (see the module doc for the rule)."""
    phones = tuple(phones)
    correct: list[str] = []
    wrong: list[str] = []
    unknown: list[str] = []
    for item in answers:
        if item.question not in QUESTIONS:
            unknown.append(item.question)
        elif _is_right(item.question, item.answer, id_number, birth_date, phones):
            if item.question not in correct:
                correct.append(item.question)
        else:
            wrong.append(item.question)
    ok = len(correct) >= REQUIRED_CORRECT and not wrong
    return VerificationResult(ok, tuple(correct), tuple(wrong), tuple(unknown))
