"""Masked until verified on the call; every view, verification and unmask audited."""

from __future__ import annotations

from console.server import keys
from console.server.routes.customer_index import index_ready
from tests.server.conftest import KNOWN_NUMBER, bearer, login
from tests.server.crm_helpers import audit_rows, error_of, live_call

RIGHT = [{"question": "id_number", "answer": "310101198001011234"}, {"question": "phone", "answer": KNOWN_NUMBER}]


async def profile(client, token, customer_id, call=None):
    params = {"call": call} if call else {}
    resp = await client.get(f"/api/customers/{customer_id}", params=params, headers=bearer(token))
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_masked_until_verified_by_questions_then_unmasked_on_that_call_only(
        client, seed, agent_token, seeded_engine):
    live_call(client, "c1", KNOWN_NUMBER)
    before = await profile(client, agent_token, seed.known, "c1")
    assert before["masked"] and before["id_number"] == "3101**********1234"

    resp = await client.post(f"/api/customers/{seed.known}/verify", json={"call": "c1", "method": "questions",
                                                                          "answers": RIGHT},
                             headers=bearer(agent_token))
    assert resp.status == 200, await resp.text()
    shown = await resp.json()
    assert shown["masked"] is False and shown["id_number"] == "310101198001011234"
    assert shown["phones"][0]["number"] == "+8613800138000" and shown["aum"] == "800000.00"

    assert (await profile(client, agent_token, seed.known, "c1"))["masked"] is False
    # Another call, no call, or another customer on the same call: still masked.
    live_call(client, "c2", KNOWN_NUMBER)
    assert (await profile(client, agent_token, seed.known, "c2"))["masked"] is True
    assert (await profile(client, agent_token, seed.known))["masked"] is True
    assert (await profile(client, agent_token, seed.other, "c1"))["masked"] is True

    actions = [(r["action"], r["call"], r["detail"].get("masked")) for r in audit_rows(seeded_engine, seed.known)]
    assert actions == [
        ("customer.view", "c1", True),
        ("customer.verify", "c1", None),
        ("customer.view_unmasked", "c1", False),
        ("customer.view_unmasked", "c1", False),
        ("customer.view", "c2", True),
        ("customer.view", None, True),
    ]
    verify = audit_rows(seeded_engine, seed.known)[1]
    assert verify["actor_id"] == seed.staff["agent1"]
    assert verify["detail"] == {"method": "questions", "correct": ["id_number", "phone"], "wrong": []}
    # No answer (PII) is ever written into the audit trail.
    assert "310101198001011234" not in str(audit_rows(seeded_engine))


async def test_wrong_or_too_few_answers_fail_and_are_audited(client, seed, agent_token, seeded_engine):
    live_call(client, "c1", KNOWN_NUMBER)
    attempts = [
        RIGHT[:1],  # one right answer is not enough
        RIGHT + [{"question": "birth_date", "answer": "1980-01-01"}],  # no birth date on record: wrong
        [{"question": "name", "answer": "赵敏"}, {"question": "client_no", "answer": "310012345678"}],
    ]
    for answers in attempts:
        resp = await client.post(f"/api/customers/{seed.known}/verify",
                                 json={"call": "c1", "method": "questions", "answers": answers},
                                 headers=bearer(agent_token))
        assert resp.status == 403, answers
        assert (await error_of(resp))["message"] == "身份核验未通过"
    assert (await profile(client, agent_token, seed.known, "c1"))["masked"] is True
    failed = [r for r in audit_rows(seeded_engine, seed.known) if r["action"] == "customer.verify_failed"]
    assert len(failed) == 3 and failed[1]["detail"]["wrong"] == ["birth_date"]


async def test_three_failures_lock_questions_on_that_call(client, seed, agent_token, agent2_token):
    live_call(client, "c1", KNOWN_NUMBER, agent="1001")
    wrong = [{"question": "id_number", "answer": "310101198001019999"}, RIGHT[1]]
    for _ in range(3):
        resp = await client.post(f"/api/customers/{seed.known}/verify",
                                 json={"call": "c1", "method": "questions", "answers": wrong},
                                 headers=bearer(agent_token))
        assert resp.status == 403
    # Even right answers are refused now, for any agent the call reaches.
    live_call(client, "c1", KNOWN_NUMBER, agent="1002")
    resp = await client.post(f"/api/customers/{seed.known}/verify",
                             json={"call": "c1", "method": "questions", "answers": RIGHT}, headers=bearer(agent2_token))
    assert resp.status == 403
    assert (await error_of(resp))["message"] == "本次通话身份核验已失败 3 次，请转主管处理"
    # Another call starts afresh.
    live_call(client, "c2", KNOWN_NUMBER, agent="1001")
    resp = await client.post(f"/api/customers/{seed.known}/verify",
                             json={"call": "c2", "method": "questions", "answers": RIGHT}, headers=bearer(agent_token))
    assert resp.status == 200


