"""The screen pop: who is calling, at a glance.

Name and tier badge first (the badge coloured by a ``-<tier>`` state class), then the facts an
agent must not miss: an expired risk assessment, VIP/complaint/churn flags, the IVR check.
Masked fields stay masked until the server says the caller is verified.

Every part keeps its size from one call to the next (fixed heights and widths, updates without
layout): a pop then repaints a few lines instead of re-flowing the whole screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from console.i18n import t
from console.tui.agent.candidates import CandidateList
from console.tui.models import Churn, Customer, Pop
from console.tui.phone_text import display_number
from console.tui.text import duration, label

TIERS = ("standard", "silver", "gold", "platinum", "diamond")
ALERT_FLAGS = ("vip", "open_complaint", "churn_risk", "do_not_call")


class CustomerCard(Vertical):
    customer: Customer | None = None
    verified: bool = False  # the server said the caller proved who they are (the profile is unmasked)
    call_facts: Sequence[tuple[str, str]] = ()  # the ringing call's facts, kept when the profile changes

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
        self.query_one(CandidateList).display = False
        self.clear()

    def _set(self, part: str, text: str | Table) -> None:
        self.query_one(part, Static).update(text, layout=False)

    def _candidates(self, customers: list[Customer]) -> None:
        candidates = self.query_one(CandidateList)
        if customers or candidates.display:  # only an ambiguous pop (or the one after) re-flows
            candidates.show(customers)

    def clear(self) -> None:
        self.customer, self.call_facts, self.verified = None, [], False
        self._set("#card-name", t("console.card.idle"))
        for part in ("#card-tier", "#card-alerts", "#card-risk-warning", "#card-facts"):
            self._set(part, "")
        self.query_one("#card-tier").remove_class(*(f"-{name}" for name in TIERS))
        self._candidates([])

    def show_pop(self, pop: Pop, tz: ZoneInfo) -> None:
        ring = pop.ringing
        call_facts = [
            (t("console.card.number"), display_number(pop.number or ring.caller)),
            (t("console.card.queue"), f"{ring.queue or '—'}  {t('console.card.waited', time=duration(ring.wait_s))}"),
            (t("console.card.ivr"), self._ivr_text(pop)),
        ]
        if pop.customer is not None:
            self.show_customer(pop.customer, call_facts, verified=pop.verified)
            return
        self.clear()
        self.call_facts = call_facts
        name = ring.caller_name or display_number(pop.number or ring.caller)
        key = "console.card.ambiguous" if pop.match == "ambiguous" else "console.card.unknown"
        self._set("#card-name", name)
        self._set("#card-alerts", t(key, n=len(pop.candidates)))
        self._facts(call_facts)
        self._candidates(pop.candidates)

    def show_customer(self, customer: Customer, call_facts: list[tuple[str, str]] | None = None,
                      verified: bool = False) -> None:
        self.customer, self.verified = customer, verified
        if call_facts is not None:
            self.call_facts = call_facts
        self._set("#card-name", customer.name or customer.client_no)
        self._set("#card-tier", f" {label('tier', customer.tier)} ")
        tier = self.query_one("#card-tier")
        tier.remove_class(*(f"-{name}" for name in TIERS), update=False)
        tier.add_class(f"-{customer.tier}")
        alerts = [label("flag", f) for f in customer.flags.active() if f in ALERT_FLAGS]
        self._set("#card-alerts", "  ".join(f"⚑ {a}" for a in alerts))
        self._set("#card-risk-warning", t("console.card.risk_expired", date=customer.risk_assessed_on or "—")
                  if customer.risk_expired else "")
        manager = customer.manager
        products = [label("flag", f) for f in customer.flags.active() if f not in ALERT_FLAGS]
        facts = [
            (t("console.card.client_no"), customer.client_no),
            (t("console.card.risk"), f"{customer.risk_level or '—'} {label('risk', customer.risk_level)}"),
            (t("console.card.investor"), label("investor", customer.investor_type)),
            (t("console.card.manager"), f"{manager.name} ({manager.extension or '—'})" if manager else "—"),
            (t("console.card.churn"), churn_text(customer.churn)),
            (t("console.card.branch"), customer.branch or "—"),
            (t("console.card.products"), " ".join(products) or "—"),
            (t("console.card.id_number"), customer.id_number or "—"),
            (t("console.card.phones"), "  ".join(display_number(p.number) for p in customer.phones) or "—"),
            (t("console.card.verified"), t("console.card.yes") if verified else t("console.card.verify_hint")),
        ]
        # A profile opened from the candidates or unmasked by verification keeps the call's facts.
        self._facts([*self.call_facts, *facts])
        self._candidates([])

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
        self._set("#card-facts", grid)

    @staticmethod
    def _ivr_text(pop: Pop) -> str:
        if pop.ivr.account is None:
            return t("console.card.ivr_none")
        state = t("console.card.ivr_ok") if pop.ivr.verified else t("console.card.ivr_not_ok")
        return f"{pop.ivr.account} {state}"


def churn_text(churn: Churn) -> str:
    """``高 62 · 转户咨询 1 次 · 投诉 1 次``: the level, the score and the heaviest reasons."""
    head = f"{t(f'console.churn.level.{churn.level}')} {churn.score}"
    reasons = [t(f"console.churn.{r.factor}", n=round(r.value), value=r.value) for r in churn.reasons]
    return " · ".join([head, *reasons])
