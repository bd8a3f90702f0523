"""The contact history: interactions, and the tickets, follow-ups and audit rows they caused.

Calls fall in business hours (center time), more of them recently; VIPs go through the vip
queue. Tickets and follow-ups get the priorities and due times the CRM rules would give
them, and statuses that fit their age (old tickets closed, recent ones open).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from console.crm import tickets as ticket_rules
from console.store.seed import vocab
from console.store.seed.bulk import Formats, Row
from console.store.seed.customers import Profile
from console.store.seed.people import weighted
from console.store.seed.staff import StaffPlan

if TYPE_CHECKING:
    from console.config import Settings

INTERACTION_COLUMNS = (
    "id", "pbx", "linkedid", "direction", "queue", "agent_id", "agent_ext", "customer_id",
    "caller_number", "started_at", "answered_at", "ended_at", "wait_s", "talk_s", "outcome",
    "hangup_by", "cause", "disposition", "notes", "recording_ref", "campaign_id", "lead_id",
)
TICKET_COLUMNS = (
    "id", "number", "customer_id", "interaction_id", "category", "priority", "status", "subject",
    "description", "assignee_id", "created_by", "sla_due_at", "supervisor_attention",
    "created_at", "updated_at", "version",
)
TICKET_EVENT_COLUMNS = ("id", "ticket_id", "at", "actor_id", "kind", "from_value", "to_value", "body")
FOLLOWUP_COLUMNS = (
    "id", "customer_id", "interaction_id", "due_at", "owner_id", "reason", "kind", "status",
    "result", "created_by", "created_at", "completed_at",
)
AUDIT_COLUMNS = ("id", "at", "actor_id", "action", "customer_id", "linkedid", "detail")
_PATHS = {"new": [], "open": ["open"], "pending": ["open", "pending"],
          "resolved": ["open", "resolved"], "closed": ["open", "resolved", "closed"]}
_CATEGORIES = [c for c, _ in vocab.TICKET_CATEGORY_WEIGHTS]
_CATEGORY_WEIGHTS = [w for _, w in vocab.TICKET_CATEGORY_WEIGHTS]
_DISPOSITIONS = [(code, notes) for code, _, notes in vocab.DISPOSITIONS]
_DISPOSITION_WEIGHTS = [w for _, w, _ in vocab.DISPOSITIONS]
_CAUSES = {"answered": 16, "busy": 17, "no_answer": 19, "failed": 34}  # Q.850


@dataclass
class History:
    interactions: list[Row] = field(default_factory=list)
    tickets: list[Row] = field(default_factory=list)
    ticket_events: list[Row] = field(default_factory=list)
    followups: list[Row] = field(default_factory=list)
    audit: list[Row] = field(default_factory=list)


class HistoryMaker:
    """The history as rows ready to load into one database (``formats``)."""

    def __init__(self, rng: random.Random, settings: Settings, now: dt.datetime, staff: StaffPlan,
                 extensions: dict[int, str], callback_campaign: int, formats: Formats) -> None:
        self.rng, self.settings, self.now, self.staff = rng, settings, now, staff
        self.fmt = formats
        self.tz = ZoneInfo(settings.center.time_zone)
        self.extensions = extensions
        self.callback_campaign = callback_campaign
        self.out = History()
        self._vip = {t.name: t.vip for t in settings.tiers}
        self._today = now.astimezone(self.tz).date()
        self._nine: dict[int, dt.datetime] = {}  # days ago -> 09:00 center time that day, in UTC
        self._outbound = weighted(rng, ("answered", "no_answer", "busy", "failed"), (60, 25, 10, 5))
        self._inbound = weighted(rng, ("answered", "abandoned", "callback_requested"), (86, 11, 3))
        self._disposition = weighted(rng, _DISPOSITIONS, _DISPOSITION_WEIGHTS)
        self._category = weighted(rng, _CATEGORIES, _CATEGORY_WEIGHTS)
        self._masked = json.dumps({"masked": True})  # no tab, newline or backslash: COPY text as it is

    def calls(self, pool: list[Profile], count: int, demo: list[Profile]) -> History:
        rng = self.rng
        for profile in demo:  # the demo customers always have a history to show
            for _ in range(3):
                self._call(profile, days_ago=rng.randrange(1, 60))
        for _ in range(count):
            caller = rng.choice(pool) if rng.random() < 0.95 else None
            self._call(caller, days_ago=int(180 * rng.random() ** 2))
        return self.out

    def _moment(self, days_ago: int) -> dt.datetime:
        rand = self.rng.random
        nine = self._nine.get(days_ago)
        if nine is None:
            day = self._today - dt.timedelta(days=days_ago)
            nine = dt.datetime(day.year, day.month, day.day, 9, tzinfo=self.tz).astimezone(dt.UTC)
            self._nine[days_ago] = nine
        moment = nine + dt.timedelta(seconds=int(rand() * (11 * 3600 if rand() < 0.1 else 9 * 3600)))
        return moment if moment < self.now else self.now - dt.timedelta(minutes=30 + int(rand() * 570))

    def _call(self, profile: Profile | None, days_ago: int) -> None:
        rng, out = self.rng, self.out
        iid = len(out.interactions) + 1
        started = self._moment(days_ago)
        vip = profile is not None and self._vip[profile.tier]
        outbound = profile is not None and rng.random() < 0.12
        if outbound:
            # A callback campaign's call: answered, the customer reached the agent at once (the
            # dialer's stats count a wait over dialer.abandon_after_s as abandoned); unanswered,
            # the wait is how long it rang. One draw either way: the seed's sequence stays the same.
            queue, outcome = "", self._outbound()
            wait = round(rng.uniform(0.2, 1.8) if outcome == "answered" else rng.uniform(3, 25), 1)
        else:
            queue = "vip" if vip else "retail"
            outcome = self._inbound()
            wait = (round(rng.expovariate(1 / (8 if vip else 18)), 1) if outcome == "answered"
                    else round(rng.uniform(2, 90), 1))
        answered = outcome == "answered"
        agents = self.staff.vip_agents if queue == "vip" else self.staff.agents
        agent = agents[int(rng.random() * len(agents))] if answered or outbound else None
        talk = round(min(rng.lognormvariate(5.2, 0.7), 3600), 1) if answered else 0.0
        answered_at = started + dt.timedelta(seconds=wait) if answered else None
        ended = started + dt.timedelta(seconds=wait + talk)
        number = profile.phones[0] if profile and profile.phones else f"+86170{int(rng.random() * 10**8):08d}"
        linkedid = f"{int(started.timestamp())}.{iid}"
        disposition, notes = self._disposition() if answered else (None, ())
        fmt = self.fmt
        null, stamp = fmt.null, fmt.datetime
        out.interactions.append((
            iid, "main", linkedid, "outbound" if outbound else "inbound", queue, agent or null,
            self.extensions.get(agent, null) if agent else null, profile.id if profile else null, number,
            stamp(started), stamp(answered_at) if answered_at else null, stamp(ended), wait, talk, outcome,
            ("caller" if rng.random() < 0.6 else "agent") if answered else ("caller" if not outbound else "system"),
            _CAUSES.get(outcome, 16),
            disposition or null, notes[int(rng.random() * len(notes))] if notes else null,
            null,  # recording_ref: no file exists for seeded history (the recorder sets it from the PBX)
            self.callback_campaign if outbound else null, null,
        ))
        if profile is None:
            return
        if answered_at is not None and agent:  # answered (answered_at is set exactly then)
            if not outbound and rng.random() < 0.12:
                self._ticket(profile, iid, agent, ended)
            if rng.random() < 0.05:
                self._followup(profile, iid, agent, ended, "followup")
            if rng.random() < 0.3:
                out.audit.append((len(out.audit) + 1, stamp(answered_at), agent, "customer.view", profile.id, linkedid,
                                  self._masked))
        elif not outbound and self.settings.callbacks.create_on_abandon and wait > self.settings.stats.short_abandon_s:
            self._followup(profile, iid, None, ended, "callback")

    def _ticket(self, profile: Profile, iid: int | None, agent: int, created: dt.datetime,
                category: str | None = None, status: str | None = None) -> None:
        rng, out = self.rng, self.out
        tid = len(out.tickets) + 1
        category = category or self._category()
        rules = ticket_rules.defaults_for(category, profile.tier, created, self.settings.tickets, self.settings.tiers)
        if status is None:
            overdue_long = self.now > rules.sla_due_at + (rules.sla_due_at - created) / 2
            status = (rng.choices(("closed", "resolved", "pending"), (70, 25, 5)) if overdue_long
                      else rng.choices(("new", "open", "pending", "resolved"), (30, 45, 15, 10)))[0]
        subject = rng.choice(vocab.TICKET_SUBJECTS[category])
        # (at, actor, kind, from, to, body)
        events: list[tuple[dt.datetime, int, str, str | None, str | None, str | None]] = [
            (created, agent, "created", None, "new", subject)]
        at, previous = created, "new"
        for step in _PATHS[status]:
            at = min(at + dt.timedelta(minutes=rng.randrange(10, 60 * 24)), self.now)
            events.append((at, agent, "status", previous, step, None))
            previous = step
        if status in ("open", "pending") and rng.random() < 0.5:
            at = min(at + dt.timedelta(minutes=rng.randrange(5, 600)), self.now)
            events.append((at, agent, "comment", None, None, "已联系客户，等待客户反馈。"))
        fmt = self.fmt
        null, stamp = fmt.null, fmt.datetime
        out.tickets.append((
            tid, ticket_rules.ticket_number(created, tid, self.tz), profile.id, null if iid is None else iid, category,
            rules.priority, status, subject, f"{subject}：{rng.choice(vocab.NOTES)}",
            null if status == "new" else agent, agent, stamp(rules.sla_due_at), fmt.bools[rules.supervisor_attention],
            stamp(created), stamp(at), len(events),
        ))
        for when, actor, kind, before, after, body in events:
            out.ticket_events.append((len(out.ticket_events) + 1, tid, stamp(when), actor, kind, before or null,
                                      after or null, body or null))

    def _followup(self, profile: Profile, iid: int | None, agent: int | None, created: dt.datetime,
                  kind: str, status: str | None = None, due: dt.datetime | None = None) -> None:
        rng, out = self.rng, self.out
        if due is None:
            if kind == "callback":
                due = created + dt.timedelta(minutes=self.settings.callbacks.sla_minutes.get(profile.tier, 240))
            else:
                due = created + dt.timedelta(days=rng.randrange(1, 8))
        owner = agent if kind == "followup" and rng.random() < 0.6 else (
            profile.manager_id if kind == "followup" and profile.manager_id else None)
        if status is None:
            status = "open" if due > self.now - dt.timedelta(days=1) else rng.choices(("done", "cancelled"), (92, 8))[0]
        done_at = min(due + dt.timedelta(minutes=rng.randrange(-60, 240)), self.now) if status != "open" else None
        fmt = self.fmt
        null, stamp = fmt.null, fmt.datetime
        out.followups.append((
            len(out.followups) + 1, profile.id, null if iid is None else iid, stamp(due), owner or null,
            "未接来电回拨" if kind == "callback" else rng.choice(vocab.FOLLOWUP_REASONS), kind, status,
            ("已回电，问题已解决" if status == "done" else "客户已自行处理") if done_at else null,
            agent or null, stamp(created), stamp(done_at) if done_at else null,
        ))

    def demo_extras(self, vip: Profile, complainer: Profile) -> None:
        """The open ticket and due callback of the VIP, the open complaint of another demo customer."""
        agent = self.staff.vip_agents[0]
        recent = self.now - dt.timedelta(hours=3)
        self._ticket(vip, None, agent, recent, category="bank_transfer", status="open")
        self._followup(vip, None, agent, recent, "followup", status="open", due=self.now + dt.timedelta(minutes=30))
        self._ticket(complainer, None, self.staff.agents[-1], self.now - dt.timedelta(days=1),
                     category="complaint", status="open")
