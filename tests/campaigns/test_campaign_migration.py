"""Migration 0004 (campaign agents) on a database with campaigns and leads, SQLite and PostgreSQL:
up gives existing campaigns no agents, down drops the columns and keeps the rows, up again."""

from __future__ import annotations

import json

from sqlalchemy import inspect, text

from console.store.db import make_engine
from console.store.migrate import downgrade, upgrade


def test_0004_adds_the_agents_to_existing_campaigns_and_its_downgrade_keeps_them(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0003_drop_name_indexes")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO campaign (name, kind, mode, status, queue, window_start, window_end, "
                              "max_attempts, retry_busy_min, retry_noanswer_min, retry_failed_min, caller_id, "
                              "created_at) VALUES ('回访', 'survey', 'progressive', 'running', 'retail', "
                              "'09:00:00', '20:00:00', 3, 10, 60, 30, '', CURRENT_TIMESTAMP)"))
            campaign = conn.execute(text("SELECT id FROM campaign")).scalar()
            conn.execute(text("INSERT INTO lead (campaign_id, number, status, attempts, priority, source, version) "
                              "VALUES (:c, '+8613900000000', 'pending', 0, 0, 'csv', 0)"), {"c": campaign})
        upgrade(engine, "0004_campaign_agents")
        # Plain SQL at 0004: the models are head's, with columns later migrations add.
        with engine.begin() as conn:
            assert [tuple(json.loads(v) if isinstance(v, str) else v for v in r) for r in conn.execute(
                text("SELECT agents, members_added FROM campaign"))] == [([], [])]
            conn.execute(text("UPDATE campaign SET agents = :a"), {"a": json.dumps(["1001", "1002"])})
        downgrade(engine, "0003_drop_name_indexes")
        columns = {c["name"] for c in inspect(engine).get_columns("campaign")}
        assert "agents" not in columns and "members_added" not in columns
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM lead")).scalar() == 1
        upgrade(engine)
        from console.crm.campaign_admin import list_all

        assert [(c["agents"], c["demo"]) for c in list_all(engine)] == [([], False)]
    finally:
        engine.dispose()
