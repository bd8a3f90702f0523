"""The dialer's reads and writes: the leads due, claiming a lead, recording an attempt, and
start-up reconciliation.

A lead is claimed before it is dialled with one conditional UPDATE (``status`` pending and the
``version`` read), so two dialers, or a dialer and a supervisor's edit, never both take it, and
the attempt is counted before the call exists. The attempt's result travels through the
durable outbox (kind ``campaign_attempt``): one transaction writes its Interaction (the call's
row, shared with the recorder by the (pbx, linkedid, queue, pass_no) key: whichever lands first, the row
ends up outbound with the campaign and the lead) and moves the lead on (retry, done or failed).
So after a crash a lead is either still ``dialing`` with no result recorded, or resolved.

Every function runs on a connection its caller opened (in a thread): they take no engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func, select, update

from console.crm.campaigns import CallingWindow, RetryPolicy, after_attempt
from console.server.dialer_rows import CampaignRow, DueLead, LeadRow, StuckLead
from console.server.outbox import applier
from console.server.recorder import write_interaction
from console.store.models import Campaign, Customer, DoNotCall, FollowUp, Interaction, Lead
from console.store.tables import table_of

if TYPE_CHECKING:
    from console.config import Settings

_campaign, _lead = table_of(Campaign), table_of(Lead)
_interaction, _customer = table_of(Interaction), table_of(Customer)
_k, _l, _i, _c = _campaign.c, _lead.c, _interaction.c, _customer.c
_followup = table_of(FollowUp)
_d, _f = table_of(DoNotCall).c, _followup.c

CLAIM = update(_lead).where(
    _l.id == bindparam("lead_id"), _l.status == "pending", _l.version == bindparam("ver")
).values(status="dialing", attempts=_l.attempts + 1, version=_l.version + 1)


# --- reads --------------------------------------------------------------------------------
def campaign_rows(conn: Connection, *, running: bool = False) -> Sequence[CampaignRow]:
    """Every campaign, or the running ones, in id order (a round paces the lower id first)."""
    query = select(_campaign).order_by(_k.id)
    return conn.execute(query.where(_k.status == "running") if running else query).all()


def due_leads(conn: Connection, campaign_id: int, now: dt.datetime, limit: int) -> Sequence[DueLead]:
    """The campaign's pending leads due by ``now``: higher ``priority`` first, then the longest due."""
    return conn.execute(
        select(_l.id, _l.number, _l.customer_id, _l.version, _l.attempts, _l.followup_id, _l.priority, _l.source)
        .where(_l.campaign_id == campaign_id, _l.status == "pending", _l.next_attempt_at <= now)
        .order_by(_l.priority.desc(), _l.next_attempt_at, _l.id).limit(limit)
    ).all()


def lead_by_id(conn: Connection, lead_id: int) -> LeadRow | None:
    return conn.execute(select(_l.id, _l.number, _l.customer_id, _l.version, _l.attempts, _l.followup_id)
                        .where(_l.id == lead_id)).first()


def customer_name(conn: Connection, customer_id: int) -> str | None:
    name: str | None = conn.execute(select(_c.name).where(_c.id == customer_id)).scalar()
    return name


def account_of(conn: Connection, customer_id: int) -> str | None:
    """The customer's client number (the ``CUSTOMER_ACCOUNT`` of a campaign call)."""
    client_no: str | None = conn.execute(select(_c.client_no).where(_c.id == customer_id)).scalar()
    return client_no


# --- writes -------------------------------------------------------------------------------
def policy_of(campaign: CampaignRow) -> RetryPolicy:
    return RetryPolicy(campaign.max_attempts, {"busy": campaign.retry_busy_min,
                                               "no_answer": campaign.retry_noanswer_min,
                                               "failed": campaign.retry_failed_min})


def claim(conn: Connection, lead_id: int, version: int) -> bool:
    return conn.execute(CLAIM, {"lead_id": lead_id, "ver": version}).rowcount == 1


def dnc_reason(conn: Connection, number: str, customer_id: int | None) -> str | None:
    """Checked again at dial time: a number or customer may have been listed since the import."""
    if conn.execute(select(_d.id).where(_d.e164 == number)).first() is not None:
        return "do_not_call"
    if customer_id is not None:
        flag = conn.execute(select(_c.do_not_call).where(_c.id == customer_id)).scalar()
        if flag:
            return "do_not_call"
    return None


def exclude(conn: Connection, lead_id: int, version: int, reason: str) -> bool:
    return conn.execute(update(_lead).where(
        _l.id == lead_id, _l.status == "pending", _l.version == version
    ).values(status="excluded", exclusion_reason=reason, version=_l.version + 1)).rowcount == 1


