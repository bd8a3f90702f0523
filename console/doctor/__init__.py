"""`calldesk doctor`: does this installation have everything calldesk needs? One finding per
thing, right or to fix, from the configured PBXs (by trying over AMI: console/doctor/pbx.py)
and this side (the database, the dialer's window: console/doctor/local.py)."""

from __future__ import annotations

import datetime as dt

from console.config import Settings
from console.doctor.findings import Finding


async def examine(settings: Settings, now: dt.datetime) -> list[tuple[str, list[Finding]]]:
    """(section title, findings) in the order an administrator fixes things."""
    import asyncio

    from console.doctor.local import check_store, describe_window
    from console.doctor.pbx import check_pbx
    from console.i18n import t

    store, agents = await asyncio.to_thread(check_store, settings)
    sections = [(t("doctor.section.store"), store)]
    for pbx in settings.pbx:
        sections.append((t("doctor.section.pbx", name=pbx.name), await check_pbx(settings, pbx, agents)))
    sections.append((t("doctor.section.dialer"), [describe_window(settings, now)]))
    return sections
