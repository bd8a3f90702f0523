"""What schemathesis found (tests/server/test_schemathesis.py), one regression test each:
500s on values the database could not hold or compare, and 4xx messages that were English CLI
texts or Chinese literals whatever the configured language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient

from tests.server.conftest import MakeClient, Seed, bearer, login, server_settings

HUGE = 42378494653024039265064024374970941440


@pytest.fixture(autouse=True)
def restore_locale() -> Iterator[None]:
    from console.i18n import get_locale, set_locale

    previous = get_locale()
    yield
    set_locale(previous)


async def error_of(resp) -> dict:  # noqa: ANN001
    return (await resp.json())["error"]


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
    assert await error_of(resp) == {"code": "invalid", "field": "after_id", "message": f"参数 after_id 超出范围：{HUGE}"}
    resp = await client.get(f"/api/customers/at-risk?manager={HUGE}", headers=bearer(token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "manager"


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
    resp = await client.post("/api/campaigns", json={"name": "回访", "agents": ["1001", "1001"]}, headers=bearer(token))
    assert (await error_of(resp))["message"] == "字段 agents 无效：坐席 1001 重复"
    resp = await client.post("/api/campaigns", json={"name": "回访", "agents": ["1001", "10a2"]}, headers=bearer(token))
    assert (await error_of(resp))["message"] == "字段 agents 无效：第 2 个坐席（'10a2'）不是分机号：只能是数字，最多 16 位"
    resp = await client.post("/api/campaigns", json={"name": "回访", "product_risk": "R9"}, headers=bearer(token))
    assert (await error_of(resp))["message"] == "字段 product_risk 无效：产品风险须为 R1, R2, R3, R4, R5 之一"


async def test_campaign_errors_speak_the_servers_language(make_client: MakeClient, seed: Seed) -> None:
    client = await make_client()
    token = await login(client, "sup1")
    resp = await client.get("/api/campaigns/999999/stats", headers=bearer(token))
    assert resp.status == 404 and (await error_of(resp))["message"] == "外呼活动 999999 不存在"
    resp = await client.post("/api/campaigns", json={"name": "回访"}, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    campaign = (await resp.json())["id"]
    resp = await client.post(f"/api/campaigns/{campaign}/pause", headers=bearer(token))
    assert resp.status == 409
    assert (await error_of(resp))["message"] == f"外呼活动 {campaign} 当前为「草稿」，不能暂停（仅限：进行中）"
    resp = await client.post("/api/campaigns/x9/start", headers=bearer(token))
    assert resp.status == 404 and (await error_of(resp))["message"] == "「x9」不是有效的id编号"

    english = await make_client(settings=server_settings(center={"locale": "en"}))
    token = await login(english, "sup1")
    resp = await english.post(f"/api/campaigns/{campaign}/pause", headers=bearer(token))
    assert (await error_of(resp))["message"] == f"campaign {campaign} is Draft: cannot pause it (only from Running)"
    resp = await english.post("/api/campaigns/1/leads/2/dial", headers=bearer(await login(english, "agent1")))
    assert (await error_of(resp))["message"] == "lead 2 is not offered to you"


async def test_report_errors_speak_the_servers_language(make_client: MakeClient, seed: Seed) -> None:
    client = await make_client()
    token = await login(client, "sup1")
    resp = await client.get("/api/supervisor/report?interval=7q", headers=bearer(token))
    assert resp.status == 400
    assert await error_of(resp) == {"code": "invalid", "field": "interval",
                                    "message": "interval「7q」无效：须为整天可均分的分钟或小时数，如 15m、30m、1h"}
    english = await make_client(settings=server_settings(center={"locale": "en"}))
    token = await login(english, "sup1")
    resp = await english.get("/api/supervisor/report?from=someday", headers=bearer(token))
    assert (await error_of(resp))["message"] == "from must be a YYYY-MM-DD date: someday"
    resp = await english.get("/api/supervisor/report?by=week", headers=bearer(token))
    assert (await error_of(resp))["message"] == "by must be interval/agent/queue"
