"""Adding leads to a campaign from a CSV text or a customer filter (the CLI and the API share it)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from console.crm import campaign_admin as admin
from console.crm import campaign_audit as audit
from console.crm.campaign_csv import parse_leads
from console.crm.campaign_leads import CustomerFilter, LeadIn, add_leads, filter_leads


def _add(conn: Any, settings: Any, campaign: Any, leads: list[LeadIn], now: dt.datetime) -> dict[str, Any]:
    return add_leads(conn, campaign, leads, now, valid_days=settings.risk.assessment_valid_days,
                     tz=settings.center.time_zone).to_json()


def import_csv_text(engine: Any, settings: Any, campaign_id: int, text: str, now: dt.datetime,
                    actor_id: int | None = None) -> dict[str, Any]:
    """``{rows, added, excluded: {reason: n}, duplicates, errors: [{line, reason}]}``; good rows are
    kept whatever the bad ones. Audited ``campaign.leads_import`` (the counts) as ``actor_id``."""
    with engine.begin() as conn:
        campaign = admin.get(conn, campaign_id)
        parsed = parse_leads(conn, text)
        report = _add(conn, settings, campaign, parsed.leads, now)
        audit.record(conn, actor_id, audit.LEADS_IMPORT, now, {"campaign": campaign_id, "rows": parsed.rows,
                                                               **report, "refused": len(parsed.errors)})
    return {"rows": parsed.rows, **report,
            "errors": [{"line": line, "reason": reason} for line, reason in parsed.errors]}


def import_filter(engine: Any, settings: Any, campaign_id: int, risk_expiring_days: int | None,
                  tiers: tuple[str, ...], branch: str | None, now: dt.datetime,
                  churn_level: str | None = None, actor_id: int | None = None) -> dict[str, Any]:
    """``{matched, added, excluded, duplicates}``; ``churn_level`` (medium, high): customers whose churn
    score reaches that level of ``[churn]``. Audited ``campaign.leads_filter`` (the filter, the counts)."""
    today = now.astimezone(ZoneInfo(settings.center.time_zone)).date()
    floor = {"medium": settings.churn.medium_at, "high": settings.churn.high_at}.get(churn_level or "")
    flt = CustomerFilter(risk_expiring_days, tiers, branch, floor / 100 if floor is not None else None)
    with engine.begin() as conn:
        campaign = admin.get(conn, campaign_id)
        leads = filter_leads(conn, flt, today, settings.risk.assessment_valid_days)
        report = {"matched": len(leads), **_add(conn, settings, campaign, leads, now)}
        audit.record(conn, actor_id, audit.LEADS_FILTER, now, {
            "campaign": campaign_id, "filter": {"risk_expiring_days": risk_expiring_days, "tiers": list(tiers),
                                                "branch": branch, "churn_level": churn_level}, **report})
        return report
