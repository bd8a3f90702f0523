"""The knowledge base."""

from __future__ import annotations

from pydantic import BaseModel


class KbHit(BaseModel):
    slug: str
    title: str
    title_en: str | None
    kind: str
    score: float
    snippet: str


class KbHits(BaseModel):
    articles: list[KbHit]


class KbArticle(BaseModel):
    slug: str
    title: str
    title_en: str | None
    kind: str
    categories: list[str]
    products: list[str]
    tags: list[str]
    basis: list[str]
    applies_when: list[str]
    body: str
