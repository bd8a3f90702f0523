"""CSV import: good rows imported, each bad row reported with its line and reason, upsert by client_no.
`calldesk import customers` itself goes through the API: tests/server/test_customer_import_cli.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from console.config import Settings
from console.errors import CalldeskError
from console.store.db import session_scope
from console.store.importing import import_customers
from console.store.models import Customer, CustomerPhone, Staff

NOW = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)
HEADER = "client_no,name,phones,id_number,tier,aum,risk_level,risk_assessed_on,manager,margin\n"


@pytest.fixture(autouse=True)
def _english() -> None:
    """The reasons below are checked in English (the default is the center's zh_CN)."""
    from console.i18n import set_locale

    set_locale("en")


def _file(tmp_path: Path, body: bytes, header: str = HEADER) -> Path:
    path = tmp_path / "customers.csv"
    path.write_bytes(header.encode("utf-8") + body)
    return path


def _good_and_bad() -> bytes:
    rows = [
        "310099990001,单田芳,13800001111;021-52345678,110105198001011238,,250000,C3,2025-06-01,am2001,yes",  # 2 good
        "310099990002,,13800001112,,,,,,,",  # 3 missing name
        "310099990003,王五,1380013,,,,,,,",  # 4 bad phone
        "310099990004,赵六,13800001114,,bronze,,,,,",  # 5 wrong tier
        "310099990005,钱七,13800001115,,,,,2025-02-30,,",  # 6 bad date
    ]
    body = ("\n".join(rows) + "\n").encode("utf-8")
    body += "310099990006,孙八,13800001116,,,,,,,\n".encode("gb18030")  # 7 not UTF-8
    body += '310099990007,"曾 国藩",+86 139-1114-0099,,金卡,,C2,,,no\n'.encode()  # 8 good
    body += "310099990001,重复,13800001118,,,,,,,\n".encode()  # 9 duplicate client_no
    return body


def _seed_manager(engine) -> int:
    with session_scope(engine) as session:
        staff = Staff(username="am2001", name="经理甲", role="manager", extension="2001")
        session.add(staff)
        session.flush()
        return staff.id


def test_good_rows_imported_bad_rows_reported(migrated_engine, tmp_path: Path) -> None:
    manager_id = _seed_manager(migrated_engine)
    report = import_customers(migrated_engine, _file(tmp_path, _good_and_bad()), Settings().tier_for, now=NOW)

    assert (report.read, report.inserted, report.updated) == (8, 2, 0)
    reasons = dict(report.errors)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 9]
    assert "name is missing" in reasons[3]
    assert "phone '1380013'" in reasons[4]
    assert "tier 'bronze'" in reasons[5]
    assert "risk_assessed_on '2025-02-30' is not a date" in reasons[6]
    assert "not UTF-8" in reasons[7]
    assert "already appears on line 2" in reasons[9]

    with session_scope(migrated_engine) as session:
        shan = session.exec(select(Customer).where(Customer.client_no == "310099990001")).one()
        assert (shan.name_pinyin, shan.name_initials) == ("shan tian fang", "stf")
        assert shan.aum == Decimal("250000.00") and shan.tier == "silver"
        assert shan.id_last4 == "1238" and shan.birth_date == dt.date(1980, 1, 1) and shan.gender == "M"
        assert shan.manager_id == manager_id and shan.margin is True
        assert shan.created_at == NOW
        phones = session.exec(select(CustomerPhone.e164, CustomerPhone.kind)
                              .where(CustomerPhone.customer_id == shan.id).order_by(CustomerPhone.e164)).all()
        assert phones == [("+8613800001111", "mobile"), ("+862152345678", "landline")]
        zeng = session.exec(select(Customer).where(Customer.client_no == "310099990007")).one()
        assert zeng.name_pinyin == "zeng guo fan" and zeng.tier == "gold"
        phones = session.exec(select(CustomerPhone.e164).where(CustomerPhone.customer_id == zeng.id)).all()
        assert phones == ["+8613911140099"]
        assert len(session.exec(select(Customer)).all()) == 2


def test_upsert_updates_only_the_columns_in_the_file(migrated_engine, tmp_path: Path) -> None:
    _seed_manager(migrated_engine)
    first = _file(tmp_path, "310099990001,单田芳,13800001111,,,250000,C3,2025-06-01,am2001,yes\n".encode())
    import_customers(migrated_engine, first, Settings().tier_for, now=NOW)
    later = NOW + dt.timedelta(days=1)
    second = tmp_path / "update.csv"
    second.write_text("client_no,name,aum,phones\n310099990001,单田芳,3000000,13800002222\n", encoding="utf-8")
    report = import_customers(migrated_engine, second, Settings().tier_for, now=later)
    assert (report.inserted, report.updated, report.rejected) == (0, 1, 0)
    with session_scope(migrated_engine) as session:
        customer = session.exec(select(Customer)).one()
        assert customer.tier == "platinum" and customer.aum == Decimal("3000000.00")
        assert customer.risk_level == "C3" and customer.margin is True  # not in the second file: kept
        assert customer.version == 2 and customer.updated_at == later and customer.created_at == NOW
        numbers = session.exec(select(CustomerPhone.e164).order_by(CustomerPhone.e164)).all()
        assert numbers == ["+8613800001111", "+8613800002222"]  # phones are added, never removed


@pytest.mark.parametrize(("header", "message"), [
    ("client_no,name,colour\n", "unknown column 'colour'"),
    ("name,phones\n", "missing required column client_no"),
    ("client_no,name,name\n", "column name appears twice"),
])
def test_bad_header_refuses_the_file(migrated_sqlite_engine, tmp_path: Path, header: str, message: str) -> None:
    path = _file(tmp_path, b"310099990001,x\n", header=header)
    with pytest.raises(CalldeskError, match=message) as excinfo:
        import_customers(migrated_sqlite_engine, path, Settings().tier_for)
    assert str(excinfo.value).startswith(f"{path}:1: ")


def test_reasons_in_the_centers_language(migrated_sqlite_engine, tmp_path: Path) -> None:
    from console.i18n import set_locale

    set_locale("zh_CN")
    _seed_manager(migrated_sqlite_engine)
    report = import_customers(migrated_sqlite_engine, _file(tmp_path, _good_and_bad()), Settings().tier_for, now=NOW)
    reasons = dict(report.errors)
    assert reasons[3] == "缺少 name" and reasons[9] == "client_no 310099990001 已在第 2 行出现"
    assert reasons[7].startswith("不是 UTF-8 编码：第 ")
