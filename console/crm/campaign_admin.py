"""Campaigns: create, edit, list, start/pause/stop, and their statistics (CLI and API share it).

Sync functions over an engine or a connection; the server runs them in a thread.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import insert, select, update

from console.crm import campaign_audit as audit
from console.crm.campaign_leads import counts_by_status
from console.crm.errors import CrmError
from console.i18n import t
from console.store.models import CAMPAIGN_STATUSES, PRODUCT_RISKS, Campaign, Interaction, Lead
from console.store.tables import table_of

_campaign = table_of(Campaign)
_k, _l, _i = _campaign.c, table_of(Lead).c, table_of(Interaction).c

# Which status each action leads to, and from which statuses it may be taken.
MOVES = {"start": ("running", ("draft", "paused")), "pause": ("paused", ("running",)),
         "stop": ("stopped", ("draft", "running", "paused"))}


MAX_AGENTS = 200
RETRY_MAX_MIN = 7 * 24 * 60
"""A retry delay longer than a week is a typo (and a huge one overflowed the database's integer: 500)."""


def check_agents(extensions: list[str]) -> list[str]:
    """Agent extensions: digits (1-16), each once; the error names the first bad one."""
    seen: set[str] = set()
    for n, ext in enumerate(extensions, 1):
        if not (ext.isascii() and ext.isdigit() and len(ext) <= 16):
            raise ValueError(t("campaign.err.agent_not_extension", n=n, ext=ext))
        if ext in seen:
            raise ValueError(t("campaign.err.agent_twice", ext=ext))
        seen.add(ext)
    return extensions


class CampaignSpec(BaseModel):
    """The editable fields of a campaign (create: all defaults apply; edit: only those given)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=128)
    kind: Literal["callback", "survey", "compliance", "marketing"] = "callback"
    mode: Literal["preview", "progressive", "predictive"] = "progressive"
    queue: str = Field("retail", min_length=1, max_length=32)
    window_start: dt.time = dt.time(9, 0)
    window_end: dt.time = dt.time(20, 0)
    max_attempts: int = Field(3, ge=1, le=20)
    retry_busy_min: int = Field(10, ge=0, le=RETRY_MAX_MIN)
    retry_noanswer_min: int = Field(60, ge=0, le=RETRY_MAX_MIN)
    retry_failed_min: int = Field(30, ge=0, le=RETRY_MAX_MIN)
    caller_id: str = Field("", max_length=32)
    product_risk: str | None = None
    script_slug: str | None = Field(None, max_length=128)
    agents: list[str] = Field([], max_length=MAX_AGENTS)
    """Extensions of the agents who take the calls (made members of ``queue`` while it runs);
    empty: every member of the queue."""

    @field_validator("agents")
    @classmethod
    def _agents(cls, value: list[str]) -> list[str]:
        return check_agents(value)

    @field_validator("product_risk")
    @classmethod
    def _risk(cls, value: str | None) -> str | None:
        if value is not None and value not in PRODUCT_RISKS:
            raise ValueError(t("campaign.err.product_risk", allowed=", ".join(PRODUCT_RISKS)))
        return value

    @field_validator("window_start", "window_end")
    @classmethod
    def _local_time(cls, value: dt.time) -> dt.time:
        # The window is the centre's wall clock; an offset made it incomparable with the other end (500).
        if value.tzinfo is not None:
            raise ValueError(t("campaign.err.local_time"))
        return value


class CampaignEdit(CampaignSpec):
    name: str | None = Field(None, min_length=1, max_length=128)  # type: ignore[assignment]


def row_json(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    for key, value in out.items():
        if isinstance(value, (dt.time, dt.datetime)):
            out[key] = value.isoformat()
    return out


def create(engine: Any, spec: CampaignSpec, now: dt.datetime, actor_id: int | None = None) -> dict[str, Any]:
    """A new draft, audited ``campaign.create`` as ``actor_id`` (None: calldesk itself)."""
    values = spec.model_dump()
    _check_window(values)
    with engine.begin() as conn:
        new_id = conn.execute(insert(_campaign).values(**values, status="draft", created_at=now)
                              ).inserted_primary_key[0]
        row = _with_leads(conn, conn.execute(select(_campaign).where(_k.id == new_id)).one())
        audit.record(conn, actor_id, audit.CREATE, now, {"campaign": new_id, "name": row["name"],
                                                         "fields": spec.model_dump(mode="json")})
        return row


def _with_leads(conn: Any, row: Any) -> dict[str, Any]:
    """A campaign as the API and the CLI show it: its fields and its leads by status."""
    return row_json(row) | {"leads": counts_by_status(conn, row.id)}


def get(conn: Any, campaign_id: int) -> Any:
    row = conn.execute(select(_campaign).where(_k.id == campaign_id)).first()
    if row is None:
        raise CrmError("not_found", "campaign.err.not_found", id=campaign_id)
    return row


def is_demo(engine: Any, campaign_id: int) -> bool:
    """The campaign was made by `calldesk seed` (demo leads): the dialer dials it only on the simulator."""
    with engine.connect() as conn:
        return bool(get(conn, campaign_id).demo)


def edit(engine: Any, campaign_id: int, changes: CampaignEdit, actor_id: int | None = None,
         now: dt.datetime | None = None) -> dict[str, Any]:
    """The fields given; audited ``campaign.update`` with ``{field: [old, new]}`` when any changed."""
    values = changes.model_dump(exclude_unset=True)
    with engine.begin() as conn:
        row = get(conn, campaign_id)
        _check_window({**row._mapping, **values})
        if values:
            conn.execute(update(_campaign).where(_k.id == campaign_id).values(**values))
        after = get(conn, campaign_id)
        diff = audit.changes(row_json(row), {k: v for k, v in row_json(after).items() if k in values})
        if diff:
            audit.record(conn, actor_id, audit.UPDATE, now, {"campaign": campaign_id, "changes": diff})
        return _with_leads(conn, after)


def _check_window(values: dict[str, Any]) -> None:
    if values["window_start"] >= values["window_end"]:
        raise CrmError("invalid", "campaign.err.window", field="window_start", start=str(values["window_start"])[:5],
                       end=str(values["window_end"])[:5])


def list_all(engine: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(_campaign).order_by(_k.id)).all()
        return [_with_leads(conn, r) for r in rows]


def move(engine: Any, campaign_id: int, action: str, actor_id: int | None = None,
         now: dt.datetime | None = None) -> dict[str, Any]:
    """start / pause / stop; a move not allowed from the current status is refused, naming both.
    Audited ``campaign.<action>`` with the status before and after."""
    target, allowed = MOVES[action]
    assert target in CAMPAIGN_STATUSES
    with engine.begin() as conn:
        row = get(conn, campaign_id)
        if row.status not in allowed:
            raise CrmError("conflict", "campaign.err.move", id=campaign_id, status=t(f"camp.status.{row.status}"),
                           action=t(f"campaign.action.{action}"),
                           allowed=", ".join(t(f"camp.status.{s}") for s in allowed))
        conn.execute(update(_campaign).where(_k.id == campaign_id).values(status=target))
        audit.record(conn, actor_id, audit.MOVE.format(action=action), now,
                     {"campaign": campaign_id, "from": row.status, "to": target})
        return _with_leads(conn, get(conn, campaign_id))


def stats(conn: Any, campaign_id: int, abandon_after_s: float) -> dict[str, Any]:
    """attempts, contacts (a person answered), right-party contacts (the customer, not a wrong
    number), dispositions, abandon rate (answered, no agent within ``abandon_after_s``, the
    configured ``dialer.abandon_after_s`` the dialer goes by too) and leads left."""
    get(conn, campaign_id)
    rows = conn.execute(select(_i.queue, _i.outcome, _i.wait_s, _i.disposition, _i.customer_id)
                        .where(_i.campaign_id == campaign_id)).all()
    # The customer picked up: the call reached the queue (or an agent, for a call adopted after a restart).
    reached = [r for r in rows if r.queue or r.outcome == "answered"]
    abandoned = [r for r in reached if r.outcome != "answered" or r.wait_s > abandon_after_s]
    talked = [r for r in reached if r.outcome == "answered"]
    leads = counts_by_status(conn, campaign_id)
    return {
        "campaign": campaign_id, "attempts": len(rows), "contacts": len(reached),
        "right_party_contacts": sum(1 for r in talked if r.customer_id and r.disposition != "wrong_number"),
        "connected": len(talked), "abandoned": len(abandoned),
        "abandon_rate": round(len(abandoned) / len(reached), 4) if reached else 0.0,
        "results": dict(Counter(r.outcome for r in rows)),
        "dispositions": dict(Counter(r.disposition for r in talked if r.disposition)),
        "leads": leads, "leads_left": leads.get("pending", 0) + leads.get("dialing", 0),
        "excluded": _excluded(conn, campaign_id),
    }


def _excluded(conn: Any, campaign_id: int) -> dict[str, int]:
    rows = conn.execute(select(_l.exclusion_reason).where(_l.campaign_id == campaign_id, _l.status == "excluded"))
    return dict(Counter(r.exclusion_reason for r in rows))
