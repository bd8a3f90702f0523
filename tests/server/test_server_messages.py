"""Every server message key used in console/server has a Chinese and an English text."""

import re
from pathlib import Path

from console.i18n import has
from console.i18n import server as catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "console" / "server").rglob("*.py")]
KEY = re.compile(r"""["'](server\.[a-z_]+\.[a-z_0-9]+)["']""")


def test_every_key_used_in_the_code_exists_in_both_languages():
    used = {key for path in SOURCES for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 20, "the pattern found (almost) no keys: it is broken"
    assert sorted(k for k in used if not (has(k, "zh_CN") and has(k, "en"))) == []


def test_placeholders_agree_between_languages():
    assert set(catalogue.ZH_CN) == set(catalogue.EN)
    fields = re.compile(r"{(\w+)}")
    for key, zh in catalogue.ZH_CN.items():
        assert set(fields.findall(zh)) == set(fields.findall(catalogue.EN[key])), key
