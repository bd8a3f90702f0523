"""The password policy (issue 17): every way a password of a real account is set meets ``[passwords]``
(the API's create and reset, the CSV import, the supervisor app through the API, and the first
administrator's bootstrap), with the configured lengths and classes; the seeded demo accounts are
the only ones with the demo password, and nothing else writes a hash without the policy."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlmodel import select

from console.cli import main
from console.config.models import PasswordSettings
from console.store.db import session_scope
from console.store.models import Staff
from tests.server.conftest import bearer, login, server_settings
from tests.server.crm_helpers import error_of

CONSOLE = Path(__file__).resolve().parents[2] / "console"
POLICY = PasswordSettings(min_length=12, min_classes=4)
GOOD = "Lotus-Pond-2026"  # 15 characters, all four classes
WEAK = [  # (password, the message: the policy's numbers come from the configuration)
    ("calldesk", "不能使用演示密码 calldesk"),
    ("Lotus-P0nd", "密码至少 12 个字符（现为 10 个）"),
    ("LotusPond2026", "密码须混合至少 4 类字符：小写字母、大写字母、数字、其他字符（现为 3 类）"),
    ("Zhaoli-Pond-2026", "密码不能包含用户名"),
]


@pytest.fixture
async def strict(make_client):
    client = await make_client(settings=server_settings(passwords=POLICY))
    return client, bearer(await login(client, "admin"))


def hash_of(engine, username: str) -> str | None:
    with session_scope(engine) as s:
        row = s.exec(select(Staff).where(Staff.username == username)).first()
        return row.password_hash if row else None


@pytest.mark.parametrize(("password", "message"), WEAK)
async def test_create_reset_and_import_all_refuse_a_weak_password(strict, seeded_engine, seed, password, message):
    client, admin = strict
    resp = await client.post("/api/staff", json={"username": "zhaoli", "name": "赵丽", "role": "agent",
                                                 "password": password}, headers=admin)
    assert resp.status == 400 and await error_of(resp) == {"code": "invalid", "field": "password",
                                                           "message": message}
    assert hash_of(seeded_engine, "zhaoli") is None

    before = hash_of(seeded_engine, "agent1")
    resp = await client.post(f"/api/staff/{seed.staff['agent1']}/password",
                             json={"password": password.replace("Zhaoli", "Agent1")}, headers=admin)
    assert resp.status == 400 and (await error_of(resp))["field"] == "password"
    assert hash_of(seeded_engine, "agent1") == before

    csv = f"username,name,role,password\nzhaoli,赵丽,agent,{password}\n".encode()
    report = await (await client.post("/api/staff/import", data=csv, headers=admin)).json()
    assert report["added"] == 0 and report["errors"] == [{"line": 2, "reason": f"password: {message}"}]
    assert hash_of(seeded_engine, "zhaoli") is None


async def test_a_password_that_meets_the_policy_is_taken_on_every_path(strict, seeded_engine, seed):
    client, admin = strict
    resp = await client.post("/api/staff", json={"username": "zhaoli", "name": "赵丽", "role": "agent",
                                                 "password": GOOD}, headers=admin)
    assert resp.status == 201
    await login(client, "zhaoli", GOOD)
    csv = f"username,name,role,password\nliuyang,刘洋,agent,{GOOD}\n".encode()
    assert (await (await client.post("/api/staff/import", data=csv, headers=admin)).json())["added"] == 1
    await login(client, "liuyang", GOOD)
    resp = await client.post(f"/api/staff/{seed.staff['agent1']}/password", json={"password": GOOD}, headers=admin)
    assert resp.status == 200
    await login(client, "agent1", GOOD)


@pytest.mark.parametrize(("password", "message"), WEAK[:3])
def test_bootstrap_admin_meets_the_configured_policy(migrated_engine, monkeypatch, tmp_path, capsys,
                                                    password, message):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLDESK_CONFIG", raising=False)
    monkeypatch.setenv("CALLDESK_DATABASE_URL", migrated_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CALLDESK_PASSWORDS__MIN_LENGTH", "12")
    monkeypatch.setenv("CALLDESK_PASSWORDS__MIN_CLASSES", "4")
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main(["staff", "bootstrap-admin", "root", "--name", "值班管理员", "--password-stdin"]) == 2
    assert capsys.readouterr().err == f"calldesk: error: root: password: {message}\n"
    assert hash_of(migrated_engine, "root") is None
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    assert main(["staff", "bootstrap-admin", "root", "--name", "值班管理员", "--password-stdin"]) == 0


def test_only_the_seed_writes_a_password_without_the_policy() -> None:
    """Who hashes a password: the staff store (after the policy), the seed (the demo accounts'
    public password) and the log-in's dummy hash (never stored). Anything else is a way round."""
    callers = sorted(str(path.relative_to(CONSOLE.parent)) for path in CONSOLE.rglob("*.py")
                     if re.search(r"\bhash_password\(", path.read_text(encoding="utf-8"))
                     and path.name != "passwords.py")
    assert callers == ["console/crm/staff_store.py", "console/server/users.py", "console/store/seed/staff.py"]
    store = (CONSOLE / "crm" / "staff_store.py").read_text(encoding="utf-8")
    # Each hash the store writes follows a check of the policy in the same function.
    for function in re.split(r"\ndef ", store):
        if "hash_password(password)" in function:
            assert function.index("check_password(password") < function.index("hash_password(password)")


def test_the_seeded_demo_accounts_alone_have_the_demo_password() -> None:
    """The seed's accounts get the public demo password, which the policy refuses everyone else."""
    import random

    from console.crm.errors import CrmError
    from console.crm.passwords import verify_password
    from console.crm.staff_rules import DEMO_PASSWORD, PasswordPolicy, check_password
    from console.store.seed import staff as seed_staff
    from console.store.seed.people import NameMaker

    assert seed_staff.DEMO_PASSWORD == DEMO_PASSWORD
    rows, _ = seed_staff.make_staff(NameMaker(7, random.Random(7)), seed=7, agents=2, account_managers=1)
    column = seed_staff.STAFF_COLUMNS.index("password_hash")
    assert rows and all(verify_password(DEMO_PASSWORD, row[column]) for row in rows)
    with pytest.raises(CrmError) as refused:
        check_password(DEMO_PASSWORD, PasswordPolicy(min_length=6, min_classes=1))
    assert refused.value.key == "staff.err.password_demo"
