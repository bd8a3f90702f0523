"""What `calldesk doctor` found: one line each, right, worth a look, or to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "info", "warn", "fail"]


@dataclass(frozen=True)
class Finding:
    status: Status
    text: str
    """What was found, in the configured language."""
    fix: str | None = None
    """What to do about it (a failure always says)."""
    # "info": something the doctor cannot try without side effects; said, not counted against.

    @property
    def failed(self) -> bool:
        return self.status == "fail"


def ok(text: str) -> Finding:
    return Finding("ok", text)


def info(text: str) -> Finding:
    return Finding("info", text)


def warn(text: str, fix: str | None = None) -> Finding:
    return Finding("warn", text, fix)


def fail(text: str, fix: str) -> Finding:
    return Finding("fail", text, fix)
