"""QA scoring: a call reviewed against the center's form (``[qa]`` in config.toml).

Each criterion of the form is marked ``pass``, ``fail`` or ``na`` (does not apply to this call:
risk disclosure when nothing was sold). The score is the weight passed over the weight that
applied, 0–100, one decimal; failing a ``fatal`` criterion (a compliance breach: identity not
verified before disclosure, no risk disclosure on a sale, no recording notice) makes it 0. A
review must mark every criterion of the form and nothing else. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Mark = Literal["pass", "fail", "na"]
MARKS: tuple[Mark, ...] = ("pass", "fail", "na")


class Criterion(Protocol):
    id: str
    weight: float
    fatal: bool


class FormError(ValueError):
    """A review that does not fit the form; ``key`` is its i18n message, ``values`` its fields."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True, slots=True)
class QaScore:
    score: float  # 0–100
    fatal: bool  # a fatal criterion failed
    failed: tuple[str, ...]  # the criteria failed, in the form's order
    passed: bool  # at least the pass mark and not fatal


def check(form: Sequence[Criterion], marks: Mapping[str, str]) -> None:
    """FormError unless ``marks`` marks each criterion of ``form`` once with a known mark."""
    known = {c.id for c in form}
    unknown = sorted(set(marks) - known)
    if unknown:
        raise FormError("crm.qa.unknown_criterion", criteria=", ".join(unknown))
    missing = [c.id for c in form if c.id not in marks]
    if missing:
        raise FormError("crm.qa.missing_criterion", criteria=", ".join(missing))
    for criterion, mark in marks.items():
        if mark not in MARKS:
            raise FormError("crm.qa.bad_mark", criterion=criterion, mark=str(mark))
    if all(marks[c.id] == "na" for c in form):
        raise FormError("crm.qa.nothing_applies")


def score(form: Sequence[Criterion], marks: Mapping[str, str], pass_mark: float) -> QaScore:
    check(form, marks)
    applied = [c for c in form if marks[c.id] != "na"]
    failed = tuple(c.id for c in applied if marks[c.id] == "fail")
    fatal = any(c.fatal for c in applied if marks[c.id] == "fail")
    total = sum(c.weight for c in applied)
    value = 0.0 if fatal else round(100 * sum(c.weight for c in applied if marks[c.id] == "pass") / total, 1)
    return QaScore(value, fatal, failed, not fatal and value >= pass_mark)
