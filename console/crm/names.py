"""Pinyin of customer names, with the surname readings of heteronyms.

pypinyin 0.55 has no surname mode: on its own it reads 单田芳 as "dan tian fang" and
曾国藩 as "ceng guo fan", so an agent typing "shan" or "zgf" would never find them. We read
the surname from our own table (single and compound surnames whose surname reading differs
from the common one) and leave the given name to pypinyin and its phrase dictionary.

`pinyin_of` and `initials_of` feed the Customer columns (seed, import) and the search index,
so they must stay deterministic: same name, same string, forever.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames whose reading as a surname differs from pypinyin's default reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha",
    "盖": "ge", "朴": "piao", "乐": "yue", "秘": "bi", "缪": "miao", "尉": "wei",
    "覃": "qin", "折": "she", "种": "chong", "繁": "po", "翟": "zhai", "郇": "xun",
    "隗": "wei", "句": "gou", "阚": "kan", "召": "shao", "员": "yun", "黑": "he",
    "祭": "zhai", "厍": "she", "洗": "xian", "逄": "pang", "佴": "nai", "能": "nai",
    "谌": "chen", "蕃": "pi", "长": "chang", "重": "chong", "宿": "su", "藏": "zang",
    "薄": "bo", "柏": "bai", "燕": "yan", "纪": "ji", "殷": "yin", "万": "wan",
}

# Compound surnames, with their readings (several differ from a char-by-char reading).
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ou yang", "司马": "si ma", "上官": "shang guan", "诸葛": "zhu ge",
    "东方": "dong fang", "皇甫": "huang fu", "尉迟": "yu chi", "公孙": "gong sun",
    "慕容": "mu rong", "长孙": "zhang sun", "宇文": "yu wen", "司徒": "si tu",
    "令狐": "ling hu", "澹台": "tan tai", "万俟": "mo qi", "单于": "chan yu",
    "夏侯": "xia hou", "轩辕": "xuan yuan", "钟离": "zhong li", "南宫": "nan gong",
    "端木": "duan mu", "西门": "xi men", "百里": "bai li", "呼延": "hu yan",
    "司空": "si kong", "闻人": "wen ren", "赫连": "he lian", "公冶": "gong ye",
}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")


def _clean(name: str) -> str:
    # NFKC folds full-width letters and digits; keep only letters, digits and Han.
    name = unicodedata.normalize("NFKC", name or "").strip().lower()
    return "".join(ch for ch in name if ch.isalnum())


def _split_surname(name: str) -> tuple[list[str], str]:
    """(surname syllables, rest of the name) when the name starts with a Han surname."""
    if not name or not _HAN.match(name):
        return [], name
    # A two-character name is surname + given name even if the pair is a compound surname.
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[name[:2]].split(), name[2:]
    return _surname_reading(name[0]), name[1:]


@lru_cache(maxsize=8192)
def _surname_reading(first: str) -> list[str]:
    if first in SURNAME_READINGS:
        return [SURNAME_READINGS[first]]
    return lazy_pinyin(first)


@lru_cache(maxsize=100_000)
def _rest_syllables(rest: str) -> tuple[str, ...]:
    # Cached: given names repeat far more than full names (seeding 1M customers).
    syllables: list[str] = []
    for read in lazy_pinyin(rest, style=Style.NORMAL, errors="default"):
        chunk = read.lower()
        if _HAN.search(chunk):  # pypinyin could not read it (rare extension-B characters)
            continue
        syllables.extend(_WORD.findall(chunk))
    return tuple(syllables)


@lru_cache(maxsize=4096)
def syllables_of(name: str) -> tuple[str, ...]:
    """The name's pinyin syllables, surname first, lowercase, without tones."""
    cleaned = _clean(name)
    if not _HAN.search(cleaned):
        # A romanised or foreign name: keep its words as typed ("Zhang Wei" -> zhang, wei).
        folded = unicodedata.normalize("NFKC", name or "").lower()
        return tuple(_WORD.findall(folded))
    surname, rest = _split_surname(cleaned)
    return (*surname, *_rest_syllables(rest))


def pinyin_of(name: str) -> str:
    """Full pinyin with the surname reading: 单田芳 -> "shan tian fang"."""
    return " ".join(syllables_of(name))


def initials_of(name: str) -> str:
    """First letter of each syllable: 单田芳 -> "stf" (zh/ch/sh give z/c/s, as typed in apps)."""
    return "".join(s[0] for s in syllables_of(name) if s)
