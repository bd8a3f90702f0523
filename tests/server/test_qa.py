"""QA reviews through the server: the form, a supervisor's review scored and audited, an agent
reading their own scores and no one else's, refusals that name the criterion."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import bearer, login
from tests.server.crm_helpers import audit_rows
from tests.server.test_recordings import call_row

ALL_PASS = {"greeting": "pass", "recording_notice": "pass", "identity_verified": "pass",
            "risk_disclosure": "na", "accuracy": "pass", "closing": "pass"}


async def post_review(client, token: str, interaction: int, marks: dict[str, str], comment: str = "") -> Any:
    return await client.post(f"/api/interactions/{interaction}/qa", json={"marks": marks, "comment": comment},
                             headers=bearer(token))


async def test_a_supervisor_reviews_a_call_and_its_agent_reads_the_score(client, seed, seeded_engine) -> None:
    call = call_row(seeded_engine, seed, recording=None)
    sup = await login(client, "sup1")
    form = await (await client.get("/api/qa/form", headers=bearer(sup))).json()
    assert [c["id"] for c in form["criteria"]][:3] == ["greeting", "recording_notice", "identity_verified"]
    assert form["criteria"][2] == {"id": "identity_verified", "label": "披露账户信息前核实身份", "weight": 25.0,
                                   "fatal": True} and form["pass_mark"] == 80

    resp = await post_review(client, sup, call, {**ALL_PASS, "accuracy": "fail"}, "答复有误")
    assert resp.status == 201, await resp.text()
    review = await resp.json()
    assert (review["score"], review["fatal"], review["passed"], review["failed"]) == (68.8, False, False, ["accuracy"])
    assert review["reviewer"] == "刘主管" and review["agent_id"] == seed.staff["agent1"]
    fatal = await (await post_review(client, sup, call, {**ALL_PASS, "identity_verified": "fail"})).json()
    assert (fatal["score"], fatal["fatal"]) == (0.0, True)
    rows = [r for r in audit_rows(seeded_engine, seed.known) if r["action"] == "qa.review"]
    assert [(r["actor_id"], r["detail"]["score"], r["detail"]["failed"]) for r in rows] == [
        (seed.staff["sup1"], 68.8, ["accuracy"]), (seed.staff["sup1"], 0.0, ["identity_verified"])]

    agent1, agent2 = await login(client, "agent1"), await login(client, "agent2")
    mine = await (await client.get("/api/qa/reviews", params={"agent": "me"}, headers=bearer(agent1))).json()
    assert [r["score"] for r in mine["reviews"]] == [0.0, 68.8] and mine["reviews"][1]["comment"] == "答复有误"
    assert (await client.get(f"/api/interactions/{call}/qa", headers=bearer(agent1))).status == 200
    assert (await client.get(f"/api/interactions/{call}/qa", headers=bearer(agent2))).status == 403
    theirs = await (await client.get("/api/qa/reviews", headers=bearer(agent2))).json()
    assert theirs["reviews"] == []  # an agent's list is their own, whatever they ask
    other = await client.get("/api/qa/reviews", params={"agent": str(seed.staff["agent1"])}, headers=bearer(agent2))
    assert other.status == 403
    assert (await post_review(client, agent1, call, ALL_PASS)).status == 403  # agents do not review


async def test_a_review_that_does_not_fit_the_form_names_the_criterion(client, seed, seeded_engine) -> None:
    call = call_row(seeded_engine, seed, recording=None)
    sup = await login(client, "sup1")
    missing = await post_review(client, sup, call, {k: v for k, v in ALL_PASS.items() if k != "closing"})
    body = await missing.json()
    assert missing.status == 400 and body["error"]["field"] == "marks"
    assert body["error"]["message"] == "未评分的项目：closing（每项须为 pass、fail 或 na）"
    bad = await (await post_review(client, sup, call, {**ALL_PASS, "greeting": "ok"})).json()
    assert bad["error"]["message"] == "项目 greeting 的评分「ok」无效（应为 pass、fail 或 na）"
    gone = await post_review(client, sup, 987654, ALL_PASS)
    assert gone.status == 404


async def test_the_report_by_agent_carries_the_mean_qa_score(client, seed, seeded_engine) -> None:
    import datetime as dt

    from tests.server.conftest import START

    first = call_row(seeded_engine, seed, recording=None, ended=START + dt.timedelta(minutes=10))
    second = call_row(seeded_engine, seed, recording=None, linkedid="x.2", ended=START + dt.timedelta(minutes=20))
    sup = await login(client, "sup1")
    await post_review(client, sup, first, {**ALL_PASS, "identity_verified": "fail"})  # 0, then re-reviewed:
    await post_review(client, sup, first, ALL_PASS)  # 100 (the latest review of a call counts)
    await post_review(client, sup, second, {**ALL_PASS, "accuracy": "fail"})  # 68.8
    day = START.date().isoformat()
    report = await (await client.get("/api/supervisor/report", params={"by": "agent", "from": day, "to": day},
                                     headers=bearer(sup))).json()
    (row,) = [r for r in report["rows"] if r["key"] == "1001"]
    assert (row["qa_score"], row["qa_reviews"]) == (84.4, 2)
    csv = await (await client.get("/api/supervisor/report", params={"by": "agent", "from": day, "to": day,
                                                                   "format": "csv"}, headers=bearer(sup))).text()
    header, *lines = csv.splitlines()
    assert header.endswith(",csat,csat_answers,qa_score,qa_reviews")
    assert any(line.startswith("1001,") and line.endswith(",84.4,2") for line in lines)


async def test_a_days_calls_to_review_and_what_was_done_on_one(client, seed, seeded_engine) -> None:
    import datetime as dt

    from tests.server.conftest import KNOWN_NUMBER, START
    from tests.server.crm_helpers import live_call

    call = call_row(seeded_engine, seed, recording="/var/spool/asterisk/monitor/1.wav", linkedid="c1",
                    ended=START + dt.timedelta(minutes=5))
    agent = await login(client, "agent1")
    live_call(client, "c1", KNOWN_NUMBER)
    await client.get(f"/api/customers/{seed.known}", params={"call": "c1"}, headers=bearer(agent))
    sup = await login(client, "sup1")
    await post_review(client, sup, call, ALL_PASS)
    day = START.date().isoformat()
    listed = await (await client.get("/api/qa/calls", params={"day": day}, headers=bearer(sup))).json()
    (row,) = [c for c in listed["calls"] if c["id"] == call]
    assert (row["agent_ext"], row["agent_name"], row["recording"], row["qa_score"]) == ("1001", "张伟", True, 100.0)
    trail = await (await client.get(f"/api/interactions/{call}/trail", headers=bearer(sup))).json()
    assert [(e["actor"], e["action"], e["detail"].get("masked")) for e in trail["trail"]] == [
        ("张伟", "customer.view", True), ("刘主管", "qa.review", None)]
    bad = await client.get("/api/qa/calls", params={"day": "yesterday"}, headers=bearer(sup))
    assert bad.status == 400 and (await bad.json())["error"]["field"] == "day"
    assert (await client.get("/api/qa/calls", headers=bearer(agent))).status == 403


async def test_a_qa_reviewer_reviews_calls_and_hears_them_but_sees_no_board(client, seed, seeded_engine) -> None:
    from console.crm.passwords import hash_password
    from console.store.db import session_scope
    from console.store.models import Staff
    from tests.server.conftest import PASSWORD

    with session_scope(seeded_engine) as s:
        s.add(Staff(username="qa1", name="质检员小周", role="qa", password_hash=hash_password(PASSWORD)))
    call = call_row(seeded_engine, seed, recording=None)
    qa = await login(client, "qa1")
    assert (await post_review(client, qa, call, ALL_PASS)).status == 201
    assert (await client.get(f"/api/interactions/{call}/trail", headers=bearer(qa))).status == 200
    assert (await client.get("/api/supervisor/queues", headers=bearer(qa))).status == 403
