"""The preview dialog: a campaign offers the agent a lead; the agent dials it or skips it.

The ``preview`` frame names the campaign, the lead (number masked, where it came from), the
customer's name as an unverified caller's (masking rules) and the script's slug. The script's
title is looked up here, after the dialog is on screen, so an offer never waits for it; so is the
customer's name when an older server did not send it (a failed lookup only leaves the line out).
The dialog returns "dial" or "skip"; the agent screen sends the request and reports a refusal.
The look-up may finish after the dialog was dismissed (an inbound call skips the offer): it updates
the labels it holds, never queries a screen that is gone (that once failed the console's worker and
closed the console).
"""

from __future__ import annotations

from typing import Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from console.i18n import has, t
from console.tui.agent.kb_panel import title_of
from console.tui.client import ApiError
from console.tui.keys import LEAD_OFFER_KEYS, install
from console.tui.phone_text import display_number
from console.tui.stream import LeadOffered

LeadChoice = Literal["dial", "skip"]


def kind_text(kind: str) -> str:
    key = f"camp.kind.{kind}"
    return t(key) if has(key) else kind


def source_text(source: str) -> str:
    key = f"console.lead.source.{source}"
    return t(key) if has(key) else source


def customer_text(offer: LeadOffered) -> str:
    if offer.customer_id is None:
        return t("console.lead.unknown_customer")
    return t("console.lead.customer", name=offer.customer_name) if offer.customer_name else ""


class LeadOfferDialog(ModalScreen[LeadChoice]):
    def __init__(self, offer: LeadOffered, client: Any = None) -> None:
        super().__init__()
        install(self, LEAD_OFFER_KEYS)
        self.offer, self.client = offer, client
        self.customer_label = Label(customer_text(offer), id="lead-customer")
        self.script_label = Label(offer.script or "", id="lead-script")

    def compose(self) -> ComposeResult:
        o = self.offer
        with Vertical(id="lead-form", classes="form"):
            yield Label(t("console.lead.title", campaign=o.campaign_name), classes="form-title")
            yield self.customer_label
            yield Label(t("console.lead.number", number=display_number(o.number)), id="lead-number")
            yield Label(t("console.lead.reason", kind=kind_text(o.campaign_kind)), id="lead-reason")
            yield Label(t("console.lead.attempt", n=o.attempt), id="lead-attempt")
            if o.source:
                yield Label(t("console.lead.source", source=source_text(o.source)), id="lead-source")
            yield self.script_label
            with Horizontal(classes="form-buttons"):
                yield Button(t("console.lead.dial"), id="lead-dial", variant="success")
                yield Button(t("console.lead.skip"), id="lead-skip")

    def on_mount(self) -> None:
        self.query_one("#lead-dial", Button).focus()
        self.script_label.display = bool(self.offer.script)
        if self.offer.script:
            self.script_label.update(t("console.lead.script", title=self.offer.script))
        if self.client is not None:
            self.run_worker(self._look_up(), group="lead-lookup")

    async def _look_up(self) -> None:
        o = self.offer
        if o.customer_id is not None and not o.customer_name:  # an older server's frame
            try:
                customer = await self.client.customer(o.customer_id)
                self.customer_label.update(t("console.lead.customer", name=customer.name))
            except ApiError:
                pass  # the id alone says nothing to the agent; the pop shows the customer on connect
        if o.script:
            try:
                article = await self.client.kb_article(o.script)
                self.script_label.update(t("console.lead.script", title=title_of(article) or o.script))
            except ApiError:
                pass  # the slug stays shown

    @on(Button.Pressed, "#lead-dial")
    def action_dial_lead(self) -> None:
        self.dismiss("dial")

    @on(Button.Pressed, "#lead-skip")
    def action_skip_lead(self) -> None:
        self.dismiss("skip")


def offer_lead(screen: Any, offer: LeadOffered) -> LeadOfferDialog:
    """Show ``offer`` over the agent screen; the choice is sent with the screen's ``api``."""
    client = screen.ctx.client

    def chosen(choice: LeadChoice | None) -> None:
        if client is None or choice is None:
            return
        if choice == "dial":
            screen.api(client.dial_lead(offer.campaign_id, offer.lead_id),
                       t("console.lead.dialing", number=display_number(offer.number)))
        else:
            screen.api(client.skip_lead(offer.campaign_id, offer.lead_id), t("console.lead.skipped"))
    dialog = LeadOfferDialog(offer, client)
    screen.app.push_screen(dialog, chosen)
    return dialog
