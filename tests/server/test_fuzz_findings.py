"""What schemathesis found (tests/server/test_schemathesis.py), one regression test each:
500s on values the database could not hold or compare, and 4xx messages that were English CLI
texts or Chinese literals whatever the configured language."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.server.conftest import MakeClient, Seed, bearer, login, server_settings
from tests.server.crm_helpers import error_of

HUGE = 42378494653024039265064024374970941440


async def test_a_huge_customer_id_to_originate_is_a_400_not_a_500(client: TestClient) -> None:
    token = await login(client, "agent1")
    resp = await client.post("/api/calls/originate", json={"customer_id": HUGE}, headers=bearer(token))
    assert resp.status == 400, await resp.text()
    assert (await error_of(resp))["field"] == "customer_id"


async def test_a_huge_version_is_a_400_not_a_500(client: TestClient, seed: Seed) -> None:
    token = await login(client, "admin")
    resp = await client.patch(f"/api/customers/{seed.known}", json={"version": HUGE, "branch": "x"},
                              headers=bearer(token))
    assert resp.status == 400, await resp.text()
    assert (await error_of(resp))["field"] == "version"
    resp = await client.patch(f"/api/tickets/{seed.open_ticket}", json={"version": HUGE, "priority": "low"},
                              headers=bearer(token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "version"


async def test_a_huge_page_cursor_or_manager_id_is_a_400_not_a_500(client: TestClient) -> None:
    token = await login(client, "sup1")
    resp = await client.get(f"/api/recordings/expired?after_id={HUGE}", headers=bearer(token))
    assert resp.status == 400, await resp.text()
    assert await error_of(resp) == {"code": "invalid", "field": "after_id",
                                    "message": f"参数 after_id 超出范围：{HUGE}"}
    resp = await client.get(f"/api/customers/at-risk?manager={HUGE}", headers=bearer(token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "manager"
    resp = await client.get(f"/api/qa/reviews?agent={HUGE}", headers=bearer(token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "agent"


async def test_a_campaign_window_with_an_offset_is_refused_in_chinese(client: TestClient) -> None:
    token = await login(client, "sup1")
    resp = await client.post("/api/campaigns", json={"name": "回访", "window_end": "09:46:41.96-21:06"},
                             headers=bearer(token))
    assert resp.status == 400, await resp.text()
    assert await error_of(resp) == {"code": "invalid", "field": "window_end",
                                    "message": "字段 window_end 无效：呼叫时段按中心时区填写，不能带时区偏移"}
    resp = await client.post("/api/campaigns", json={"name": "回访", "retry_noanswer_min": 8892220},
                             headers=bearer(token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "retry_noanswer_min"


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


async def test_campaign_errors_speak_the_servers_language(make_client: MakeClient, seed: Seed) -> None:
    client = await make_client()
    token = await login(client, "sup1")
    resp = await client.get("/api/campaigns/999999/stats", headers=bearer(token))
    assert resp.status == 404 and chinese((await error_of(resp))["message"])
    resp = await client.post("/api/campaigns", json={"name": "回访"}, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    campaign = (await resp.json())["id"]
    resp = await client.post(f"/api/campaigns/{campaign}/pause", headers=bearer(token))
    assert resp.status == 409 and chinese((await error_of(resp))["message"])
    resp = await client.post("/api/campaigns/²/start", headers=bearer(token))  # "²".isdigit(): was a 500
    assert resp.status == 404 and chinese((await error_of(resp))["message"])
    resp = await client.post("/api/campaigns/1/leads/2/dial", headers=bearer(await login(client, "agent1")))
    assert (await error_of(resp))["message"] == "线索 2 没有分配给你预览"

    english = await make_client(settings=server_settings(center={"locale": "en"}))
    token = await login(english, "sup1")
    resp = await english.post(f"/api/campaigns/{campaign}/pause", headers=bearer(token))
    assert resp.status == 409 and not chinese((await error_of(resp))["message"])
    resp = await english.post("/api/campaigns/1/leads/2/dial", headers=bearer(await login(english, "agent1")))
    assert (await error_of(resp))["message"] == "lead 2 is not offered to you"


async def test_report_errors_speak_the_servers_language(make_client: MakeClient, seed: Seed) -> None:
    client = await make_client()
    token = await login(client, "sup1")
    resp = await client.get("/api/supervisor/report?interval=7q", headers=bearer(token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "interval"
    assert chinese((await error_of(resp))["message"])
    english = await make_client(settings=server_settings(center={"locale": "en"}))
    token = await login(english, "sup1")
    for query, field in (("from=someday", "from"), ("by=week", "by"), ("interval=7q", "interval")):
        resp = await english.get(f"/api/supervisor/report?{query}", headers=bearer(token))
        error = await error_of(resp)
        assert resp.status == 400 and error["field"] == field and not chinese(error["message"]), error
