"""The screen pop: who is calling, at a glance.

Name and tier badge first (the badge coloured by a ``-<tier>`` state class), then the facts an
agent must not miss: an expired risk assessment, VIP/complaint/churn flags, the IVR check.
Masked fields stay masked until the server says the caller is verified.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from console.i18n import t
from console.tui.agent.candidates import CandidateList
from console.tui.models import Customer, Pop
from console.tui.text import duration, label

TIERS = ("standard", "silver", "gold", "platinum", "diamond")
ALERT_FLAGS = ("vip", "open_complaint", "churn_risk", "do_not_call")


class CustomerCard(Vertical):
    def compose(self) -> ComposeResult:
        with Horizontal(id="card-head"):
            yield Label(t("console.card.idle"), id="card-name")
            yield Label("", id="card-tier", classes="tier")
            yield Label("", id="card-alerts")
        yield Label("", id="card-risk-warning")
        yield Static("", id="card-facts")
        yield CandidateList(id="card-candidates")

    def on_mount(self) -> None:
        self.border_title = t("console.card.title")
        self.clear()

    def clear(self) -> None:
        self.customer: Customer | None = None
        self.query_one("#card-name", Label).update(t("console.card.idle"))
        for part in ("#card-tier", "#card-alerts", "#card-risk-warning", "#card-facts", "#card-candidates"):
            self.query_one(part).display = False

    def show_pop(self, pop: Pop, tz: ZoneInfo) -> None:
        ring = pop.ringing
        call_facts = [
            (t("console.card.number"), pop.number or ring.caller),
            (t("console.card.queue"), f"{ring.queue or '—'}  {t('console.card.waited', time=duration(ring.wait_s))}"),
            (t("console.card.ivr"), self._ivr_text(pop)),
        ]
        candidates = self.query_one(CandidateList)
        if pop.customer is not None:
            self.show_customer(pop.customer, call_facts, verified=pop.verified)
            candidates.display = False
            return
        self.customer = None
        name = ring.caller_name or pop.number or ring.caller
        key = "console.card.ambiguous" if pop.match == "ambiguous" else "console.card.unknown"
        self.query_one("#card-name", Label).update(f"{name}  ·  {t(key, n=len(pop.candidates))}")
        for part in ("#card-tier", "#card-alerts", "#card-risk-warning"):
            self.query_one(part).display = False
        self._facts(call_facts)
        candidates.show(pop.candidates)

    def show_customer(self, customer: Customer, call_facts: list[tuple[str, str]] | None = None,
                      verified: bool = False) -> None:
        self.customer = customer
        self.query_one("#card-name", Label).update(customer.name or customer.client_no)
        tier = self.query_one("#card-tier", Label)
        tier.update(f" {label('tier', customer.tier)} ")
        tier.remove_class(*(f"-{name}" for name in TIERS), update=False)
        tier.add_class(f"-{customer.tier}")
        tier.display = True
        alerts = [label("flag", f) for f in customer.flags.active() if f in ALERT_FLAGS]
        alert_label = self.query_one("#card-alerts", Label)
        alert_label.update("  ".join(f"⚑ {a}" for a in alerts))
        alert_label.display = bool(alerts)
        warning = self.query_one("#card-risk-warning", Label)
        warning.update(t("console.card.risk_expired", date=customer.risk_assessed_on or "—"))
        warning.display = customer.risk_expired
        manager = customer.manager
        products = [label("flag", f) for f in customer.flags.active() if f not in ALERT_FLAGS]
        facts = [
            (t("console.card.client_no"), customer.client_no),
            (t("console.card.risk"), f"{customer.risk_level or '—'} {label('risk', customer.risk_level)}"),
            (t("console.card.investor"), label("investor", customer.investor_type)),
            (t("console.card.manager"), f"{manager.name} ({manager.extension or '—'})" if manager else "—"),
            (t("console.card.branch"), customer.branch or "—"),
            (t("console.card.products"), " ".join(products) or "—"),
            (t("console.card.id_number"), customer.id_number or "—"),
            (t("console.card.phones"), " ".join(p.number for p in customer.phones) or "—"),
            (t("console.card.verified"), t("console.card.yes") if verified else t("console.card.verify_hint")),
        ]
        self._facts((call_facts or []) + facts)
        self.query_one(CandidateList).display = False

    def _facts(self, facts: list[tuple[str, str]]) -> None:
        # A Rich grid pads by cell width, so Chinese labels line up with English values.
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(no_wrap=True)
        pairs = list(facts) + ([("", "")] if len(facts) % 2 else [])
        for (k1, v1), (k2, v2) in zip(pairs[::2], pairs[1::2], strict=True):
            grid.add_row(k1, Text(v1), k2, Text(v2))
        static = self.query_one("#card-facts", Static)
        static.update(grid)
        static.display = True

    @staticmethod
    def _ivr_text(pop: Pop) -> str:
        if pop.ivr.account is None:
            return t("console.card.ivr_none")
        state = t("console.card.ivr_ok") if pop.ivr.verified else t("console.card.ivr_not_ok")
        return f"{pop.ivr.account} {state}"
