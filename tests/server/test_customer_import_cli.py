"""`calldesk import customers` against a real server (SQLite, then PostgreSQL): it logs in as an
admin and uploads the file to ``POST /api/customers/import``; bad rows come back as FILE:LINE and
the good ones stay, across batches; every customer written is audited with the admin; a
supervisor is refused in one line; a file too large or with a bad header is refused whole."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from console.store.models import Customer
from tests.server.cli_run import audit_rows
from tests.server.conftest import bearer, login

HEADER = "client_no,name,phones,aum,risk_level,manager\n"


def _file(tmp_path: Path, body: bytes, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(HEADER.encode("utf-8") + body)
    return path


def _customers(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Customer.__table__)).scalar_one()


async def test_import_through_the_api_reports_bad_rows_by_line(api_cli, client, seeded_engine, seed, tmp_path):
    body = ("310099990001,单田芳,13800001111,250000,C3,mgr1\n"        # 2 good, manager mgr1
            "310099990002,,13800001112,,,\n"                          # 3 no name
            "310099990003,王五,1380013,,,\n").encode()                # 4 bad phone
    body += "310099990006,孙八,13800001116,,,\n".encode("gb18030")    # 5 not UTF-8
    body += "310099990007,曾国藩,13911140099,,C2,\n310099990001,重复,,,,\n".encode()  # 6 good, 7 twice
    csv = _file(tmp_path, body)
    before = _customers(seeded_engine)
    r = await api_cli("import", "customers", str(csv), user="admin")
    assert r.code == 1
    lines = r.err.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{csv}:{n}" for n in (3, 4, 5, 7)]
    assert lines[0].endswith(": 缺少 name") and "不是 UTF-8 编码" in lines[2] and lines[3].endswith("已在第 2 行出现")
    assert r.out == f"{csv}：6 行：新增 2，更新 0，拒绝 4\n"
    assert _customers(seeded_engine) == before + 2
    # Each customer written is audited with the admin; the run too, with its counts.
    admin = seed.staff["admin"]
    rows = audit_rows(seeded_engine, "customer.create") + audit_rows(seeded_engine, "customer.import")
    assert [(row["action"], row["actor_id"]) for row in rows] == [
        ("customer.create", admin), ("customer.create", admin), ("customer.import", admin)]
    assert rows[0]["detail"]["source"] == "import"  # the columns written, never their values
    assert {"aum", "manager_id", "name", "phones", "risk_level", "tier"} <= set(rows[0]["detail"]["fields"])
    assert "单田芳" not in str(rows[0]["detail"]) and "13800001111" not in str(rows[0]["detail"])
    assert rows[2]["detail"] == {"file": "customers.csv", "rows": 6, "inserted": 2, "updated": 0, "refused": 4}
    # Again, with the bad rows mended: updates, audited as such; the search finds the new customer.
    fixed = _file(tmp_path, "310099990001,单田芳,,300000,,\n310099990002,李四,13800001112,,,\n".encode())
    r = await api_cli("import", "customers", str(fixed), user="admin")
    assert (r.code, r.err, r.out) == (0, "", f"{fixed}：2 行：新增 1，更新 1，拒绝 0\n")
    assert [row["customer_id"] is not None for row in audit_rows(seeded_engine, "customer.update")] == [True]
    token = await login(client, "agent1")
    found = await (await client.get("/api/customers", params={"q": "310099990002"}, headers=bearer(token))).json()
    assert [c["name"] for c in found["results"]] == ["李四"]


async def test_a_big_file_goes_in_batches_and_keeps_what_was_accepted(api_cli, seeded_engine, tmp_path):
    rows = [f"3200{n:08d},客户{n},,{n * 100},," for n in range(1, 2501)]
    rows[1800] = "320000001801,客户1801,not-a-phone,,,"  # line 1802, in the second batch
    rows[2499] = "32000000250x,坏号码,,,,"                # the last line, 2501
    csv = _file(tmp_path, ("\n".join(rows) + "\n").encode("utf-8"), "big.csv")
    before = _customers(seeded_engine)
    r = await api_cli("import", "customers", str(csv), user="admin")
    assert r.code == 1 and [line.split(": ", 1)[0] for line in r.err.splitlines()] == [f"{csv}:1802", f"{csv}:2501"]
    assert r.out == f"{csv}：2500 行：新增 2498，更新 0，拒绝 2\n"
    assert _customers(seeded_engine) == before + 2498
    assert len(audit_rows(seeded_engine, "customer.create")) == 2498


async def test_a_supervisor_is_refused_and_nothing_is_imported(api_cli, seeded_engine, tmp_path):
    csv = _file(tmp_path, "310099990001,单田芳,,,,\n".encode())
    before = _customers(seeded_engine)
    r = await api_cli("import", "customers", str(csv))  # sup1
    assert (r.code, r.out) == (2, "") and r.err == "calldesk: error: 需要管理员及以上角色：sup1 是班长\n"
    assert _customers(seeded_engine) == before and audit_rows(seeded_engine, "customer.") == []


async def test_the_file_as_a_whole_is_refused_in_one_line(api_cli, seeded_engine, tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("client_no,name,colour\n310099990001,单田芳,red\n", encoding="utf-8")
    r = await api_cli("import", "customers", str(bad), user="admin")
    assert r.code == 2 and r.err.count("\n") == 1
    assert r.err.startswith(f"calldesk: error: {bad}:1: 未知的列 'colour'")
    r = await api_cli("import", "customers", str(tmp_path / "missing.csv"), user="admin")
    assert r.code == 2 and r.err == f"calldesk: error: {tmp_path / 'missing.csv'}：文件不存在\n"
    monkeypatch.setattr("console.server.routes.customer_import.CSV_MAX_BYTES", 1024 * 1024)
    big = _file(tmp_path, b"310099990001,x,,,,\n" * 1_500_000, "huge.csv")
    r = await api_cli("import", "customers", str(big), user="admin")
    assert r.code == 2 and r.err == f"calldesk: error: {big}: CSV 文件过大（上限 1 MB）：请拆分后分别导入\n"
    assert audit_rows(seeded_engine, "customer.") == []


async def test_a_refusal_comes_before_the_file_is_sent(client, seed):
    """``Expect: 100-continue``: a user who may not import is told so before a byte of the file goes."""
    sent: list[int] = []

    async def body():
        for _ in range(64):
            sent.append(1)
            yield b"310099990001,x,,,,\n" * 1000

    token = await login(client, "sup1")
    resp = await client.post("/api/customers/import", data=body(), expect100=True,
                             headers={**bearer(token), "Content-Type": "text/csv"})
    assert resp.status == 403 and (await resp.json())["error"]["code"] == "forbidden"
    assert sent == []
