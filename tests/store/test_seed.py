"""The seed: deterministic, realistic, with the well-known demo numbers, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

import console.store.seed as seed_module
from console.config import Settings
from console.crm.passwords import verify_password
from console.crm.phones import normalize
from console.errors import CalldeskError
from console.store.db import make_engine
from console.store.migrate import upgrade
from console.store.models import Campaign, Customer, CustomerPhone, Staff
from console.store.seed import seed_database

NOW = dt.datetime(2026, 11, 22, 6, 30, tzinfo=dt.UTC)


def _dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]
                for name, table in SQLModel.metadata.tables.items()}


def _seeded(url: str, **kwargs):
    engine = make_engine(url)
    upgrade(engine)
    seed_database(engine, Settings(), now=NOW, **kwargs)
    return engine


def _customers_with(conn, e164: str) -> list[Customer]:
    query = (select(Customer.name, Customer.tier, Customer.client_no)
             .join(CustomerPhone, CustomerPhone.customer_id == Customer.id).where(CustomerPhone.e164 == e164))
    return conn.execute(query).all()


def test_demo_numbers_staff_and_history(migrated_engine) -> None:
    report = seed_database(migrated_engine, Settings(), customers=1500, seed=7, now=NOW)
    assert report.counts["customer"] == 1500
    assert report.counts["interaction"] > 1500 and report.counts["ticket"] > 0 and report.counts["follow_up"] > 0
    with migrated_engine.connect() as conn:
        assert _customers_with(conn, "+8613800138000") == [("李明华", "platinum", "310012345678")]
        assert sorted(c.name for c in _customers_with(conn, "+862161234567")) == ["单丽华", "单志强"]
        assert [c.name for c in _customers_with(conn, "+8613816160016")] == ["张三丰"]
        for number in ("+8613911140014", "+8613719190019", "+862188180001", "+8613918180002"):
            assert len(_customers_with(conn, number)) == 1, number
        staff = {r.username: r for r in conn.execute(select(Staff))}
        assert staff["agent1001"].extension == "1001" and staff["agent1001"].queues == "retail,vip,ringall"
        assert staff["agent1020"].queues == "retail"
        assert staff["agent1010"].queues == "retail,vip"
        assert {"sup1", "sup2", "mgr1", "admin", "am2001"} <= set(staff)
        assert staff["am2001"].role == "manager" and staff["am2001"].extension == "2001"
        assert verify_password("calldesk", staff["sup1"].password_hash)
        pinyin = dict(conn.execute(select(Customer.name, Customer.name_pinyin).where(Customer.name.like("单%"))).all())
        assert pinyin and all(p.startswith("shan ") for p in pinyin.values())
        zeng = conn.execute(select(Customer.name_pinyin).where(Customer.name.like("曾%"))).scalars().all()
        assert zeng and all(p.startswith("zeng ") for p in zeng)
        valid_days = Settings().risk.assessment_valid_days
        cutoff = NOW.date() - dt.timedelta(days=valid_days)
        expired = conn.execute(select(func.count()).where(Customer.risk_assessed_on < cutoff)).scalar_one()
        assert 0.05 < expired / 1500 < 0.4
        shared = conn.execute(select(CustomerPhone.e164).group_by(CustomerPhone.e164)
                              .having(func.count() > 1)).scalars().all()
        assert len(shared) > 5  # family numbers, not only the demo landline
        # The seeded callback campaign's history reads as a working campaign in its statistics:
        # answered calls reached an agent at once, none abandoned on answer.
        from console.crm.campaign_admin import stats
        from console.store.seed.campaigns import CALLBACK

        figures = stats(conn, CALLBACK, Settings().dialer.abandon_after_s)
        assert figures["attempts"] > 100 and figures["connected"] > 0.4 * figures["attempts"]
        assert figures["abandoned"] == 0 and figures["abandon_rate"] == 0.0
        # A seeded database never starts dialling: no campaign running, every one marked demo
        # (the dialer dials those only on the PBX simulator).
        campaigns = conn.execute(select(Campaign.id, Campaign.status, Campaign.demo)).all()
        assert len(campaigns) == 3 and all(c.status in ("paused", "draft") and c.demo for c in campaigns)


def test_seeded_phones_are_what_normalisation_says(migrated_sqlite_engine) -> None:
    seed_database(migrated_sqlite_engine, Settings(), customers=800, seed=3, now=NOW)
    with migrated_sqlite_engine.connect() as conn:
        rows = conn.execute(select(CustomerPhone.e164, CustomerPhone.raw, CustomerPhone.kind,
                                   CustomerPhone.valid)).all()
    assert len(rows) > 800
    for e164, raw, kind, valid in rows:
        phone = normalize(raw)
        assert phone.valid == valid, raw
        if valid:
            assert (phone.e164, phone.kind) == (e164, kind), raw


def test_same_seed_same_data_whatever_the_process_count(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(seed_module, "CHUNK", 150)  # several chunks, so that workers really split the work
    serial = _seeded(f"sqlite:///{tmp_path / 'a.db'}", customers=600, seed=11, workers=0)
    parallel = _seeded(f"sqlite:///{tmp_path / 'b.db'}", customers=600, seed=11, workers=2)
    other = _seeded(f"sqlite:///{tmp_path / 'c.db'}", customers=600, seed=12, workers=0)
    try:
        first, second = _dump(serial), _dump(parallel)
        assert first == second
        assert _dump(other)["customer"] != first["customer"]
    finally:
        for engine in (serial, parallel, other):
            engine.dispose()


@pytest.mark.postgres
def test_postgresql_gets_the_same_rows_as_sqlite(tmp_path, pg_url: str) -> None:
    lite = _seeded(f"sqlite:///{tmp_path / 'a.db'}", customers=300, seed=5)
    pg = _seeded(pg_url, customers=300, seed=5)
    try:
        assert _dump(lite) == _dump(pg)
    finally:
        lite.dispose()
        pg.dispose()


def test_refuses_a_database_with_data_unless_replace(migrated_engine) -> None:
    seed_database(migrated_engine, Settings(), customers=100, seed=1, now=NOW)
    with pytest.raises(CalldeskError, match="--replace"):
        seed_database(migrated_engine, Settings(), customers=100, seed=1, now=NOW)
    report = seed_database(migrated_engine, Settings(), customers=120, seed=1, now=NOW, replace=True)
    assert report.counts["customer"] == 120
    with migrated_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Customer)).scalar_one() == 120


def test_rows_added_after_the_seed_get_fresh_ids(migrated_engine) -> None:
    """The id sequences (PostgreSQL) continue after the explicit ids the seed loaded."""
    from console.store.db import session_scope

    seed_database(migrated_engine, Settings(), customers=50, seed=1, now=NOW)
    with session_scope(migrated_engine) as session:
        staff = Staff(username="newbie", name="新人")
        session.add(staff)
        session.flush()
        assert staff.id > 30


def test_churn_scores_come_from_the_seeded_facts(migrated_engine) -> None:
    """No random churn numbers: the seed imports AUM snapshots and scores every customer by the
    rule; scoring again from the same facts changes nothing."""
    import json

    from console.crm.churn import ChurnRule
    from console.crm.churn_facts import Windows, all_customer_ids, recompute
    from console.store.seed.demo import COMPLAINT_DEMO_ID

    settings = Settings()
    seed_database(migrated_engine, settings, customers=300, seed=1, now=NOW)
    with migrated_engine.connect() as conn:
        scored = conn.execute(select(Customer.churn_risk, Customer.churn_reasons, Customer.id)).all()
        complaint = next(row for row in scored if row.id == COMPLAINT_DEMO_ID)
        factors = [r["factor"] for r in json.loads(complaint.churn_reasons)]
        assert {"complaints", "aum_decline"} <= set(factors) and complaint.churn_risk >= 0.5
        assert any(r.churn_risk > 0 for r in scored) and any(r.churn_risk == 0 for r in scored)
        config = settings.churn
        again = recompute(conn, all_customer_ids(conn), NOW, ChurnRule.from_settings(config),
                          Windows(config.window_days, config.abandon_window_days))
        assert again == 0
