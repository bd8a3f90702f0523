"""Formatting for the screen: local times, durations, and padding by terminal cell width.

Chinese characters take two cells; padding by ``len`` would push every column after a name
out of line, so widths here are Rich cell widths.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rich.cells import cell_len

from console.i18n import has, t


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (never cut)."""
    return text + " " * max(0, width - cell_len(text))


def parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def local_time(value: str | dt.datetime | None, tz: ZoneInfo, with_date: bool = True) -> str:
    """An API time shown in the center's zone: ``11-22 14:05`` (or ``14:05``)."""
    moment = parse_time(value) if isinstance(value, str) or value is None else value
    if moment is None:
        return "—"
    local = moment.astimezone(tz)
    return local.strftime("%m-%d %H:%M" if with_date else "%H:%M")


def duration(seconds: float) -> str:
    """``mm:ss`` under an hour, ``h:mm:ss`` from there."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


# Names the CRM catalogue owns (console/i18n/crm.py): one translation, shared with the server.
SHARED = {"category": "crm.category", "priority": "crm.priority", "disposition": "crm.disposition",
          "ticket_status": "crm.status"}


def label(kind: str, value: str | None) -> str:
    """The translated name of a code (``tier``, ``risk``, ``state``…), or the code itself."""
    if not value:
        return "—"
    for key in (f"console.{kind}.{value}", f"{SHARED.get(kind, 'console.' + kind)}.{value}"):
        if has(key):
            return t(key)
    return value


def choices(items: list, kind: str) -> list[tuple[str, str]]:
    """(label, value) pairs for a Select from a config list of ids or ``{id, label}`` dicts."""
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            value = str(item.get("id") or item.get("code") or item.get("name"))
            out.append((str(item.get("label") or item.get("name") or label(kind, value)), value))
        else:
            out.append((label(kind, str(item)), str(item)))
    return out
