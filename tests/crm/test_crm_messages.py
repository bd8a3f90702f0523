"""Every CRM message key used in the code has a Chinese and an English text."""

import re
from pathlib import Path

from console.i18n import crm as catalogue
from console.i18n import has

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "console" / "crm").glob("*.py"), *(ROOT / "console" / "server" / "routes").glob("*.py")]
KEY = re.compile(r"""["'](crm\.[a-z_]+\.[a-z_0-9]+)["']""")


def test_catalogue_has_both_languages_for_every_key():
    assert set(catalogue.ZH_CN) == set(catalogue.EN)


def test_every_key_used_in_the_code_exists():
    used = {key for path in SOURCES for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the pattern found no keys: it is broken"
    missing = sorted(key for key in used if not has(key, "zh_CN"))
    assert missing == []


def test_placeholders_agree_between_languages():
    fields = re.compile(r"{(\w+)}")
    for key, zh in catalogue.ZH_CN.items():
        assert set(fields.findall(zh)) == set(fields.findall(catalogue.EN[key])), key