def skip_lead(conn: Connection, lead_id: int, now: dt.datetime) -> None:
    """A preview lead the agent skipped: offered again after its campaign's no-answer delay
    (no attempt counted)."""
    delay = conn.execute(select(_k.retry_noanswer_min).join_from(_lead, _campaign, _k.id == _l.campaign_id)
                         .where(_l.id == lead_id)).scalar()
    conn.execute(update(_lead).where(_l.id == lead_id, _l.status == "pending").values(
        next_attempt_at=now + dt.timedelta(minutes=delay or 60), last_result="skipped", version=_l.version + 1))


def save_members_added(conn: Connection, campaign_id: int, agents: Sequence[str]) -> None:
    """The queue members the dialer added for the campaign (removed again after a restart)."""
    conn.execute(update(_campaign).where(_k.id == campaign_id).values(members_added=list(agents)))


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@applier("campaign_attempt")
def write_attempt(conn: Connection, rec: dict[str, Any]) -> None:
    """The attempt's Interaction and the lead's next step, in one transaction (idempotent)."""
    write_interaction(conn, rec)
    key = (_i.pbx == rec["pbx"]) & (_i.linkedid == rec["linkedid"]) & (_i.queue == (rec["queue"] or "")) \
        & (_i.pass_no == (rec.get("pass_no") or 1))
    values: dict[str, Any] = {"direction": "outbound", "campaign_id": rec["campaign_id"], "lead_id": rec["lead_id"]}
    if rec.get("customer_id"):
        values["customer_id"] = rec["customer_id"]
    conn.execute(update(_interaction).where(key).values(**values))
    moved = conn.execute(update(_lead).where(
        # Pending too: an attempt released after a restart whose call ended late (not yet redialled).
        _l.id == rec["lead_id"], _l.status.in_(("dialing", "pending")), _l.attempts == rec["attempts"]
    ).values(status=rec["next_status"], next_attempt_at=_when(rec.get("next_attempt_at")),
             last_result=rec["result"], result=rec.get("lead_result"), version=_l.version + 1)).rowcount
    if moved and rec["next_status"] == "done" and rec.get("followup_id"):
        conn.execute(update(_followup).where(_f.id == rec["followup_id"], _f.status == "open").values(
            status="done", result="外呼回拨已接通", completed_at=_when(rec["now"])))


def reconcile(conn: Connection, now: dt.datetime, campaigns: Mapping[int, CampaignRow],
              window_of: Callable[[CampaignRow], CallingWindow]) -> list[StuckLead]:
    """Leads left ``dialing`` by a stop or crash (run after the outbox has been replayed): those
    whose attempt was recorded are resolved from that Interaction; the others are returned
    (their calls may still be up on the PBX: the dialer adopts them from the events, and
    releases the rest after a grace period with :func:`release`)."""
    orphans: list[StuckLead] = []
    stuck: Iterable[StuckLead] = conn.execute(
        select(_l.id, _l.campaign_id, _l.number, _l.customer_id, _l.attempts, _l.version, _l.followup_id)
        .where(_l.status == "dialing")).all()
    for lead in stuck:
        campaign = campaigns.get(lead.campaign_id)
        recorded = conn.execute(select(func.count()).where(_i.lead_id == lead.id)).scalar() or 0
        last = conn.execute(select(_i.queue, _i.outcome).where(_i.lead_id == lead.id)
                            .order_by(_i.id.desc()).limit(1)).first()
        if campaign is None or last is None or recorded < lead.attempts:
            orphans.append(lead)
            continue
        result = attempt_result(last.queue, last.outcome, last.outcome == "answered")
        step = after_attempt(result, lead.attempts, policy_of(campaign), window_of(campaign), now)
        conn.execute(update(_lead).where(_l.id == lead.id, _l.version == lead.version).values(
            status=step.status, next_attempt_at=step.next_attempt_at, last_result=result, version=_l.version + 1))
    return orphans


def release(conn: Connection, lead_id: int, attempts: int, now: dt.datetime, retry_failed_min: int) -> bool:
    """An attempt whose result never came: back to pending, the attempt counted, retried after
    the failed-call delay."""
    return conn.execute(update(_lead).where(
        _l.id == lead_id, _l.status == "dialing", _l.attempts == attempts
    ).values(status="pending", next_attempt_at=now + dt.timedelta(minutes=retry_failed_min),
             last_result="interrupted", version=_l.version + 1)).rowcount == 1


def attempt_result(queue: str | None, outcome: str, agent_answered: bool) -> str:
    """What the attempt was, for the retry rules: the customer reached an agent ("answered"), or
    not. A customer who answered but got no agent is tried again like a failed call."""
    if agent_answered:  # also a call adopted after a restart, whose queue the snapshot did not say
        return "answered"
    if queue:
        return "failed"
    return outcome if outcome in ("busy", "no_answer") else "failed"


def window_for(settings: Settings, campaign: CampaignRow) -> CallingWindow:
    d = settings.dialer
    return CallingWindow(campaign.window_start, campaign.window_end, frozenset(d.weekdays),
                         frozenset(d.holidays), ZoneInfo(settings.center.time_zone))
