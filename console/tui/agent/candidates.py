"""The customers one number may belong to (an ambiguous pop), or search hits: pick one."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.tui.models import Customer
from console.tui.phone_text import display_number
from console.tui.text import label, pad


def customer_line(customer: Customer) -> str:
    """One aligned line per customer: name, tier, client number, first phone, branch (cut first)."""
    # Width 11 fits the masked form the server sends before verification; a narrower pane wraps.
    phone = display_number(customer.phones[0].number) if customer.phones else ""
    return (f"{pad(customer.name, 8)} {pad(label('tier', customer.tier), 8)} "
            f"{pad(customer.client_no, 12)} {pad(phone, 11)} {customer.branch or ''}")


class CandidateList(OptionList):
    """Which of these customers is calling? Enter opens the one chosen."""

    class CandidateChosen(Message):
        def __init__(self, customer: Customer) -> None:
            super().__init__()
            self.customer = customer

    def show(self, customers: list[Customer]) -> None:
        self._customers = list(customers)
        self.clear_options()
        # One line each, cut at the edge: a wrapped list is hard to scan under pressure.
        self.add_options(Option(Text(customer_line(c), no_wrap=True, overflow="ellipsis"), id=str(c.id))
                         for c in self._customers)
        self.display = bool(self._customers)
        if self._customers:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.CandidateChosen(self._customers[event.option_index]))
