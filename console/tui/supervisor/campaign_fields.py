"""The campaign form's values as the API's JSON, and back: plain data, no Textual.

The form holds text (inputs) and codes (selects); :func:`parse` turns them into the body of
``POST /api/campaigns`` with a message per field for what is obviously wrong (the server checks
everything again and has the last word). :func:`changes` keeps only what an edit changed, so a
``PATCH`` writes nothing the supervisor did not touch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from console.i18n import t

KINDS = ("callback", "survey", "compliance", "marketing")
MODES = ("preview", "progressive", "predictive")
PRODUCT_RISKS = ("R1", "R2", "R3", "R4", "R5")
TIERS = ("standard", "silver", "gold", "platinum", "diamond")

# The server's defaults (console.crm.campaign_admin.CampaignSpec): what a new form starts with.
NEW: dict[str, str | None] = {
    "name": "", "kind": "callback", "mode": "progressive", "queue": "retail",
    "window_start": "09:00", "window_end": "20:00", "max_attempts": "3",
    "retry_busy_min": "10", "retry_noanswer_min": "60", "retry_failed_min": "30",
    "caller_id": "", "product_risk": None, "script_slug": None, "agents": "",
}
FIELDS = tuple(NEW)
# Whole minutes; (lowest, highest or None).
NUMBERS = {"max_attempts": (1, 20), "retry_busy_min": (0, None), "retry_noanswer_min": (0, None),
           "retry_failed_min": (0, None)}
NAME_MAX = 128
CALLER_ID_MAX = 32
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_EXTENSION = re.compile(r"\d{1,16}")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def hhmm(value: str) -> str | None:
    """``9:05`` -> ``09:05``; None when it is not a time of day."""
    match = _HHMM.fullmatch(value.strip())
    return f"{int(match[1]):02d}:{match[2]}" if match else None


def split_agents(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def parse(values: Mapping[str, str | None]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the JSON body, {field: message}) of the form's values; the body is only good without errors."""
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = t("camp.form.err.name")
    elif len(name) > NAME_MAX:
        errors["name"] = t("camp.form.err.name_long", max=NAME_MAX)
    body["name"] = name
    for field in ("kind", "mode", "queue"):
        body[field] = values.get(field)
        if not body[field]:
            errors[field] = t("camp.form.err.choose")
    for field in ("window_start", "window_end"):
        typed = (values.get(field) or "").strip()
        body[field] = hhmm(typed)
        if body[field] is None:
            errors[field] = t("camp.form.err.time", value=typed) if typed else t("camp.form.err.no_time")
    if "window_start" not in errors and "window_end" not in errors and body["window_start"] >= body["window_end"]:
        errors["window_end"] = t("camp.form.err.window", start=body["window_start"], end=body["window_end"])
    for field, (low, high) in NUMBERS.items():
        text = (values.get(field) or "").strip()
        number = int(text) if text.isdigit() else None
        if number is None or number < low or (high is not None and number > high):
            errors[field] = (t("camp.form.err.range", low=low, high=high) if high is not None
                             else t("camp.form.err.at_least", low=low))
        body[field] = number
    body["caller_id"] = (values.get("caller_id") or "").strip()
    body["product_risk"] = values.get("product_risk") or None
    if body["kind"] == "marketing" and body["product_risk"] is None:
        errors["product_risk"] = t("camp.form.err.marketing_risk")
    body["script_slug"] = values.get("script_slug") or None
    agents = split_agents(values.get("agents") or "")
    bad = [a for a in agents if not _EXTENSION.fullmatch(a)]
    if bad:
        errors["agents"] = t("camp.form.err.agents", items=", ".join(bad))
    body["agents"] = list(dict.fromkeys(agents))
    return body, errors


def create_body(body: dict[str, Any]) -> dict[str, Any]:
    """What a create sends: ``agents`` only when some are named (empty = the queue's members)."""
    return {k: v for k, v in body.items() if k != "agents" or v}


def form_values(campaign: Mapping[str, Any]) -> dict[str, str | None]:
    """A campaign as the API returns it, as the form shows it (times as ``HH:MM``)."""
    out: dict[str, str | None] = {}
    for field, default in NEW.items():
        value = campaign.get(field, default)
        if field in ("window_start", "window_end"):
            value = str(value)[:5]
        elif field == "agents":
            value = " ".join(value or [])
        elif field in NUMBERS:
            value = str(value)
        out[field] = value if value is None or isinstance(value, str) else str(value)
    return out


def changes(campaign: Mapping[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``body`` whose value differs from the campaign's."""
    before, _ = parse(form_values(campaign))
    return {k: v for k, v in body.items() if before.get(k) != v}


def lead_filter(days: str, tiers: list[str], branch: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The body of ``POST …/leads/filter`` and {field: message}; an empty filter is refused (it
    would take in every customer)."""
    text = days.strip()
    errors: dict[str, str] = {}
    if text and not (text.isdigit() and int(text) <= 3650):
        errors["days"] = t("camp.form.err.range", low=0, high=3650)
    body = {"risk_expiring_days": int(text) if text.isdigit() else None, "tiers": list(tiers),
            "branch": branch.strip() or None}
    if not errors and body["risk_expiring_days"] is None and not tiers and not body["branch"]:
        errors["days"] = t("camp.leads.err.empty_filter")
    return body, errors


def lead_report(result: Mapping[str, Any]) -> list[str]:
    """What an import or a filter did, in lines: added, excluded by reason, bad rows by line."""
    lines = []
    if "matched" in result:
        lines.append(t("camp.leads.matched", n=result["matched"]))
    if "rows" in result:
        lines.append(t("camp.leads.rows", n=result["rows"]))
    lines.append(t("camp.leads.added", n=result.get("added", 0), duplicates=result.get("duplicates", 0)))
    for reason, n in sorted((result.get("excluded") or {}).items()):
        lines.append(t("camp.leads.excluded", reason=t(f"camp.exclusion.{reason}"), n=n))
    for error in result.get("errors") or ():
        lines.append(t("camp.leads.bad_row", line=error["line"], reason=error["reason"]))
    return lines
