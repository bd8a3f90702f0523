"""KB routes over the real knowledge base in kb/."""

from __future__ import annotations

import pytest

from tests.server.conftest import bearer
from tests.server.crm_helpers import error_of


async def search(client, token, **params):
    resp = await client.get("/api/kb", params=params, headers=bearer(token))
    assert resp.status == 200, await resp.text()
    return (await resp.json())["articles"]


async def test_search_in_chinese_pinyin_and_by_context(client, agent_token):
    hits = await search(client, agent_token, q="融资融券")
    assert hits and hits[0]["slug"].startswith("margin")
    assert all("body" not in hit for hit in hits) and {"slug", "title", "kind", "score"} <= set(hits[0])
    assert any(h["slug"].startswith("margin") for h in await search(client, agent_token, q="rzrq"))
    suggested = await search(client, agent_token, category="margin")
    assert suggested and suggested[0]["slug"].startswith("margin")
    flagged = await search(client, agent_token, flags="risk_expired", limit=3)
    assert 1 <= len(flagged) <= 3


async def test_article_with_body(client, agent_token):
    resp = await client.get("/api/kb/margin-eligibility", headers=bearer(agent_token))
    assert resp.status == 200
    article = await resp.json()
    assert article["title"] == "融资融券开户条件与办理" and article["body"] and "path" not in article
    resp = await client.get("/api/kb/no-such-article", headers=bearer(agent_token))
    assert resp.status == 404 and (await error_of(resp))["message"] == "知识库文章「no-such-article」不存在"


async def test_bad_filters_name_the_parameter(client, agent_token):
    for params, field in [({"category": "stocks"}, "category"), ({"flags": "margin,vip"}, "flags"),
                          ({"limit": "0"}, "limit")]:
        resp = await client.get("/api/kb", params=params, headers=bearer(agent_token))
        assert resp.status == 400 and (await error_of(resp))["field"] == field
    resp = await client.get("/api/kb", params={"flags": "vip"}, headers=bearer(agent_token))
    assert "vip" in (await error_of(resp))["message"]


async def test_a_broken_knowledge_base_is_503_naming_the_file(client, agent_token, tmp_path, monkeypatch):
    (tmp_path / "broken.md").write_text("no front matter here\n", encoding="utf-8")
    monkeypatch.setattr("console.server.routes.kb.default_kb_dir", lambda: tmp_path)
    resp = await client.get("/api/kb", params={"q": "x"}, headers=bearer(agent_token))
    assert resp.status == 503
    error = await error_of(resp)
    assert error["code"] == "unavailable" and "broken.md" in error["message"]


@pytest.mark.parametrize("path", ["/api/kb?q=x", "/api/kb/margin-eligibility"])
async def test_needs_a_login(client, path):
    assert (await client.get(path)).status == 401
