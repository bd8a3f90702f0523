"""What `calldesk doctor` checks on this side: the database and its schema, and the dialer's
calling window in the center's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from console.config import Settings
from console.doctor.findings import Finding, fail, info, ok
from console.i18n import t
from console.store.models import Campaign, Staff
from console.store.tables import table_of


def check_store(settings: Settings) -> tuple[list[Finding], dict[str, str]]:
    """Findings about the database, and calldesk's active agents (extension -> name)."""
    from console.store.db import describe, open_engine
    from console.store.migrate import current_revision, head_revision

    try:
        engine = open_engine(settings.database.url, check=False)
        with engine.connect() as conn:
            conn.execute(select(1))
    except Exception as exc:  # whatever the driver says, said in one line
        return [fail(t("doctor.db.unreachable", error=str(exc).splitlines()[0]), t("doctor.fix.db"))], {}
    try:
        current, head = current_revision(engine), head_revision()
        found = [ok(t("doctor.db.reachable", db=describe(engine)))]
        if current != head:
            found.append(fail(t("doctor.db.schema_behind", current=current or "—", head=head),
                              t("doctor.fix.schema")))
            return found, {}
        found.append(ok(t("doctor.db.schema", revision=head)))
        s, k = table_of(Staff).c, table_of(Campaign).c
        with engine.connect() as conn:
            agents = {r.extension: r.name for r in conn.execute(
                select(s.extension, s.name).where(s.active, s.role == "agent", s.extension.is_not(None)))}
            running = conn.execute(select(k.name).where(k.status == "running")).scalars().all()
        found.append(info(t("doctor.db.agents", count=len(agents))))
        if running:
            found.append(info(t("doctor.db.campaigns_running", names="、".join(running))))
        return found, agents
    finally:
        engine.dispose()


def describe_window(settings: Settings, now: dt.datetime) -> Finding:
    """The dialer's calling window in words, and whether it is open at ``now`` (aware)."""
    from console.crm.campaigns import CallingWindow

    dialer = settings.dialer
    tz = ZoneInfo(settings.center.time_zone)
    window = CallingWindow(dialer.window_start, dialer.window_end, frozenset(dialer.weekdays),
                           frozenset(dialer.holidays), tz)
    local = now.astimezone(tz)
    days = ",".join(str(d) for d in dialer.weekdays)
    state = t("doctor.dialer.open") if window.is_open(now) else t("doctor.dialer.closed")
    return ok(t("doctor.dialer.window", start=dialer.window_start.strftime("%H:%M"),
                end=dialer.window_end.strftime("%H:%M"), days=days, tz=settings.center.time_zone,
                holidays=len(dialer.holidays), now=local.strftime("%Y-%m-%d %H:%M %a"), state=state))
