"""Knowledge-base routes: ``GET /api/kb?q=&category=&flags=&limit=`` and ``GET /api/kb/{slug}``.

The search is :class:`console.crm.kb.KnowledgeBase`: the first request loads it from ``kb/`` (in a
worker thread: it reads and validates the files) and keeps it. A knowledge base that cannot be loaded (a broken article)
answers 503 ``unavailable`` with the loader's message, which names the file and the key.
Searches answer hits without bodies; ``GET /api/kb/{slug}`` carries the Markdown body.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from console.crm.kb import KbError, KnowledgeBase, default_kb_dir
from console.crm.kb.articles import CATEGORIES, FLAGS
from console.i18n import t
from console.server.api_models.kb import KbArticle, KbHits
from console.server.api_models.queries import KbSearchQuery
from console.server.auth import require_role
from console.server.errors import ApiError
from console.server.openapi import Operation, register
from console.server.routes.crm_common import json_response, query_int


@dataclass
class KbState:
    kb: KnowledgeBase | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


STATE: web.AppKey[KbState] = web.AppKey("kb_state", KbState)


async def knowledge_base(app: web.Application) -> KnowledgeBase:
    """The app's knowledge base, loaded on first use when start-up did not provide one."""
    state = app[STATE]
    async with state.lock:
        if state.kb is None:
            try:
                state.kb = await asyncio.to_thread(KnowledgeBase.load, default_kb_dir())
            except KbError as exc:
                raise ApiError(503, "unavailable", f"{t('crm.kb.unavailable')}：{exc}") from None
    return state.kb


def _flags(request: web.Request) -> list[str]:
    flags = [flag for value in request.query.getall("flags", []) for flag in value.split(",") if flag]
    unknown = sorted(set(flags) - set(FLAGS))
    if unknown:
        raise ApiError(400, "invalid", t("crm.param.bad_value", name="flags", value=", ".join(unknown),
                                         allowed=", ".join(FLAGS)), field="flags")
    return flags


async def search_kb(request: web.Request) -> web.Response:
    require_role(request, "agent")
    category = request.query.get("category") or None
    if category is not None and category not in CATEGORIES:
        raise ApiError(400, "invalid", t("crm.ticket.bad_category", value=category), field="category")
    flags = _flags(request)
    limit = query_int(request, "limit", 20, low=1, high=100) or 20
    kb = await knowledge_base(request.app)
    query = (request.query.get("q") or "").strip()
    hits = await asyncio.to_thread(kb.search, query, limit, category, flags)
    return json_response({"articles": [hit.to_json() for hit in hits]})


async def get_article(request: web.Request) -> web.Response:
    require_role(request, "agent")
    kb = await knowledge_base(request.app)
    slug = request.match_info["slug"]
    article = kb.get(slug)
    if article is None:
        raise ApiError(404, "not_found", t("crm.kb.not_found", slug=slug))
    body: dict[str, Any] = article.to_json()
    return json_response(body)


def setup(app: web.Application) -> None:
    app[STATE] = KbState()
    register(
        app,
        Operation("GET", "/api/kb", search_kb, "Search the knowledge base", query=KbSearchQuery, response=KbHits,
                  tag="kb"),
        Operation("GET", "/api/kb/{slug}", get_article, "A knowledge-base article", response=KbArticle, tag="kb"),
    )
