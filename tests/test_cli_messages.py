"""The command line's messages and those of the writes it makes through the API (issue 17): every
key used in the code has a Chinese and an English text, with the same placeholders."""

import re
from pathlib import Path

import pytest

from console.i18n import campaign_errors, cli, customer_import, has, server_writes

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*(ROOT / "console" / "cli").glob("*.py"), *(ROOT / "console" / "crm").glob("*.py"),
           *(ROOT / "console" / "server" / "routes").glob("*.py"),
           *(ROOT / "console" / "store" / "importing").glob("*.py")]
KEY = re.compile(r"""["']((?:cli|campaign|import)\.[a-z_]+\.[a-z_0-9]+)["']""")


def test_every_key_used_in_the_code_exists_in_both_languages():
    used = {key for path in SOURCES for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 20, "the pattern found (almost) no keys: it is broken"
    assert sorted(k for k in used if not (has(k, "zh_CN") and has(k, "en"))) == []


@pytest.mark.parametrize("catalogue", [cli, campaign_errors, server_writes, customer_import], ids=lambda m: m.__name__)
def test_both_languages_have_the_same_keys_and_placeholders(catalogue):
    assert set(catalogue.ZH_CN) == set(catalogue.EN)
    fields = re.compile(r"{(\w+)(?:![rs])?}")
    for key, zh in catalogue.ZH_CN.items():
        assert set(fields.findall(zh)) == set(fields.findall(catalogue.EN[key])), key
