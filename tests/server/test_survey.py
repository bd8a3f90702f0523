"""The post-call survey (CSAT) through the server: the answer lands on the agent's Interaction of
the call, in today's queue figures and in the reports; the first answer of a call stands."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from console.server import keys
from console.store.models import Interaction
from telephony.transcripts import Frame
from tests.server.conftest import bearer, login
from tests.server.floor import replay_floor

CALL = "1795372982.2"  # capture 02: 1002 answers in retail and hangs up first


def survey_frame(score: str, t: float) -> Frame:
    raw = ("Event: UserEvent\r\nPrivilege: user,all\r\nChannel: PJSIP/carrier-00000002\r\nUniqueid: 1795372982.2\r\n"
           f"Linkedid: {CALL}\r\nUserEvent: CallSurvey\r\nCall: {CALL}\r\nQueue: retail\r\n"
           f"Interface: PJSIP/1002\r\nScore: {score}")
    return Frame(t=t, dir="recv", raw=raw.encode())


def with_survey(*scores: str):
    def edit(frames: list[Frame]) -> list[Frame]:
        out = list(frames)
        at = next(i for i, f in enumerate(out) if f.t > 11.192)  # after both Hangups
        for n, score in enumerate(scores):
            out.insert(at + n, survey_frame(score, 11.3 + n / 10))
        return out
    return edit


async def test_a_survey_answer_lands_on_the_call_and_in_the_figures(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "02-answered-agent-hangup", edit=with_survey("4")) as floor:
        await floor.connect("sup1")
        await floor.go()
        await floor.settle()
        await floor.client.app[keys.STATS].flushed()  # the board's figures go out at most once a second
        stats = [f["event"] for f in await floor.consoles["sup1"].drain()
                 if f["kind"] == "queue_stats" and f["event"]["queue"] == "retail"]
        with seeded_engine.connect() as conn:
            (row,) = conn.execute(select(Interaction.agent_ext, Interaction.csat, Interaction.started_at)
                                  .where(Interaction.linkedid == CALL)).all()
        day = row.started_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
        client = floor.client
        report = await (await client.get("/api/supervisor/report", params={"by": "agent", "from": day, "to": day},
                                         headers=bearer(await login(client, "sup1")))).json()
    assert (row.agent_ext, row.csat) == ("1002", 4)
    assert (stats[-1]["csat"], stats[-1]["csat_answers"]) == (4.0, 1)
    (agent,) = [r for r in report["rows"] if r["key"] == "1002"]
    assert (agent["csat"], agent["csat_answers"]) == (4.0, 1)


def test_the_first_answer_of_a_call_stands_and_a_stray_one_is_dropped(seeded_engine, seed) -> None:
    import datetime as dt

    from console.server.recorder import write_survey
    from console.store.db import session_scope

    with session_scope(seeded_engine) as s:
        s.add(Interaction(pbx="main", linkedid=CALL, queue="retail", agent_ext="1002", outcome="answered",
                          started_at=dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC), customer_id=seed.known))
    with seeded_engine.begin() as conn:
        for score in (2, 5):
            write_survey(conn, {"pbx": "main", "call": CALL, "agent": "1002", "score": score, "t": 1795372990.0})
        write_survey(conn, {"pbx": "main", "call": "no-such-call", "agent": "1002", "score": 1, "t": 1795372990.0})
        assert conn.execute(select(Interaction.csat).where(Interaction.linkedid == CALL)).scalar_one() == 2


def test_a_low_score_is_a_churn_reason(seeded_engine, seed) -> None:
    import datetime as dt
    import json

    from console.config import Settings
    from console.server.recorder import write_survey
    from console.store.db import session_scope
    from console.store.models import Customer

    with session_scope(seeded_engine) as s:
        s.add(Interaction(pbx="main", linkedid=CALL, queue="retail", agent_ext="1002", outcome="answered",
                          started_at=dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC), customer_id=seed.other))
    with seeded_engine.begin() as conn:
        write_survey(conn, {"pbx": "main", "call": CALL, "agent": "1002", "score": 1,
                            "t": dt.datetime(2026, 11, 22, 2, 5, tzinfo=dt.UTC).timestamp(),
                            "churn": Settings().churn.model_dump()})
        reasons = json.loads(conn.execute(select(Customer.churn_reasons).where(Customer.id == seed.other)).scalar_one())
    assert reasons == [{"factor": "low_csat", "points": 25.0, "value": 1.0}]  # 3 below 4.0, capped at 25
