"""Ticket routes: defaults from category and tier, workflow, optimistic locking, the event log."""

from __future__ import annotations

import asyncio
import datetime as dt

from tests.server.conftest import START, bearer, login, server_settings
from tests.server.crm_helpers import error_of


async def create(client, token, **fields):
    body = {"customer_id": fields.pop("customer_id"), "category": "trading", "subject": "委托未成交", **fields}
    resp = await client.post("/api/tickets", json=body, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def patch(client, token, ticket, **changes):
    return await client.patch(f"/api/tickets/{ticket['id']}", json={"version": ticket["version"], **changes},
                              headers=bearer(token))


async def test_create_numbers_and_defaults(client, seed, agent_token):
    gold = await create(client, agent_token, customer_id=seed.known)
    assert gold["number"] == f"T20261122-{gold['id']:06d}"
    assert gold["status"] == "new" and gold["priority"] == "normal" and not gold["supervisor_attention"]
    assert gold["version"] == 1 and gold["created_by"] == seed.staff["agent1"]
    hours = server_settings().tickets.sla_for("trading", "gold")
    assert dt.datetime.fromisoformat(gold["sla_due_at"]) == START + dt.timedelta(hours=hours)
    vip_complaint = await create(client, agent_token, customer_id=seed.other, category="complaint")
    assert vip_complaint["priority"] == "urgent" and vip_complaint["supervisor_attention"]
    chosen = await create(client, agent_token, customer_id=seed.known, priority="low")
    assert chosen["priority"] == "low"


async def test_create_validation(client, agent_token, seed):
    for body, field in [
        ({"customer_id": seed.known, "category": "stocks", "subject": "x"}, "category"),
        ({"customer_id": seed.known, "category": "trading", "subject": ""}, "subject"),
        ({"customer_id": seed.known, "category": "trading", "subject": "x", "priority": "asap"}, "priority"),
    ]:
        resp = await client.post("/api/tickets", json=body, headers=bearer(agent_token))
        assert resp.status == 400 and (await error_of(resp))["field"] == field
    resp = await client.post("/api/tickets", json={"customer_id": 999999, "category": "trading", "subject": "x"},
                             headers=bearer(agent_token))
    assert resp.status == 404 and (await error_of(resp))["message"] == "客户 999999 不存在"


async def test_workflow_through_to_closed_with_event_log(client, seed, agent_token, supervisor_token):
    ticket = await create(client, agent_token, customer_id=seed.known)
    for status in ("open", "pending", "open", "resolved", "open", "resolved", "closed"):
        resp = await patch(client, agent_token, ticket, status=status)
        assert resp.status == 200, (status, await resp.text())
        ticket = await resp.json()
        assert ticket["status"] == status
    assert ticket["version"] == 8 and ticket["next_statuses"] == []
    kinds = [(e["kind"], e["from"], e["to"]) for e in ticket["events"]]
    assert kinds == [("created", None, "new"), ("status", "new", "open"), ("status", "open", "pending"),
                     ("status", "pending", "open"), ("status", "open", "resolved"), ("status", "resolved", "open"),
                     ("status", "open", "resolved"), ("status", "resolved", "closed")]
    assert all(e["actor_id"] == seed.staff["agent1"] and e["author"] == "张伟" for e in ticket["events"])


async def test_invalid_transitions_are_refused_with_a_clear_message(client, seed, agent_token):
    ticket = await create(client, agent_token, customer_id=seed.known)
    resp = await patch(client, agent_token, ticket, status="closed")
    assert resp.status == 400
    error = await error_of(resp)
    assert error == {"code": "invalid", "field": "status", "message": "工单须先标记为「已解决」才能关闭（当前：新建）"}
    resp = await patch(client, agent_token, ticket, status="resolved")
    assert (await error_of(resp))["message"] == "工单不能从「新建」改为「已解决」（可改为：处理中）"
    resp = await patch(client, agent_token, ticket, status="new")
    assert (await error_of(resp))["message"] == "工单已是「新建」状态"
    resp = await patch(client, agent_token, ticket, status="done")
    assert resp.status == 400 and "done" in (await error_of(resp))["message"]
    # Nothing changed: the version is still 1.
    fresh = await (await client.get(f"/api/tickets/{ticket['id']}", headers=bearer(agent_token))).json()
    assert fresh["version"] == 1 and fresh["status"] == "new" and len(fresh["events"]) == 1


async def test_concurrent_edits_one_wins_the_other_gets_409(client, seed, agent_token, agent2_token):
    ticket = await create(client, agent_token, customer_id=seed.known)
    first, second = await asyncio.gather(
        patch(client, agent_token, ticket, status="open"),
        patch(client, agent2_token, ticket, priority="high"),
    )
    statuses = sorted([first.status, second.status])
    assert statuses == [200, 409], statuses
    loser = first if first.status == 409 else second
    error = await error_of(loser)
    assert error["code"] == "conflict" and ticket["number"] in error["message"] and "版本 2" in error["message"]
    fresh = await (await client.get(f"/api/tickets/{ticket['id']}", headers=bearer(agent_token))).json()
    # Exactly one change landed, and the log shows exactly that one.
    assert fresh["version"] == 2 and len(fresh["events"]) == 2
    assert (fresh["status"], fresh["priority"]) in [("open", "normal"), ("new", "high")]


async def test_stale_version_never_overwrites(client, seed, agent_token, agent2_token):
    ticket = await create(client, agent_token, customer_id=seed.known)
    resp = await patch(client, agent_token, ticket, priority="high")
    assert resp.status == 200
    stale = await patch(client, agent2_token, ticket, priority="low")  # still holds version 1
    assert stale.status == 409
    comment = await client.post(f"/api/tickets/{ticket['id']}/comments", json={"version": 1, "body": "迟到的评论"},
                                headers=bearer(agent2_token))
    assert comment.status == 409
    fresh = await (await client.get(f"/api/tickets/{ticket['id']}", headers=bearer(agent_token))).json()
    assert fresh["priority"] == "high" and fresh["version"] == 2


async def test_comments_and_assignment(client, seed, agent_token, supervisor_token):
    ticket = await create(client, agent_token, customer_id=seed.known)
    resp = await client.post(f"/api/tickets/{ticket['id']}/comments", json={"version": 1, "body": "已联系营业部"},
                             headers=bearer(agent_token))
    assert resp.status == 201
    ticket = await resp.json()
    assert ticket["events"][-1]["kind"] == "comment" and ticket["events"][-1]["body"] == "已联系营业部"
    # An agent may take the ticket, not hand it to a colleague.
    resp = await patch(client, agent_token, ticket, assignee_id=seed.staff["agent2"])
    assert resp.status == 403
    resp = await patch(client, agent_token, ticket, assignee_id=seed.staff["agent1"])
    ticket = await resp.json()
    assert ticket["assignee_id"] == seed.staff["agent1"]
    resp = await patch(client, supervisor_token, ticket, assignee_id=seed.staff["agent2"])
    ticket = await resp.json()
    assert resp.status == 200 and ticket["assignee_id"] == seed.staff["agent2"]
    assert [e["kind"] for e in ticket["events"]] == ["created", "comment", "assign", "assign"]
    resp = await patch(client, supervisor_token, ticket, assignee_id=999999)
    assert resp.status == 400 and (await error_of(resp))["field"] == "assignee_id"
    resp = await patch(client, supervisor_token, ticket)
    assert resp.status == 400 and (await error_of(resp))["code"] == "bad_request"


async def test_only_supervisors_close_complaints(client, seed, agent_token, supervisor_token):
    ticket = await create(client, agent_token, customer_id=seed.known, category="complaint")
    for status in ("open", "resolved"):
        ticket = await (await patch(client, agent_token, ticket, status=status)).json()
    resp = await patch(client, agent_token, ticket, status="closed")
    assert resp.status == 403 and (await error_of(resp))["message"] == "仅限主管及以上角色"
    resp = await patch(client, supervisor_token, ticket, status="closed")
    assert resp.status == 200 and (await resp.json())["status"] == "closed"


async def test_list_filters(client, seed, agent_token, frozen_clock):
    mine = await create(client, agent_token, customer_id=seed.other, category="margin")
    await patch(client, agent_token, mine, assignee_id=seed.staff["agent1"])

    async def ids(**params):
        resp = await client.get("/api/tickets", params=params, headers=bearer(agent_token))
        assert resp.status == 200, await resp.text()
        return sorted(t["id"] for t in (await resp.json())["tickets"])

    assert await ids(customer=seed.other) == [mine["id"]]
    assert await ids(assignee="me") == [mine["id"]]
    assert await ids(category="complaint", status="open") == [seed.open_ticket]
    assert await ids(category="complaint", status="open,new") == [seed.open_ticket]
    complaint = await create(client, agent_token, customer_id=seed.other, category="complaint")
    assert await ids(attention=1) == [complaint["id"]]
    assert mine["id"] not in await ids(assignee="none")
    frozen_clock.advance(hours=5)
    listed = (await (await client.get("/api/tickets", params={"status": "open"},
                                      headers=bearer(agent_token))).json())["tickets"]
    assert [t["overdue"] for t in listed if t["id"] == seed.open_ticket] == [True]
    for bad, field in [({"status": "done"}, "status"), ({"category": "x"}, "category"),
                       ({"assignee": "boss"}, "assignee"), ({"limit": "lots"}, "limit")]:
        resp = await client.get("/api/tickets", params=bad, headers=bearer(agent_token))
        assert resp.status == 400 and (await error_of(resp))["field"] == field


async def test_ticket_not_found(client, agent_token):
    resp = await client.get("/api/tickets/999999", headers=bearer(agent_token))
    assert resp.status == 404 and (await error_of(resp))["message"] == "工单 999999 不存在"
    resp = await client.patch("/api/tickets/999999", json={"version": 1, "status": "open"}, headers=bearer(agent_token))
    assert resp.status == 404


async def test_english_messages_by_config(make_client, seed):
    from console.i18n import get_locale, set_locale

    previous = get_locale()
    set_locale("en")
    try:
        client = await make_client(settings=server_settings(center={"locale": "en"}))
        token = await login(client, "agent1")
        resp = await client.get("/api/tickets/999999", headers=bearer(token))
        assert (await error_of(resp))["message"] == "Ticket 999999 does not exist"
    finally:
        set_locale(previous)


def test_the_conditional_update_catches_a_change_made_after_the_read(seeded_engine, seed):
    """The version check is in the UPDATE itself, not only in the read before it."""
    import pytest
    from sqlmodel import Session

    from console.crm.errors import CrmError
    from console.crm.ticket_store import change_ticket, get_ticket
    from console.store.models import Ticket

    slow = Session(seeded_engine, expire_on_commit=False)
    try:
        stale = slow.get(Ticket, seed.open_ticket)  # reads version 1 and keeps it in its identity map
        assert stale is not None and stale.version == 1
        with Session(seeded_engine) as fast:
            change_ticket(fast, seed.open_ticket, 1, seed.staff["agent2"], START, priority="urgent")
            fast.commit()
        with pytest.raises(CrmError) as info:
            change_ticket(slow, seed.open_ticket, 1, seed.staff["agent1"], START, status="pending")
        assert info.value.code == "conflict" and info.value.params["version"] == 2
    finally:
        slow.close()
    with Session(seeded_engine) as check:
        ticket, events = get_ticket(check, seed.open_ticket)
        assert (ticket.status, ticket.priority, ticket.version) == ("open", "urgent", 2)
        assert [e.kind for e in events] == ["priority"]


async def test_out_of_range_ids_are_client_errors_not_database_errors(client, agent_token):
    huge = 10**12
    resp = await client.get(f"/api/tickets/{huge}", headers=bearer(agent_token))
    assert resp.status == 404
    resp = await client.get("/api/tickets/²", headers=bearer(agent_token))
    assert resp.status == 404
    resp = await client.post("/api/tickets", json={"customer_id": huge, "category": "trading", "subject": "x"},
                             headers=bearer(agent_token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "customer_id"
    resp = await client.get("/api/tickets", params={"customer": str(huge)}, headers=bearer(agent_token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "customer"
    resp = await client.get(f"/api/customers/{huge}", headers=bearer(agent_token))
    assert resp.status == 404


async def test_many_concurrent_edits_exactly_one_lands(client, seed, agent_token, agent2_token, supervisor_token):
    ticket = await create(client, agent_token, customer_id=seed.known)
    tokens = [agent_token, agent2_token, supervisor_token] * 2
    attempts = [patch(client, token, ticket, priority=priority)
                for token, priority in zip(tokens, ["low", "high", "urgent", "low", "high", "urgent"], strict=True)]
    attempts.append(client.post(f"/api/tickets/{ticket['id']}/comments", json={"version": 1, "body": "并发评论"},
                                headers=bearer(agent2_token)))
    responses = await asyncio.gather(*attempts)
    assert sorted(r.status for r in responses).count(409) == len(responses) - 1
    fresh = await (await client.get(f"/api/tickets/{ticket['id']}", headers=bearer(agent_token))).json()
    assert fresh["version"] == 2 and len(fresh["events"]) == 2
