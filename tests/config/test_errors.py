"""Every documented config error: one message naming the file, the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import ConfigError, load_settings

CASES = [
    # (toml text, key the message must name, words the message must contain)
    ('[center]\nname = "x"\nname = "y"\n', "", "not valid TOML"),
    ("frobnicate = 1\n", "frobnicate", "unknown key"),
    ("[server]\nprot = 8000\n", "server.prot", "unknown key"),
    ("[[pbx]]\nname = 'a'\nprot = 1\n", "pbx[0].prot", "unknown key"),
    ("[[pbx]]\nname = 'a'\n[[pbx]]\nname = 'b'\nport = 'abc'\n", "pbx[1].port", "valid integer"),
    ("[[pbx]]\nport = 70000\n", "pbx[0].port", "less than or equal to 65535"),
    ("[[pbx]]\nname = 'a'\n[[pbx]]\nname = 'a'\n", "pbx", "duplicate name a"),
    ("[[pbx]]\nencoding = 'klingon'\n", "pbx[0].encoding", "unknown encoding"),
    ("[center]\nlocale = 'fr'\n", "center.locale", "'zh_CN' or 'en'"),
    ("[center]\ntime_zone = 'Mars/Olympus'\n", "center.time_zone", "unknown time zone"),
    ("[server]\nport = 0\n", "server.port", "greater than or equal to 1"),
    ("[[tiers]]\nname = 'standard'\nmin_aum = 0\n", "tiers", "must list standard, silver, gold, platinum, diamond"),
    ("[[tiers]]\nname = 'bronze'\nmin_aum = 0\n", "tiers[0].name", "'standard'"),
    ("[[tiers]]\nname = 'standard'\nmin_aum = 'lots'\n", "tiers[0].min_aum", "decimal"),
    (
        "".join(f"[[tiers]]\nname = '{n}'\nmin_aum = {a}\n" for n, a in
                [("standard", 0), ("silver", 500), ("gold", 400), ("platinum", 900), ("diamond", 1000)]),
        "tiers", "gold.min_aum must be above silver.min_aum",
    ),
    ("[tickets.sla_hours.gossip]\ngold = 4\n", "tickets.sla_hours.gossip", "'account_service'"),
    ("[tickets.sla_hours.complaint]\nbronze = 4\n", "tickets.sla_hours.complaint.bronze", "'standard'"),
    ("[tickets]\ndefault_sla_hours = -1\n", "tickets.default_sla_hours", "greater than 0"),
    ("[tickets.default_priority]\ncomplaint = 'asap'\n", "tickets.default_priority.complaint", "'urgent'"),
    ("[[queues]]\nname = 'retail'\ntarget_pct = 150\n", "queues[0].target_pct", "less than or equal to 100"),
    ("[[queues]]\nservice_level_s = 20\n", "queues[0].name", "missing required key"),
    ("[dialer]\nwindow_start = '21:00'\n", "dialer", "window_start must be before window_end"),
    ("[dialer]\nwindow_end = '25:00'\n", "dialer.window_end", "time"),
    ("[dialer]\nweekdays = [1, 8]\n", "dialer.weekdays", "1 (Monday)"),
    ("[dialer]\nholidays = ['2026-02-30']\n", "dialer.holidays[0]", "date"),
    ("[dialer]\nabandon_cap = 1.5\n", "dialer.abandon_cap", "less than or equal to 1"),
    ("[callbacks.sla_minutes]\ngold = 'soon'\n", "callbacks.sla_minutes.gold", "valid integer"),
    ("[risk]\nassessment_valid_days = 0\n", "risk.assessment_valid_days", "greater than 0"),
    ("[console]\nkeys = ['f5']\n", "console.keys", "dictionary"),
    ("[database]\nurl = 5\n", "database.url", "string"),
]


@pytest.mark.parametrize(("text", "key", "words"), CASES, ids=[c[1] or "toml-syntax" for c in CASES])
def test_bad_config_names_file_key_and_problem(tmp_path: Path, text: str, key: str, words: str) -> None:
    file = tmp_path / "config.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(file, env={})
    message = str(excinfo.value)
    assert message.startswith(f"{file}: ")
    if key:
        assert f": {key}: " in message or f": {key} (" in message, message
    assert words in message
    assert "\n" not in message


def test_toml_syntax_error_says_where(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text("[server]\nport = = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 2"):
        load_settings(file, env={})


def test_non_utf8_file(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_bytes('[center]\nname = "客服"\n'.encode("gb18030"))
    with pytest.raises(ConfigError, match=r"config\.toml: "):
        load_settings(file, env={})


def test_explicit_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load_settings(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(env={"CALLDESK_CONFIG": str(tmp_path / "nope.toml")})


def test_bad_environment_value_names_variable_and_key(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as excinfo:
        load_settings(env={"CALLDESK_SERVER__PORT": "http"})
    message = str(excinfo.value)
    assert "server.port" in message and "CALLDESK_SERVER__PORT" in message


def test_environment_override_of_unknown_key(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError,
                       match=r"server\.prot \(from environment variable CALLDESK_SERVER__PROT\): unknown key"):
        load_settings(env={"CALLDESK_SERVER__PROT": "1"})


def test_secret_values_never_appear_in_messages(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text("[[pbx]]\nsecret = ['hunter2']\n", encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(file, env={})
    assert "pbx[0].secret" in str(excinfo.value)
    assert "hunter2" not in str(excinfo.value)
