"""Loading: defaults, the documented config.toml, environment overrides, derived answers."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from console.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]


def _fields(model: type) -> list[tuple[str, object]]:
    out = []
    for name, info in model.model_fields.items():
        out.append((f"{model.__name__}.{name}", info))
        annotation = info.annotation
        for inner in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(inner, type) and hasattr(inner, "model_fields"):
                out.extend(_fields(inner))
    return out


def test_every_field_is_documented() -> None:
    undocumented = [name for name, info in _fields(Settings) if not (info.description or "").strip()]
    assert undocumented == []


def test_every_section_is_documented_in_config_toml() -> None:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    for section in Settings.model_fields:
        assert f"[{section}" in text or f"[[{section}]]" in text, section


def test_missing_file_means_builtin_defaults(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.source is None
    assert settings.center.time_zone == "Asia/Shanghai"
    assert settings.server.port == 8421 and settings.server.host == "127.0.0.1"
    assert settings.database.url.get_secret_value() == f"sqlite:///{tmp_path}/var/calldesk.db"
    assert [q.name for q in settings.queues] == ["retail", "vip", "ringall"]


def test_documented_file_says_what_the_defaults_say(monkeypatch, tmp_path: Path) -> None:
    """config.toml documents the defaults: loading it changes nothing but the file's location."""
    monkeypatch.chdir(tmp_path)
    defaults = load_settings(env={}).model_dump(exclude={"database"})
    documented = load_settings(REPO / "config.toml", env={})
    assert documented.model_dump(exclude={"database"}) == defaults
    assert documented.database.url.get_secret_value() == f"sqlite:///{REPO}/var/calldesk.db"


def test_relative_sqlite_path_is_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    file = tmp_path / "site" / "calldesk.toml"
    file.write_text('[database]\nurl = "sqlite:///data/cd.db"\n', encoding="utf-8")
    settings = load_settings(file, env={})
    assert settings.database.url.get_secret_value() == f"sqlite:///{tmp_path}/site/data/cd.db"
    assert settings.source == file.resolve()


def test_environment_overrides(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('[[pbx]]\nname = "a"\nsecret = "from-file"\n[[pbx]]\nname = "b"\n', encoding="utf-8")
    settings = load_settings(file, env={
        "CALLDESK_DATABASE_URL": "postgresql://u:pw@db/calldesk",
        "CALLDESK_AMI_SECRET": "from-env",
        "CALLDESK_PBX_HOST": "pbx1.example",
        "CALLDESK_PBX_PORT": "5039",
        "CALLDESK_SERVER__PORT": "9000",
        "CALLDESK_CENTER__LOCALE": "en",
        "CALLDESK_STATS__SHORT_ABANDON_S": "3.5",
        "CALLDESK_CALLBACKS__CREATE_ON_ABANDON": "false",
        "CALLDESK_TEST_DATABASE_URL": "ignored: not a settings variable",
    })
    assert settings.database.url.get_secret_value() == "postgresql://u:pw@db/calldesk"
    assert settings.pbx[0].secret.get_secret_value() == "from-env"
    assert (settings.pbx[0].host, settings.pbx[0].port) == ("pbx1.example", 5039)
    assert settings.pbx[1].secret.get_secret_value() == "calldesk"
    assert settings.server.port == 9000 and settings.center.locale == "en"
    assert settings.stats.short_abandon_s == 3.5
    assert settings.callbacks.create_on_abandon is False
    assert "pw" not in repr(settings) and "from-env" not in repr(settings)


@pytest.mark.parametrize(("aum", "tier", "vip"), [
    ("0", "standard", False), ("99999.99", "standard", False), ("100000", "silver", False),
    ("1999999", "gold", False), ("2000000", "platinum", True), ("50000000", "diamond", True),
])
def test_tiers_from_aum(aum: str, tier: str, vip: bool) -> None:
    settings = Settings()
    assert settings.tier_for(Decimal(aum)) == tier
    assert settings.is_vip(tier) is vip


def test_ticket_sla_lookup_order() -> None:
    tickets = Settings().tickets
    assert tickets.sla_for("complaint", "diamond") == 4  # category and tier
    assert tickets.sla_for("complaint", "standard") == 24  # category default
    assert tickets.sla_for("ipo", "diamond") == 48  # global default


def test_cli_prints_one_line_and_exits_2_on_a_bad_config(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text("[[pbx]]\nport = 'x'\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "console", "--config", str(file), "db", "status"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(file) in lines[0] and "pbx[0].port" in lines[0]


def test_the_documented_config_loads_without_importing_phonenumbers() -> None:
    """No blocked numbers, nothing to normalise: `calldesk console` starts 25 ms sooner (issue 18)."""
    code = ("import sys\nfrom console.config import load_settings\n"
            "assert load_settings('config.toml').routing.blocked == []\n"
            "print('phonenumbers' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
