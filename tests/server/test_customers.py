"""Customer routes over a real server and client, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from console.server import keys
from console.server.routes.customer_index import index_ready
from tests.server.conftest import KNOWN_ACCOUNT, bearer, login
from tests.server.crm_helpers import audit_rows, error_of, live_call


async def test_profile_is_masked_and_audited(client, seed, seeded_engine, agent_token, frozen_clock):
    resp = await client.get(f"/api/customers/{seed.known}", headers=bearer(agent_token))
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["masked"] is True
    assert body["name"] == "赵敏" and body["client_no"] == KNOWN_ACCOUNT
    assert body["phones"] == [{"number": "138****8000", "kind": "mobile"}]
    assert body["id_number"] == "3101**********1234"
    assert body["aum"] is None and body["aum_band"] == "50万–200万"
    assert body["birth_date"] is None
    assert body["flags"]["open_complaint"] is True and body["flags"]["margin"] is True
    # Assessed 2023-01-05: more than assessment_valid_days (730) before 2026-11-22.
    assert body["risk_expired"] is True and body["manager"]["name"] == "陈经理"
    rows = audit_rows(seeded_engine, seed.known)
    assert rows[-1]["action"] == "customer.view" and rows[-1]["actor_id"] == seed.staff["agent1"]
    assert rows[-1]["detail"] == {"masked": True} and rows[-1]["at"] == frozen_clock.now


async def test_unknown_customer_is_404_in_chinese(client, agent_token):
    resp = await client.get("/api/customers/999999", headers=bearer(agent_token))
    assert resp.status == 404
    assert await error_of(resp) == {"code": "not_found", "message": "客户 999999 不存在", "field": None}
    resp = await client.get("/api/customers/abc", headers=bearer(agent_token))
    assert resp.status == 404


SEARCHES = [(KNOWN_ACCOUNT, "known"), ("13800138000", "known"), ("赵", "known"), ("zhao", "known"), ("zm", "known"),
            ("钱", "shared"), ("nobody", None)]


def expected_ids(seed, who):
    return {"known": [seed.known], "shared": sorted(seed.shared), None: []}[who]


async def test_search_through_the_index(client, seed, agent_token):
    assert await index_ready(client.server.app) is not None
    for query, who in SEARCHES + [("zhaomin", "known")]:  # compact pinyin: only the index knows it
        resp = await client.get("/api/customers", params={"q": query}, headers=bearer(agent_token))
        assert resp.status == 200, await resp.text()
        results = (await resp.json())["results"]
        assert sorted(r["id"] for r in results) == expected_ids(seed, who), query
        assert all(r["masked"] for r in results)


def test_sql_fallback_search(seeded_engine, seed):
    from console.crm.customer_lookup import fallback_search
    from console.store.db import session_scope

    with session_scope(seeded_engine) as session:
        for query, who in SEARCHES + [("1234", "all")]:
            found = sorted(fallback_search(session, query))
            if who == "all":  # the id number's last four: the seeded customers all end in 1234
                from sqlmodel import select

                from console.store.models import Customer

                assert found == sorted(session.exec(select(Customer.id).where(Customer.id_last4 == "1234")))
                assert seed.known in found
            else:
                assert found == expected_ids(seed, who), query
        # Quotes and LIKE wildcards are data, not SQL.
        for nasty in ["' OR 1=1 --", "%", "_", "zh%o", "zha_", "\\"]:
            assert fallback_search(session, nasty) == [], nasty


async def test_search_needs_a_query(client, agent_token):
    resp = await client.get("/api/customers", params={"q": "  "}, headers=bearer(agent_token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "q"
    resp = await client.get("/api/customers", params={"q": "x", "limit": "0"}, headers=bearer(agent_token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "limit"


async def test_create_normalises_phones_and_derives_columns(client, seed, agent_token, seeded_engine):
    await index_ready(client.server.app)
    body = {"client_no": "310099990001", "name": "单田芳", "id_number": "11010519491231002x",
            "phones": ["+86 139-0000-1111", "13900001111", "021 6123 4567"], "branch": "北京营业部"}
    resp = await client.post("/api/customers", json=body, headers=bearer(agent_token))
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    assert created["name_pinyin"] == "shan tian fang" and created["tier"] == "standard"
    assert [p["number"] for p in created["phones"]] == ["+8613900001111", "+862161234567"]
    assert created["id_number"] == "11010519491231002X"
    # Found again by the new number and the name's pinyin (the index was updated), and audited.
    for query in ("13900001111", "shantianfang", "021 6123 4567"):
        resp = await client.get("/api/customers", params={"q": query}, headers=bearer(agent_token))
        assert created["id"] in [r["id"] for r in (await resp.json())["results"]], query
    assert audit_rows(seeded_engine, created["id"])[0]["action"] == "customer.create"


async def test_create_refuses_bad_input_naming_the_field(client, agent_token):
    cases = [
        ({"client_no": "310012345678", "name": "重复"}, "client_no"),
        ({"client_no": "310099990002", "name": "甲", "phones": ["13800138000", "138001380"]}, "phones.1"),
        ({"client_no": "31x", "name": "甲"}, "client_no"),
        ({"client_no": "310099990003", "name": "甲", "id_number": "123"}, "id_number"),
        ({"client_no": "310099990004", "name": "甲", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        resp = await client.post("/api/customers", json=body, headers=bearer(agent_token))
        assert resp.status == 400, body
        error = await error_of(resp)
        assert error["code"] == "invalid" and error["field"] == field, error


async def test_agents_cannot_set_regulated_fields(client, seed, agent_token):
    resp = await client.post("/api/customers", json={"client_no": "310099990005", "name": "乙", "aum": "5000000"},
                             headers=bearer(agent_token))
    assert resp.status == 403 and (await error_of(resp))["field"] == "aum"
    resp = await client.patch(f"/api/customers/{seed.known}", json={"version": 1, "risk_level": "C5"},
                              headers=bearer(agent_token))
    assert resp.status == 403 and (await error_of(resp))["field"] == "risk_level"


async def test_manager_update_recomputes_tier_and_locks_optimistically(client, seed):
    manager = await login(client, "mgr1")
    resp = await client.patch(f"/api/customers/{seed.known}", json={"version": 1, "aum": "3000000"},
                              headers=bearer(manager))
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["tier"] == "platinum" and body["flags"]["vip"] and body["version"] == 2
    assert body["masked"] is True  # a manager's role alone does not unmask
    stale = await client.patch(f"/api/customers/{seed.known}", json={"version": 1, "aum": "100"},
                               headers=bearer(manager))
    assert stale.status == 409 and (await error_of(stale))["code"] == "conflict"
    missing = await client.patch("/api/customers/999999", json={"version": 1, "aum": "100"}, headers=bearer(manager))
    assert missing.status == 404
    for field in ("branch", "aum", "name", "phones"):
        cleared = await client.patch(f"/api/customers/{seed.known}", json={"version": 2, field: None},
                                     headers=bearer(manager))
        assert cleared.status == 400 and (await error_of(cleared))["field"] == field
    no_such_manager = await client.patch(f"/api/customers/{seed.known}", json={"version": 2, "manager_id": 999999},
                                         headers=bearer(manager))
    assert no_such_manager.status == 400 and (await error_of(no_such_manager))["field"] == "manager_id"


async def test_two_creates_of_one_client_number_one_wins(client, agent_token, agent2_token):
    import asyncio

    body = {"client_no": "310077770001", "name": "孙悟空"}
    first, second = await asyncio.gather(*(client.post("/api/customers", json=body, headers=bearer(t))
                                           for t in (agent_token, agent2_token)))
    assert sorted([first.status, second.status]) == [201, 400]
    loser = first if first.status == 400 else second
    assert (await error_of(loser))["field"] == "client_no"


async def test_agent_changes_phones_only_for_a_verified_caller(client, seed, agent_token):
    live_call(client, "c-phones", "13800138000")
    body = {"version": 1, "phones": ["13800138000", "13811112222"]}
    resp = await client.patch(f"/api/customers/{seed.known}?call=c-phones", json=body, headers=bearer(agent_token))
    assert resp.status == 403 and (await error_of(resp))["field"] == "phones"
    # The IVR verified the caller on this call:
    client.server.app[keys.CALLS].mark_verified("c-phones", seed.known, "ivr")
    resp = await client.patch(f"/api/customers/{seed.known}?call=c-phones", json=body, headers=bearer(agent_token))
    assert resp.status == 200, await resp.text()
    assert [p["number"] for p in (await resp.json())["phones"]] == ["+8613800138000", "+8613811112222"]


async def test_contact_history_newest_first_masked(client, seed, agent_token, seeded_engine):
    resp = await client.get(f"/api/customers/{seed.known}/interactions", params={"limit": 3},
                            headers=bearer(agent_token))
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["masked"] is True and [i["call"] for i in body["interactions"]] == ["hist-0", "hist-1", "hist-2"]
    assert body["interactions"][0]["caller_number"] == "138****8000"
    assert body["interactions"][0]["agent_name"] == "王芳"
    assert audit_rows(seeded_engine, seed.known)[-1]["action"] == "customer.history"
    resp = await client.get("/api/customers/999999/interactions", headers=bearer(agent_token))
    assert resp.status == 404


@pytest.mark.parametrize("path", ["/api/customers/1", "/api/customers?q=x", "/api/customers/1/interactions"])
async def test_routes_need_a_login(client, path):
    resp = await client.get(path)
    assert resp.status == 401


async def test_suitability_of_a_product(client, seed, agent_token, frozen_clock):
    async def ask(customer_id, product):
        resp = await client.get(f"/api/customers/{customer_id}/suitability", params={"product_risk": product},
                                headers=bearer(agent_token))
        return resp.status, await resp.json()

    # 单田芳: C5, assessed 2026-01-01.
    status, body = await ask(seed.other, "r5")
    assert status == 200 and body["ok"] and body["reason"] == "match" and body["max_product_risk"] == "R5"
    assert body["message"] == "风险等级匹配：C5 可购买 R5 产品"
    # 赵敏: C3, assessed 2023-01-05, expired by 2026-11-22.
    status, body = await ask(seed.known, "R1")
    assert not body["ok"] and body["reason"] == "assessment_expired"
    assert body["message"] == "风险承受能力评估已过期（2023-01-05），须重新评估"
    status, body = await ask(seed.other, "R9")
    assert status == 400 and body["error"]["field"] == "product_risk"
    status, body = await ask(999999, "R1")
    assert status == 404
