"""The knowledge base: articles in ``kb/*.md`` for agents, searched and suggested by context.

``KnowledgeBase.load(directory)`` validates every article's front matter (errors name the file
and the key); ``search`` is fuzzy over titles, tags and bodies (Chinese, pinyin, English);
``suggest`` picks articles for a ticket category and customer flags; ``compliance_scripts_for``
gives the scripts an agent must read on a call with those flags, in reading order.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from console.crm.kb.articles import CATEGORIES, FLAGS, Article, KbError, parse_article
from console.crm.kb.search import KbHit, PreparedArticle, as_hit, search
from console.crm.search.query import clean

__all__ = ["Article", "KbError", "KbHit", "KnowledgeBase", "bench_kb", "default_kb_dir"]


def default_kb_dir() -> Path:
    """``kb/`` at the root of the checkout."""
    return Path(__file__).resolve().parents[3] / "kb"


class KnowledgeBase:
    def __init__(self, articles: Iterable[Article]) -> None:
        self._articles = {article.slug: article for article in articles}
        self._prepared = [PreparedArticle(article) for article in self._articles.values()]

    @classmethod
    def load(cls, directory: str | Path | None = None) -> KnowledgeBase:
        folder = Path(directory) if directory is not None else default_kb_dir()
        if not folder.is_dir():
            raise KbError(f"{folder}: knowledge-base directory not found")
        # Slugs are unique because each must equal its file's name (parse_article checks).
        return cls(
            parse_article(path)
            for path in sorted(folder.glob("*.md"))
            if not path.name.upper().startswith("README")
        )

    @property
    def articles(self) -> list[Article]:
        return list(self._articles.values())

    def get(self, slug: str) -> Article | None:
        return self._articles.get(slug)

    def search(
        self, query: str, limit: int = 10, category: str | None = None, flags: Iterable[str] = ()
    ) -> list[KbHit]:
        """Articles matching ``query``, best first. A ticket category and customer flags lift the
        articles they suggest; with an empty query they alone decide (the suggestions, in order)."""
        flags = tuple(flags)
        context = self.suggest(category, flags) if category is not None or flags else []
        boost = {article.slug: 10.0 for article in context}
        hits = search(self._prepared, query, limit, boost)
        if hits or clean(query):
            return hits
        return [as_hit(article) for article in context[: max(limit, 0)]]

    def suggest(self, category: str | None = None, flags: Iterable[str] = ()) -> list[Article]:
        """Articles for a ticket category and customer flags, most specific first.

        An article in the category scores 2 (3 if it is its first category), each flag it applies
        to scores 2. With neither category nor flags: the first-call articles.
        """
        wanted = {flag for flag in flags if flag != "always"}
        if category is not None and category not in CATEGORIES:
            raise KbError(f"suggest: unknown ticket category {category!r}; known: {', '.join(CATEGORIES)}")
        if category is None and not wanted:
            wanted = {"first_call"}
        scored: list[tuple[int, int, str, Article]] = []
        for article in self._articles.values():
            score = 2 * len(wanted & set(article.applies_when))
            if category in article.categories:
                score += 3 if article.categories[0] == category else 2
            if score:
                scored.append((-score, article.priority, article.slug, article))
        return [article for *_, article in sorted(scored)]

    def compliance_scripts_for(self, flags: Iterable[str] = ()) -> list[Article]:
        """The scripts to read on a call with these flags: every-call scripts, then the flagged ones."""
        wanted = set(flags) | {"always"}
        unknown = wanted - set(FLAGS)
        if unknown:
            raise KbError(f"compliance_scripts_for: unknown flag(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(FLAGS)}")
        scripts = [
            article for article in self._articles.values()
            if article.kind == "compliance-script" and wanted & set(article.applies_when)
        ]
        return sorted(scripts, key=lambda a: ("always" not in a.applies_when, a.priority, a.slug))


def bench_kb(kb: KnowledgeBase | None = None, rounds: int = 20) -> dict[str, float]:
    """Search latency over a realistic query mix: {"p50_ms", "p95_ms", "queries", "articles"}."""
    import time

    from console.crm.kb.bench_queries import BENCH_QUERIES

    kb = kb or KnowledgeBase.load()
    timings: list[float] = []
    for _ in range(rounds):
        for query in BENCH_QUERIES:
            started = time.perf_counter()
            kb.search(query)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(timings[len(timings) // 2], 3),
        "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 3),
        "queries": len(timings),
        "articles": len(kb.articles),
    }
