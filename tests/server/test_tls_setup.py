"""`calldesk serve`'s TLS set-up: every bad certificate or key is one line naming the file and why."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from console.config import load_settings
from console.config.loader import ConfigError
from console.i18n import set_locale, t
from console.server.tls import TlsSetupError, expires_soon, server_ssl_context, validity_problem
from tests.server.tls_certs import issue, source_env

NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_locale("en")
    yield
    set_locale("zh_CN")


@pytest.mark.parametrize(("start", "end", "problem"), [
    (NOW - DAY, NOW + DAY, None),
    (NOW - 2 * DAY, NOW - DAY, "expired on 2026-12-06T03:00:00+00:00"),
    (NOW + DAY, NOW + 2 * DAY, "is not valid before 2026-12-08T03:00:00+00:00"),
])
def test_validity_dates(start, end, problem) -> None:
    assert validity_problem(start, end, NOW) == problem


def test_a_certificate_ending_within_two_weeks_is_warned_about() -> None:
    assert expires_soon(NOW + 13 * DAY, NOW) and not expires_soon(NOW + 15 * DAY, NOW)


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def _refused(cert: Path, key: Path, now: dt.datetime = NOW) -> str:
    with pytest.raises(TlsSetupError) as info:
        server_ssl_context(cert, key, now)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_good_files_make_a_context(tmp_path, ca) -> None:
    files = issue(tmp_path, "good", ca)
    assert server_ssl_context(files.cert, files.key, dt.datetime.now(dt.UTC)).minimum_version >= 0


def test_missing_files_are_named(tmp_path, ca) -> None:
    files = issue(tmp_path, "good", ca)
    now = dt.datetime.now(dt.UTC)
    no_cert, no_key = tmp_path / "no.crt", tmp_path / "no.key"
    assert _refused(no_cert, files.key, now) == f"server.tls_cert: certificate file {no_cert} does not exist"
    assert _refused(files.cert, no_key, now) == f"server.tls_key: certificate file {no_key} does not exist"


def test_unreadable_and_garbage_files_are_named(tmp_path, ca) -> None:
    files = issue(tmp_path, "good", ca)
    now = dt.datetime.now(dt.UTC)
    assert _refused(tmp_path, files.key, now).startswith(f"server.tls_cert: cannot read {tmp_path}: ")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    assert _refused(garbage, files.key, now) == f"server.tls_cert: {garbage} is not a PEM certificate"
    message = _refused(files.cert, garbage, now)
    assert message.startswith(f"server.tls_key: {garbage} is not a usable private key")


def test_a_key_of_another_certificate_is_a_mismatch(tmp_path, ca) -> None:
    files, other = issue(tmp_path, "good", ca), issue(tmp_path, "other", ca)
    assert _refused(files.cert, other.key, dt.datetime.now(dt.UTC)) == (
        f"server.tls_key: the key {other.key} does not belong to the certificate {files.cert}")


def test_an_expired_or_early_certificate_is_refused(tmp_path, ca) -> None:
    files = issue(tmp_path, "dated", ca, not_before=NOW - 30 * DAY, not_after=NOW - DAY)
    assert _refused(files.cert, files.key, NOW).startswith(f"server.tls_cert: certificate {files.cert} expired on ")
    assert "not valid before" in _refused(files.cert, files.key, NOW - 60 * DAY)


def test_a_cert_without_its_key_is_a_config_error(tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[server]\ntls_cert = "server.crt"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(config, env={})
    assert str(info.value).startswith(f"{config}: server: ") and "tls_key is not" in str(info.value)


def test_a_bad_trusted_proxy_is_a_config_error(tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[server]\ntrusted_proxies = ["10.0.0.0/8", "nginx"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(config, env={})
    assert "server.trusted_proxies" in str(info.value) and "'nginx'" in str(info.value)


def test_serve_refuses_an_expired_certificate_in_one_line(tmp_path, ca) -> None:
    now = dt.datetime.now(dt.UTC)
    files = issue(tmp_path, "tls", ca, not_before=now - 30 * DAY, not_after=now - DAY)
    config = tmp_path / "config.toml"
    config.write_text('[center]\nlocale = "en"\n[server]\ntls_cert = "tls/server.crt"\ntls_key = "tls/server.key"\n',
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "console", "--config", str(config), "serve"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, env=source_env(), check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [(f"calldesk: error: server.tls_cert: certificate {files.cert} expired on "
                      f"{(now - DAY).replace(microsecond=0).isoformat()}; not starting")]
    set_locale("zh_CN")
    assert t("transport.cert.invalid_dates", key="k", file="f", reason="r") == "k：证书 f r，拒绝启动"


@pytest.mark.parametrize(("code", "key"), [
    (9, "transport.client.not_yet_valid"), (10, "transport.client.expired"),
    (18, "transport.client.unknown_ca"), (19, "transport.client.unknown_ca"), (20, "transport.client.unknown_ca"),
    (62, "transport.client.wrong_host"), (64, "transport.client.wrong_host"),
])
def test_openssl_verdicts_become_reasons_an_agent_can_act_on(code: int, key: str) -> None:
    from console.tui.tls import verify_reason

    assert verify_reason(code, "openssl's words") == t(key)


def test_an_unknown_verdict_keeps_openssl_words() -> None:
    from console.tui.tls import verify_reason

    assert verify_reason(26, "unsupported certificate purpose") == "unsupported certificate purpose"
    assert verify_reason(None, None) == t("transport.client.unverified")
