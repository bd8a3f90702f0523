"""The contact-history recorder: every ``ended`` call becomes exactly one Interaction.

Answered or not (abandoned, refused by the queue, callback requested): one row per pass of a call
through a queue, keyed by (pbx, linkedid, queue, pass_no) (a caller transferred back into a queue
it went through has a row per pass). A caller who abandons after the short-abandon threshold, or who
asked for a callback from the queue, gets a callback FollowUp in the same transaction, so the
Interaction's key makes the pair idempotent (the outbox may apply a record twice after a crash).

Records travel through the durable outbox; the customer is resolved inside the write (from the
pop's match when there was one, else by IVR account, else by a number that matches exactly one
customer), so a call recorded during a database outage is attributed when it is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from console.config import ChurnSettings, Settings
from console.crm.churn_facts import rescore
from console.crm.phones import normalize
from console.crm.wrapup import take_pending
from console.server.clock import Clock
from console.server.outbox import Outbox, applier
from console.server.pop_audit import KIND as POP_AUDIT
from console.server.pop_audit import pop_record
from console.store.models import Customer, CustomerPhone, FollowUp, Interaction, Staff
from console.store.tables import table_of
from telephony.events import CallbackRequested, Ended, SurveyAnswered

if TYPE_CHECKING:
    from console.server.metrics import Metrics
    from console.server.pop import Lookup

log = logging.getLogger(__name__)

_interaction = table_of(Interaction)
_i, _c, _p, _s = (table_of(m).c for m in (Interaction, Customer, CustomerPhone, Staff))
_EXISTS = select(_i.id).where(
    _i.pbx == bindparam("pbx"), _i.linkedid == bindparam("linkedid"), _i.queue == bindparam("queue"),
    _i.pass_no == bindparam("pass_no"),
)
_BY_CLIENT_NO = select(_c.id, _c.tier).where(_c.client_no == bindparam("client_no"))
_BY_ID = select(_c.id, _c.tier).where(_c.id == bindparam("id"))
_BY_PHONE = select(_c.id, _c.tier).join(table_of(CustomerPhone), _p.customer_id == _c.id).where(
    _p.e164 == bindparam("e164")).limit(2)
_STAFF_BY_EXT = select(_s.id).where(_s.extension == bindparam("ext")).order_by(_s.id).limit(1)
_MANAGER_OF = select(_c.manager_id).where(_c.id == bindparam("id"))
_INSERT_INTERACTION = insert(_interaction)
_INSERT_FOLLOWUP = insert(table_of(FollowUp))

REASON_ABANDONED = "来电放弃，请回拨"
REASON_REQUESTED = "客户在排队时请求回拨"


def _when(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


def _customer(conn: Connection, rec: dict[str, Any]) -> tuple[int | None, str | None]:
    if rec.get("customer_id"):
        row = conn.execute(_BY_ID, {"id": rec["customer_id"]}).first()
        if row:
            return row.id, row.tier
    if rec.get("account"):
        row = conn.execute(_BY_CLIENT_NO, {"client_no": rec["account"]}).first()
        if row:
            return row.id, row.tier
    if rec.get("caller"):
        found = conn.execute(_BY_PHONE, {"e164": normalize(rec["caller"]).e164}).all()
        if len(found) == 1:
            return found[0].id, found[0].tier
    return None, None


@applier("interaction")
def write_interaction(conn: Connection, rec: dict[str, Any]) -> bool:
    """Insert the call's Interaction (and its callback FollowUp) unless it is already there;
    whether it was inserted."""
    # A record journalled before passes were numbered (or the dialer's) is the call's first pass.
    key = {"pbx": rec["pbx"], "linkedid": rec["linkedid"], "queue": rec["queue"] or "",
           "pass_no": rec.get("pass_no") or 1}
    existing = conn.execute(_EXISTS, key).scalar()
    if existing is not None:  # recorded already: by this server before a restart, or by another one
        _add_pending_wrapup(conn, existing, rec)
        return False
    customer_id, tier = _customer(conn, rec)
    agent_id = conn.execute(_STAFF_BY_EXT, {"ext": rec["agent"]}).scalar() if rec.get("agent") else None
    ended = _when(rec["t"])
    started = ended - dt.timedelta(seconds=rec["wait_s"] + rec["talk_s"])
    answered = started + dt.timedelta(seconds=rec["wait_s"]) if rec["outcome"] == "answered" else None
    # A wrap-up the agent sent before this call's record was written (see console.crm.wrapup).
    wrapup = take_pending(rec["linkedid"], rec.get("agent"), agent_id)
    try:
        with conn.begin_nested():
            result = conn.execute(_INSERT_INTERACTION.values(
                **key, direction=rec.get("direction", "inbound"), agent_id=agent_id, agent_ext=rec.get("agent"),
                customer_id=customer_id, caller_number=(rec.get("caller") or "")[:32], started_at=started,
                answered_at=answered, ended_at=ended, wait_s=rec["wait_s"], talk_s=rec["talk_s"],
                outcome=rec["outcome"], hangup_by=rec.get("hangup_by"), cause=rec.get("cause"),
                recording_ref=(rec.get("recording") or None), **wrapup,
            ))
    except IntegrityError:
        # Another server following the same PBX (console.server.pbx_relay) recorded the call
        # between our look and our insert: its row stands, with our wrap-up on it.
        existing = conn.execute(_EXISTS, key).scalar()
        if existing is None:
            raise  # not that race: a real refusal
        if wrapup:
            conn.execute(update(_interaction).where(_i.id == existing).values(**wrapup))
        return False
    if rec["outcome"] == "abandoned" and customer_id is not None and rec.get("churn"):
        # A repeated abandon is a churn factor: score the customer again with this call counted.
        rescore(conn, [customer_id], ended, ChurnSettings.model_validate(rec["churn"]))
    callback = rec.get("callback")
    if callback and customer_id is not None:
        minutes = rec["callback_minutes"].get(tier or "standard", 240)
        owner = (conn.execute(_MANAGER_OF, {"id": customer_id}).scalar()
                 if callback == "requested" and rec.get("callback_to_manager") else None)
        inserted = result.inserted_primary_key
        assert inserted is not None  # None only for an executemany
        conn.execute(_INSERT_FOLLOWUP.values(
            customer_id=customer_id, interaction_id=inserted[0],
            due_at=ended + dt.timedelta(minutes=minutes), owner_id=owner, kind="callback",
            reason=REASON_REQUESTED if callback == "requested" else REASON_ABANDONED,
            status="open", created_at=ended,
        ))
    return True


def _add_pending_wrapup(conn: Connection, row_id: int, rec: dict[str, Any]) -> None:
    """A wrap-up parked in this process for a call that another server recorded first."""
    agent_id = conn.execute(_STAFF_BY_EXT, {"ext": rec["agent"]}).scalar() if rec.get("agent") else None
    wrapup = take_pending(rec["linkedid"], rec.get("agent"), agent_id)
    if wrapup:
        conn.execute(update(_interaction).where(_i.id == row_id).values(**wrapup))


_SURVEYED = select(_i.id, _i.customer_id, _i.started_at).where(
    _i.pbx == bindparam("pbx"), _i.linkedid == bindparam("linkedid"), _i.agent_ext == bindparam("agent"),
    _i.outcome == "answered",
).order_by(_i.id.desc()).limit(1)


@applier("survey")
def write_survey(conn: Connection, rec: dict[str, Any]) -> None:
    """The caller's survey answer on the agent's Interaction of that call (its latest answered
    pass with them; the first answer stands), and the customer's churn score again (low CSAT
    is a factor). The Interaction was journalled before: the outbox applies in order."""
    row = conn.execute(_SURVEYED, {"pbx": rec["pbx"], "linkedid": rec["call"], "agent": rec.get("agent")}).first()
    if row is None:
        log.warning("survey answer %s of call %s (agent %s) matches no answered call: not stored",
                    rec["score"], rec["call"], rec.get("agent"))
        return
    conn.execute(update(_interaction).where(_i.id == row.id, _i.csat.is_(None)).values(csat=rec["score"]))
    if row.customer_id is not None and rec.get("churn"):
        rescore(conn, [row.customer_id], _when(rec["t"]), ChurnSettings.model_validate(rec["churn"]))


def manager_of_caller(conn: Connection, caller: str, account: str | None) -> tuple[int, int | None] | None:
    """(customer id, their account manager's id) of a caller known by account or number, else None."""
    customer_id, _tier = _customer(conn, {"caller": caller, "account": account})
    if customer_id is None:
        return None
    return customer_id, conn.execute(_MANAGER_OF, {"id": customer_id}).scalar()


def interaction_record(settings: Settings, pbx: str, event: Ended, *, customer_id: int | None = None,
                       account: str | None = None, direction: str | None = None,
                       requested: bool = False) -> dict[str, Any]:
    """The outbox record of one ended pass (``write_interaction`` applies it): the live recorder's,
    and the reconciliation's from Asterisk's queue_log (console/server/reconcile.py). ``requested``:
    the caller asked for a callback during the call."""
    callback = None
    if event.outcome == "callback_requested" or requested:
        callback = "requested"
    elif event.outcome == "abandoned" and settings.callbacks.create_on_abandon \
            and event.wait_s >= settings.stats.short_abandon_s:
        callback = "abandoned"
    return {
        "pbx": pbx, "linkedid": event.call, "queue": event.queue or "", "pass_no": event.pass_no, "t": event.t,
        "caller": event.caller, "agent": event.agent, "outcome": event.outcome,
        "hangup_by": event.hangup_by, "cause": event.cause, "wait_s": float(event.wait_s),
        "talk_s": float(event.talk_s), "customer_id": customer_id, "account": account,
        "direction": direction or event.direction, "callback": callback,
        "callback_to_manager": settings.managers.own_callbacks,
        "recording": event.recording[:255] if event.recording else None,
        "callback_minutes": dict(settings.callbacks.sla_minutes),
        **({"churn": settings.churn.model_dump()} if event.outcome == "abandoned" else {}),
    }


class Recorder:
    """Turns ``ended`` (and ``callback_requested``) and pops shown into outbox records, in event order."""

    def __init__(self, settings: Settings, outbox: Outbox, clock: Clock, metrics: Metrics | None = None) -> None:
        self._settings = settings
        self._outbox = outbox
        self._metrics = metrics
        self._clock = clock
        self._queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()
        self._requested: dict[str, str | None] = {}  # call -> account, until the call ends
        self._task: asyncio.Task[None] | None = None
        self._pending = 0
        self._journalled = asyncio.Event()
        """Set while no accepted record waits to be journalled."""
        self._journalled.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._journal_forever(), name="recorder")

    async def stop(self) -> None:
        """Journal everything already accepted, then stop."""
        if self._task is None:
            return
        self._queue.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    def callback_requested(self, event: CallbackRequested) -> None:
        self._requested[event.call] = event.account

    def ended(self, pbx: str, event: Ended, customer_id: int | None = None, account: str | None = None,
              direction: str | None = None) -> None:
        requested = event.call in self._requested
        account = account or self._requested.pop(event.call, None)
        self._requested.pop(event.call, None)
        self._accept("interaction", interaction_record(
            self._settings, pbx, event, customer_id=customer_id, account=account, direction=direction,
            requested=requested))
        if self._metrics is not None:
            self._metrics.calls.labels(event.outcome).inc()

    def survey(self, pbx: str, event: SurveyAnswered) -> None:
        """The caller answered the post-call survey: stored on the agent's Interaction of the call."""
        self._accept("survey", {
            "pbx": pbx, "call": event.call, "agent": event.agent, "queue": event.queue, "score": event.score,
            "t": event.t, "churn": self._settings.churn.model_dump(),
        })

    def pop_shown(self, users: set[int], call: str, agent: str, lookup: Lookup, verified: bool) -> None:
        """Audit a pop already on the wire (console.server.pop_audit); never blocks the caller."""
        record = pop_record(users, call, agent, lookup, verified, self._clock())
        if record is not None:
            self._accept(POP_AUDIT, record)

    def _accept(self, kind: str, record: dict[str, Any]) -> None:
        self._pending += 1
        self._journalled.clear()
        self._queue.put_nowait((kind, record))

    async def _journal_forever(self) -> None:
        while True:
            item = await self._queue.get()
            if item is None:
                return
            kind, record = item
            try:
                await self._outbox.submit(kind, record)
            except Exception:  # the local journal itself failed: say so loudly
                log.exception("could not journal %s of call %s; it is NOT recorded", kind,
                              record.get("linkedid") or record.get("call"))
            finally:
                self._pending -= 1
                if not self._pending:
                    self._journalled.set()

    async def idle(self) -> None:
        """Wait until every accepted record is journalled and written (tests)."""
        await self._journalled.wait()
        await self._outbox.drained()