async def test_ivr_verification_marked_by_the_pop(client, seed, agent_token):
    live_call(client, "c-ivr", KNOWN_NUMBER)
    resp = await client.post(f"/api/customers/{seed.known}/verify", json={"call": "c-ivr", "method": "ivr"},
                             headers=bearer(agent_token))
    assert resp.status == 403  # an agent cannot claim the IVR verified the caller
    client.server.app[keys.CALLS].mark_verified("c-ivr", seed.known, "ivr")
    resp = await client.post(f"/api/customers/{seed.known}/verify", json={"call": "c-ivr", "method": "ivr"},
                             headers=bearer(agent_token))
    assert resp.status == 200 and (await resp.json())["masked"] is False


async def test_another_agents_verified_call_does_not_unmask(client, seed, agent_token, agent2_token):
    live_call(client, "c1", KNOWN_NUMBER, agent="1001")
    client.server.app[keys.CALLS].mark_verified("c1", seed.known, "ivr")
    assert (await profile(client, agent_token, seed.known, "c1"))["masked"] is False
    # agent2 (1002) knows the call id but is not on the call.
    assert (await profile(client, agent2_token, seed.known, "c1"))["masked"] is True
    resp = await client.post(f"/api/customers/{seed.known}/verify", json={"call": "c1", "method": "questions",
                                                                          "answers": RIGHT},
                             headers=bearer(agent2_token))
    assert resp.status == 403 and (await error_of(resp))["field"] == "call"


async def test_roles_do_not_unmask_but_a_manager_can_break_glass(client, seed, supervisor_token, seeded_engine,
                                                                  agent_token):
    assert (await profile(client, supervisor_token, seed.known))["masked"] is True
    manager = await login(client, "mgr1")
    admin = await login(client, "admin")
    assert (await profile(client, manager, seed.known))["masked"] is True
    assert (await profile(client, admin, seed.known))["masked"] is True

    for token in (agent_token, supervisor_token):
        resp = await client.post(f"/api/customers/{seed.known}/unmask", json={"reason": "客户投诉复核"},
                                 headers=bearer(token))
        assert resp.status == 403 and (await error_of(resp))["code"] == "forbidden"
    resp = await client.post(f"/api/customers/{seed.known}/unmask", json={"reason": "x"}, headers=bearer(manager))
    assert resp.status == 400 and (await error_of(resp))["field"] == "reason"
    resp = await client.post(f"/api/customers/{seed.known}/unmask", json={"reason": "客户投诉复核"},
                             headers=bearer(manager))
    assert resp.status == 200 and (await resp.json())["id_number"] == "310101198001011234"
    last = audit_rows(seeded_engine, seed.known)[-1]
    assert last["action"] == "customer.unmask" and last["actor_id"] == seed.staff["mgr1"]
    assert last["detail"] == {"masked": False, "reason": "客户投诉复核"}


async def test_supervisor_on_a_verified_call_sees_what_the_agent_sees(client, seed, supervisor_token):
    live_call(client, "c1", KNOWN_NUMBER, agent="1001")
    client.server.app[keys.CALLS].mark_verified("c1", seed.known, "questions")
    assert (await profile(client, supervisor_token, seed.known, "c1"))["masked"] is False


async def test_search_results_masked_and_audited_without_the_query(client, seed, agent_token, seeded_engine):
    await index_ready(client.server.app)
    resp = await client.get("/api/customers", params={"q": KNOWN_NUMBER}, headers=bearer(agent_token))
    result = (await resp.json())["results"][0]
    assert result["phones"][0]["number"] == "138****8000" and result["id_number"].count("*") == 10
    rows = [r for r in audit_rows(seeded_engine) if r["action"] == "customer.search"]
    assert rows[-1]["detail"] == {"shown": [seed.known]}
    assert KNOWN_NUMBER not in str(rows)
