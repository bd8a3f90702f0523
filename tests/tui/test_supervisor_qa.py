"""QA in the supervisor app (F12) against a real server: today's answered calls with their
scores, the review dialog with the call's trail, a refusal shown in place, a review saved."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from textual.widgets import DataTable, Label, Select, Static

from console.store.db import session_scope
from console.store.models import Interaction, QaReview
from console.tui.supervisor.qa_review import QaReviewDialog
from console.tui.supervisor.qa_screen import QaScreen
from tests.tui.floor import until
from tests.tui.supervisor_floor import NOW, supervisor_floor

SIZE = (150, 44)


async def test_a_supervisor_reviews_one_of_todays_calls(seeded_engine, seed, tmp_path):
    with session_scope(seeded_engine) as s:
        call = Interaction(pbx="main", linkedid="qa-1", queue="retail", agent_id=seed.staff["agent1"], agent_ext="1001",
                           customer_id=seed.known, started_at=NOW - dt.timedelta(minutes=30),
                           answered_at=NOW - dt.timedelta(minutes=29), ended_at=NOW - dt.timedelta(minutes=25),
                           wait_s=20, talk_s=240, outcome="answered", hangup_by="caller", disposition="resolved")
        s.add(call)
        s.flush()
        call_id = call.id
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f12")
            await until(pilot, lambda: isinstance(app.screen, QaScreen))
            table = app.screen.query_one("#calls", DataTable)
            await until(pilot, lambda: str(call_id) in table.rows)
            table.move_cursor(row=table.get_row_index(str(call_id)))
            assert table.get_cell(str(call_id), "score") == "—"
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, QaReviewDialog))
            dialog = app.screen
            await until(pilot, lambda: "本通话中对客户的操作" in str(dialog.query_one("#qa-trail", Static).render()))
            # Every criterion n/a: refused, shown in place, nothing lost.
            for criterion in dialog.form["criteria"]:
                dialog.query_one(f"#mark-{criterion['id']}", Select).value = "na"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "不适用" in str(dialog.query_one("#qa-error", Label).render()))
            for criterion in dialog.form["criteria"]:
                dialog.query_one(f"#mark-{criterion['id']}", Select).value = "pass"
            dialog.query_one("#mark-risk_disclosure", Select).value = "na"
            dialog.query_one("#mark-accuracy", Select).value = "fail"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, QaScreen))
            await until(pilot, lambda: table.get_cell(str(call_id), "score") == "68.8")
    with seeded_engine.connect() as conn:
        (review,) = conn.execute(select(QaReview.score, QaReview.reviewer_id, QaReview.agent_id)).all()
    assert tuple(review) == (68.8, seed.staff["sup1"], seed.staff["agent1"])


async def test_customers_at_risk_listed_on_the_supervisor_app(seeded_engine, seed, tmp_path):
    import json

    from sqlalchemy import update

    from console.store.models import Customer
    from console.tui.supervisor.risk_screen import RiskScreen

    with seeded_engine.begin() as conn:  # as the churn warning scored them
        conn.execute(update(Customer.__table__).where(Customer.__table__.c.id == seed.transfer).values(
            churn_risk=0.55, churn_reasons=json.dumps([{"factor": "transfer_out", "points": 35, "value": 1},
                                                       {"factor": "complaints", "points": 20, "value": 1}])))
        conn.execute(update(Customer.__table__).where(Customer.__table__.c.id == seed.other).values(
            churn_risk=0.35, churn_reasons=json.dumps([{"factor": "transfer_out", "points": 35, "value": 1}])))
    async with supervisor_floor(seeded_engine, tmp_path) as floor:
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+k")
            await until(pilot, lambda: isinstance(app.screen, RiskScreen))
            table = app.screen.query_one("#at-risk", DataTable)
            await until(pilot, lambda: table.row_count == 1)
            assert [str(c) for c in table.get_row_at(0)] == ["55", "孙丽", "310077778888", "白金", "陈经理",
                                                             "转户咨询 1 次 · 投诉 1 次"]
            app.screen.query_one("#level", Select).value = "medium"
            await until(pilot, lambda: table.row_count == 2)


async def test_a_qa_reviewer_gets_the_reviews_and_no_live_board(seeded_engine, seed, tmp_path):
    """The qa role (between agent and supervisor): the supervisor app opens on the QA screen;
    the reviewer reviews calls and hears recordings but sees no board."""
    from console.crm.passwords import hash_password
    from console.store.models import Staff
    from console.tui.client import ApiError
    from tests.server.conftest import PASSWORD

    with session_scope(seeded_engine) as s:
        s.add(Staff(username="qa1", name="质检员小周", role="qa", password_hash=hash_password(PASSWORD)))
    async with supervisor_floor(seeded_engine, tmp_path, username="qa1") as floor:
        app = floor.supervisor_app()
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, QaScreen))
            assert app.screen.query_one("#calls", DataTable) is not None
        form = await floor.client.request("GET", "/api/qa/form")
        assert form["criteria"]
        try:
            await floor.client.request("GET", "/api/supervisor/queues")
        except ApiError as exc:
            assert exc.status == 403
        else:
            raise AssertionError("a QA reviewer saw the live board")
