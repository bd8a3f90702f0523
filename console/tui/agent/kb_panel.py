"""Knowledge base: search as you type, suggestions for the call, compliance scripts pinned.

Suggestions come from the ticket category and the customer's flags (a margin customer gets
the margin articles). Compliance scripts (risk disclosure, recording notice) that the server
returns for this customer are pinned above the list: the agent must read them out.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.i18n import get_locale, t
from console.tui.client import ApiError, Client
from console.tui.models import KbArticle
from console.tui.text import label

COMPLIANCE = "compliance-script"


def title_of(article: KbArticle) -> str:
    return article.title_en if get_locale() == "en" and article.title_en else article.title


class KbPanel(Vertical):
    def __init__(self, client: Client | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.client = client
        self._articles: list[KbArticle] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=t("console.kb.placeholder"), id="kb-input")
        yield Static("", id="kb-compliance")
        yield OptionList(id="kb-results")

    def on_mount(self) -> None:
        self.query_one("#kb-compliance").display = False

    def suggest(self, category: str | None, flags: list[str]) -> None:
        """Suggest articles for this call (an empty query, filtered by category and flags)."""
        self._lookup("", category, flags)

    def show_articles(self, articles: list[KbArticle], pin: bool = True) -> None:
        """Show ``articles``; with ``pin`` (suggestions for this call) compliance scripts go on top."""
        scripts = [a for a in articles if a.kind == COMPLIANCE] if pin else []
        pinned = self.query_one("#kb-compliance", Static)
        pinned.update("\n".join(f"§ {t('console.kb.compliance')}: {title_of(a)}" for a in scripts))
        pinned.display = bool(scripts)
        self._articles = [a for a in articles if a.kind != COMPLIANCE] + scripts
        results = self.query_one("#kb-results", OptionList)
        results.clear_options()
        results.add_options(Option(f"{title_of(a)}  ·  {label('kb_kind', a.kind)}", id=a.slug)
                            for a in self._articles)

    @on(Input.Changed, "#kb-input")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.25, lambda: self._lookup(event.value.strip(), None, []))

    @work(exclusive=True, group="kb")
    async def _lookup(self, query: str, category: str | None, flags: list[str]) -> None:
        if self.client is None:
            return
        try:
            self.show_articles(await self.client.kb_search(query, category, flags), pin=not query)
        except ApiError as exc:
            self.notify(exc.message, severity="warning")

    @on(OptionList.OptionSelected, "#kb-results")
    async def _open(self, event: OptionList.OptionSelected) -> None:
        if self.client is None or event.option.id is None:
            return
        try:
            article = await self.client.kb_article(event.option.id)
        except ApiError as exc:
            self.notify(exc.message, severity="warning")
            return
        # Markdown (and markdown-it) load on the first article opened, not at start-up (~90 ms).
        from textual.widgets import Markdown

        viewers = self.query("#kb-article")
        viewer = viewers.first(Markdown) if viewers else Markdown(id="kb-article")
        if not viewers:
            await self.mount(viewer)
        await viewer.update(f"# {title_of(article)}\n\n{article.body}")
