"""Pinyin of names with the surname readings of heteronyms (feeds the columns and the index)."""

from __future__ import annotations

import pytest

from console.crm.names import initials_of, pinyin_of


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("张三", "zhang san", "zs"),
        ("单田芳", "shan tian fang", "stf"),  # 单 as a surname is shàn, not dān
        ("曾国藩", "zeng guo fan", "zgf"),  # zēng, not céng
        ("解缙", "xie jin", "xj"),  # xiè, not jiě
        ("仇英", "qiu ying", "qy"),  # qiú, not chóu
        ("区家明", "ou jia ming", "ojm"),
        ("查良镛", "zha liang yong", "zly"),
        ("朴树", "piao shu", "ps"),
        ("翟天临", "zhai tian lin", "ztl"),
        ("欧阳修", "ou yang xiu", "oyx"),
        ("尉迟恭", "yu chi gong", "ycg"),  # compound surname: yù chí
        ("长孙无忌", "zhang sun wu ji", "zswj"),
        ("单于", "shan yu", "sy"),  # two characters: surname 单 + given name 于
        ("吕布", "lv bu", "lb"),
        ("  李　四 ", "li si", "ls"),  # spaces, a full-width space
        ("阿依古丽·买买提", "a yi gu li mai mai ti", "ayglmmt"),
        ("Zhang Wei", "zhang wei", "zw"),  # a romanised name keeps its words
        ("ＷＡＮＧ Ｆａｎｇ", "wang fang", "wf"),  # full-width letters
        ("", "", ""),
    ],
)
def test_pinyin_and_initials(name: str, pinyin: str, initials: str) -> None:
    assert pinyin_of(name) == pinyin
    assert initials_of(name) == initials


def test_given_name_heteronyms_read_as_words() -> None:
    # 国藩 and 长 in a given name keep pypinyin's phrase readings; only the surname is special.
    assert pinyin_of("张长江") == "zhang chang jiang"


def test_same_name_same_pinyin_every_time() -> None:
    assert {pinyin_of("单田芳") for _ in range(3)} == {"shan tian fang"}
