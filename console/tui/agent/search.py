"""One box for name, pinyin, initials (``zs`` finds 张三), phone fragment or client number.

Results come as the agent types: each keystroke restarts a short timer, and only the last
query is sent (an exclusive worker cancels a search that is overtaken).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label

from console.i18n import t
from console.tui.agent.candidates import CandidateList
from console.tui.client import ApiError
from console.tui.models import Customer

Searcher = Callable[[str], Awaitable[list[Customer]]]
DEBOUNCE_S = 0.25


class SearchPanel(Vertical):
    class CustomerOpened(Message):
        def __init__(self, customer: Customer) -> None:
            super().__init__()
            self.customer = customer

    class ResultsShown(Message):
        """The results of ``query`` are on screen (tests and benchmarks wait for this)."""

        def __init__(self, query: str, count: int) -> None:
            super().__init__()
            self.query, self.count = query, count

    def __init__(self, searcher: Searcher | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.searcher = searcher
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=t("console.search.placeholder"), id="search-input")
        yield Label("", id="search-status")
        yield CandidateList(id="search-results")

    def start(self, text: str = "") -> None:
        box = self.query_one("#search-input", Input)
        box.value = text
        box.focus()

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_S, lambda: self._search(event.value.strip()))

    @on(Input.Submitted, "#search-input")
    def _enter(self, event: Input.Submitted) -> None:
        results = self.query_one(CandidateList)
        if results.option_count:
            results.focus()

    @work(exclusive=True, group="search")
    async def _search(self, query: str) -> None:
        status = self.query_one("#search-status", Label)
        if not query or self.searcher is None:
            self.query_one(CandidateList).show([])
            status.update("")
            return
        try:
            found = await self.searcher(query)
        except ApiError as exc:
            status.update(exc.message)
            return
        self.show_results(query, found)

    def show_results(self, query: str, found: list[Customer]) -> None:
        status = self.query_one("#search-status", Label)
        status.update(t("console.search.count", n=len(found)) if found else t("console.search.none", q=query))
        self.query_one(CandidateList).show(found)
        self.post_message(self.ResultsShown(query, len(found)))

    @on(CandidateList.CandidateChosen)
    def _chosen(self, event: CandidateList.CandidateChosen) -> None:
        event.stop()
        self.post_message(self.CustomerOpened(event.customer))
