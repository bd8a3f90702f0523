"""Fuzzy search over a few dozen articles: titles, tags, headings and bodies, in Chinese,
pinyin (full and initials) and English.

Each article is prepared once (lowercased fields, pinyin of title, tags and headings, the
character bigrams of the text); a query is cut into Han, Latin and digit runs and every run
is scored against every article. With ~30 articles that is well under a millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin, pinyin
from rapidfuzz import fuzz

from console.crm.kb.articles import Article
from console.crm.search.query import clean

_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z0-9+]+")
_MARKUP = re.compile(r"[#*|`>\-]+")
MAX_RUNS = 8
MIN_SCORE = 25.0


@dataclass(frozen=True, slots=True)
class KbHit:
    slug: str
    title: str
    title_en: str
    kind: str
    score: float
    snippet: str

    def to_json(self) -> dict[str, object]:
        return {"slug": self.slug, "title": self.title, "title_en": self.title_en, "kind": self.kind,
                "score": self.score, "snippet": self.snippet}


def _pinyin(text: str) -> tuple[str, str]:
    syllables = [s for s in lazy_pinyin(text) if s.isascii() and s.isalpha()]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()


def _initial_choices(text: str) -> list[frozenset[str]]:
    """Every possible initial of each Han character: pypinyin reads 重置 as zhong zhi, an agent
    types cz (chong zhi); with all readings both match."""
    return [
        frozenset(reading[0] for reading in readings if reading.isascii() and reading.isalpha())
        for readings in pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore")
    ]


def _initials_match(run: str, choices: list[frozenset[str]]) -> int:
    """-1 if ``run`` matches no stretch of initials, else where the first match starts."""
    for start in range(len(choices) - len(run) + 1):
        if all(letter in choices[start + i] for i, letter in enumerate(run)):
            return start
    return -1


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class PreparedArticle:
    def __init__(self, article: Article) -> None:
        self.article = article
        self.title = article.title.lower()
        self.title_en = article.title_en.lower()
        self.tags = tuple(tag.lower() for tag in article.tags)
        headings = [line.lstrip("#").strip() for line in article.body.splitlines() if line.startswith("#")]
        self.headings = " ".join(headings).lower()
        self.body = _MARKUP.sub(" ", article.body).lower()
        self.title_pinyin, self.title_initials = _pinyin(article.title)
        self.title_initial_choices = _initial_choices(article.title)
        self.tag_pinyin = tuple(_pinyin(tag) for tag in article.tags)
        self.head_bigrams = _bigrams(self.title + " " + " ".join(self.tags) + " " + self.headings)
        self.body_bigrams = _bigrams(self.body)
        self.words = set(re.findall(r"[a-z0-9+]+", self.title_en + " " + self.body))

    def score_han(self, run: str, compact: str) -> float:
        if run == self.title:
            return 110.0
        if run in self.title:
            return 100.0
        if run in self.tags:
            return 95.0
        if any(run in tag or (len(tag) >= 2 and tag in run) for tag in self.tags):
            return 85.0
        if len(compact) >= 4 and (compact in self.title_pinyin or any(compact == p for p, _ in self.tag_pinyin)):
            return 80.0  # a homophone slip of the IME: 银证转帐 for 银证转账
        score = 0.0
        if run in self.headings:
            score = 70.0
        count = self.body.count(run)
        if count:
            score = max(score, 40.0 + min(25.0, 5.0 * count))
        if len(run) >= 3:
            grams = _bigrams(run)
            head = len(grams & self.head_bigrams) / len(grams)
            body = len(grams & self.body_bigrams) / len(grams)
            score = max(score, 75.0 * head + 30.0 * body)
        if len(run) >= 2 and score < 50:
            ratio = max(fuzz.partial_ratio(run, self.title), *(fuzz.ratio(run, tag) for tag in self.tags))
            if ratio >= 67:
                score = max(score, 0.7 * ratio)
        return score

    def score_latin(self, run: str) -> float:
        if any(p == run for p, _ in self.tag_pinyin) or run == self.title_pinyin or run in self.tags:
            return 95.0
        if len(run) >= 2 and run in self.title:
            return 90.0  # "c5" in 投资者适当性：C1–C5 与 R1–R5 匹配, "app" in 交易App…
        if len(run) >= 3 and any(word.startswith(run) for word in self.title_en.split()):
            return 90.0
        if len(run) >= 2 and (run in self.title_pinyin or any(p.startswith(run) for p, _ in self.tag_pinyin)):
            return 85.0
        initials_at = _initials_match(run, self.title_initial_choices) if len(run) >= 2 and run.isalpha() else -1
        if initials_at == 0:
            return 85.0
        if initials_at > 0 or (len(run) >= 2 and any(i == run for _, i in self.tag_pinyin)):
            return 80.0
        if run in self.words:
            return 55.0
        if len(run) >= 4:
            ratio = max(fuzz.partial_ratio(run, self.title_pinyin), fuzz.partial_ratio(run, self.title_en))
            if ratio >= 80:
                return 0.7 * ratio
        return 0.0

    def score_digits(self, run: str) -> float:
        if run in self.title or any(run in tag for tag in self.tags):
            return 80.0
        count = self.body.count(run)
        return 40.0 + min(20.0, 5.0 * count) if count else 0.0

    def snippet(self, runs: list[str], width: int = 80) -> str:
        lines = [line.strip() for line in self.article.body.splitlines() if line.strip() and not line.startswith("#")]
        for run in runs:
            for line in lines:
                if run in line.lower():
                    return line[:width]
        return lines[0][:width] if lines else ""


def as_hit(article: Article, score: float = 0.0) -> KbHit:
    first = next((line.strip() for line in article.body.splitlines() if line.strip() and not line.startswith("#")), "")
    return KbHit(article.slug, article.title, article.title_en, article.kind, score, first[:80])


def _score_run(article: PreparedArticle, run: str, han_pinyin: dict[str, str]) -> float:
    if run.isdigit():
        return article.score_digits(run)
    if run.isascii():
        return article.score_latin(run)
    return article.score_han(run, han_pinyin[run])


def search(
    prepared: list[PreparedArticle], query: object, limit: int = 10, boost: dict[str, float] | None = None
) -> list[KbHit]:
    """Hits for ``query``; ``boost`` adds to the score of the slugs it names (context)."""
    boost = boost or {}
    text = clean(query)
    runs = _RUNS.findall(text)[:MAX_RUNS]
    if not runs or limit <= 0:
        return []
    phrase = text.replace(" ", "")
    han_pinyin = {run: _pinyin(run)[0] for run in runs if not run.isascii()}
    table = [[_score_run(article, run, han_pinyin) for run in runs] for article in prepared]
    # A run no article knows ("吗", "怎么") says nothing about which article is meant.
    useful = [i for i in range(len(runs)) if any(row[i] for row in table)]
    if not useful:
        return []
    hits: list[tuple[float, str, PreparedArticle]] = []
    for article, row in zip(prepared, table, strict=True):
        score = sum(row[i] for i in useful) / len(useful)
        if len(runs) > 1 and len(phrase) >= 2 and (phrase in article.title or phrase in article.body):
            score += 15.0  # the words appear together, as typed: "t+1", "50万"
        if score >= MIN_SCORE:
            score += boost.get(article.article.slug, 0.0)
            hits.append((round(score, 1), article.article.slug, article))
    hits.sort(key=lambda hit: (-hit[0], hit[1]))
    return [
        KbHit(a.article.slug, a.article.title, a.article.title_en, a.article.kind, score, a.snippet(runs))
        for score, _, a in hits[:limit]
    ]
