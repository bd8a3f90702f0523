"""Knowledge-base routes: ``GET /api/kb?q=&category=&flags=&limit=`` and ``GET /api/kb/{slug}``.

The search itself is :class:`console.crm.kb.KnowledgeBase` (the search helper's), held under
``keys.KB``. When start-up did not put one there, the first request loads it from the
``kb/`` directory (in a worker thread: it reads files), and keeps it. Without the module or
the directory the routes answer 503 ``unavailable`` instead of failing on a missing import.
List answers leave the article bodies out; ``GET /api/kb/{slug}`` carries the body.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

from aiohttp import web

from console.i18n import t
from console.server import keys
from console.server.auth import require_role
from console.server.errors import ApiError
from console.server.routes.crm_common import json_response, query_int

KB_DIR = Path(__file__).resolve().parents[3] / "kb"
_LOAD_LOCK: web.AppKey[asyncio.Lock] = web.AppKey("kb_load_lock", asyncio.Lock)


def _load(directory: Path) -> Any:
    from console.crm.kb import KnowledgeBase

    loader = getattr(KnowledgeBase, "load", None) or getattr(KnowledgeBase, "from_directory", None)
    return loader(directory) if loader is not None else KnowledgeBase(directory)


async def knowledge_base(app: web.Application) -> Any:
    kb = app.get(keys.KB)
    if kb is not None:
        return kb
    async with app[_LOAD_LOCK]:
        if app.get(keys.KB) is None:
            try:
                app[keys.KB] = await asyncio.to_thread(_load, KB_DIR)
            except (ImportError, OSError):
                raise ApiError(503, "unavailable", t("crm.kb.unavailable")) from None
    return app[keys.KB]


def article_json(item: Any, with_body: bool) -> dict[str, Any]:
    """A hit or an article as JSON, whatever shape the KB returns (dataclass, model or dict)."""
    if hasattr(item, "to_json"):
        data = dict(item.to_json())
    elif hasattr(item, "model_dump"):
        data = item.model_dump(mode="json")
    elif dataclasses.is_dataclass(item):
        data = dataclasses.asdict(item)  # type: ignore[arg-type]
    else:
        data = dict(item)
    nested = data.pop("article", None)  # a hit that wraps its article: flatten it
    if isinstance(nested, dict):
        data = {**nested, **data}
    if not with_body:
        data.pop("body", None)
    return {k: (list(v) if isinstance(v, (tuple, set, frozenset)) else v) for k, v in data.items()}


def _flags(request: web.Request) -> list[str]:
    raw = request.query.getall("flags", [])
    return [flag for value in raw for flag in value.split(",") if flag]


async def search_kb(request: web.Request) -> web.Response:
    require_role(request, "agent")
    kb = await knowledge_base(request.app)
    query = (request.query.get("q") or "").strip()
    limit = query_int(request, "limit", 20, low=1, high=100) or 20
    hits = await asyncio.to_thread(kb.search, query, category=request.query.get("category") or None,
                                   flags=_flags(request), limit=limit)
    return json_response({"articles": [article_json(hit, with_body=False) for hit in hits]})


async def get_article(request: web.Request) -> web.Response:
    require_role(request, "agent")
    kb = await knowledge_base(request.app)
    slug = request.match_info["slug"]
    article = kb.get(slug)
    if article is None:
        raise ApiError(404, "not_found", t("crm.kb.not_found", slug=slug))
    return json_response(article_json(article, with_body=True))


def setup(app: web.Application) -> None:
    app[_LOAD_LOCK] = asyncio.Lock()
    app.router.add_get("/api/kb", search_kb)
    app.router.add_get("/api/kb/{slug}", get_article)
