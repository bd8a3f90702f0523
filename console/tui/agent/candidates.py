"""The customers one number may belong to (an ambiguous pop), or search hits: pick one."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.tui.models import Customer
from console.tui.text import label, pad


def customer_line(customer: Customer) -> str:
    """One aligned line per customer: name, tier, client number, branch, first phone."""
    phone = customer.phones[0].number if customer.phones else ""
    return (f"{pad(customer.name, 10)} {pad(label('tier', customer.tier), 6)} "
            f"{pad(customer.client_no, 12)} {pad(customer.branch or '', 12)} {phone}")


class CandidateList(OptionList):
    """Which of these customers is calling? Enter opens the one chosen."""

    class CandidateChosen(Message):
        def __init__(self, customer: Customer) -> None:
            super().__init__()
            self.customer = customer

    def show(self, customers: list[Customer]) -> None:
        self._customers = list(customers)
        self.clear_options()
        self.add_options(Option(customer_line(c), id=str(c.id)) for c in self._customers)
        self.display = bool(self._customers)
        if self._customers:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.CandidateChosen(self._customers[event.option_index]))
