"""Deterministic synthetic customers and a realistic query mix, for the search benchmark.

Names follow the real skew (a few surnames cover most people, 张伟 is common, heteronym and
compound surnames are rare but present); phones are CN mobiles with some landlines; client
numbers are 12 digits by branch. Same seed, same customers and queries.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import accumulate

from console.crm.names import pinyin_of
from console.crm.search.model import CustomerRow

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤单解仇区查朴乐缪翟"
)
_COMPOUND = ("欧阳", "司马", "诸葛", "上官", "尉迟", "长孙")
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏辉玲建华红梅飞鑫波斌宇浩凯"
    "健俊帆帅旭宁龙林欣晨佳怡子涵梓轩雨萱思琪嘉欣浩然宇航博文一诺天佑瑞文雅静婷婷晓东建国志强"
    "春梅海燕丹丹小红国庆立新永刚德华文杰家豪俊杰田芳国藩慧颖琳晶倩雪琴云莉蓉薇璐瑶璇菲露珊"
    "峰岩松柏森彬斌彤昊昱晟晖朗睿哲泽洁淑贤慧敏捷锋锐钢铭铎坤培垚尧舜禹汉唐宋元明清安康乐福"
    "寿喜庆祥瑞麟凤鸾鹤鸿雁燕莺蝶蓓蕾芸莉茜荣华英杰豪雄伟毅刚坚强勇猛威武诚信仁义礼智忠孝廉"
    "耀辉煌灿烁炜烨焕然翔翼鹏程远航帆舟楠桐梧槐枫荷莲菊兰竹梅桃李杏樱蔚蓝青紫丹彩霞虹霓"
)
_BRANCHES = ("上海分公司", "北京分公司", "深圳分公司", "广州分公司", "杭州分公司", "成都分公司")
_TIERS = ("standard",) * 6 + ("silver",) * 2 + ("gold", "platinum")
_MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "158", "170", "177", "179", "186", "188",
                    "199")


# Zipf-like weights 1/(rank+3): 王/李/张 ~7% each, the top 20 about half, as in census data.
_SURNAME_WEIGHTS = list(accumulate(1 / (rank + 3) for rank in range(1, len(_SURNAMES) + 1)))


def _name(rng: random.Random) -> str:
    compound = rng.random() < 0.003
    surname = rng.choice(_COMPOUND) if compound else rng.choices(_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
    given = rng.choice(_GIVEN) if rng.random() < 0.3 else rng.choice(_GIVEN) + rng.choice(_GIVEN)
    return surname + given


def _phones(rng: random.Random) -> tuple[str, ...]:
    count = 1 if rng.random() < 0.75 else 2
    phones = [f"+86{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}" for _ in range(count)]
    if rng.random() < 0.1:
        phones.append(f"+8621{rng.randrange(10**7, 10**8)}")
    return tuple(phones)


def synthetic_rows(count: int, seed: int = 20260601) -> Iterator[CustomerRow]:
    rng = random.Random(seed)
    for number in range(1, count + 1):
        name = _name(rng)
        branch = rng.randrange(len(_BRANCHES))
        tail = rng.randrange(11)
        yield CustomerRow(
            id=number,
            name=name,
            name_pinyin=pinyin_of(name),
            client_no=f"3{branch + 1:01d}{number:010d}",
            phones=_phones(rng),
            id_last4=f"{rng.randrange(1000):03d}{'X' if tail == 10 else tail}",
            tier=rng.choice(_TIERS),
            branch=_BRANCHES[branch],
        )


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    at = rng.randrange(len(text) - 1)
    if rng.random() < 0.5:  # swap two neighbours
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text[:at] + text[at + 1 :]  # drop one letter


def query_mix(sample: list[CustomerRow], count: int, seed: int = 7) -> list[tuple[str, str, int]]:
    """(kind, query, customer id it was made from), drawn from ``sample`` as agents type."""
    rng = random.Random(seed)
    kinds = (
        ["name"] * 20 + ["name_part"] * 8 + ["pinyin"] * 10 + ["pinyin_spaced"] * 5
        + ["pinyin_prefix"] * 5 + ["initials"] * 10 + ["name_typo"] * 5 + ["pinyin_typo"] * 5
        + ["phone4"] * 8 + ["phone7"] * 4 + ["phone_full"] * 4 + ["client_prefix"] * 5
        + ["client_full"] * 3 + ["id4"] * 5 + ["name_phone"] * 3
    )
    queries: list[tuple[str, str, int]] = []
    for _ in range(count):
        row = rng.choice(sample)
        kind = rng.choice(kinds)
        words = row.name_pinyin.split() or [row.name]
        if not row.phones and kind.startswith(("phone", "name_phone")):
            kind = "name"  # customers from a database may have no phone
        phone = row.phones[0].removeprefix("+86") if row.phones else ""
        query = {
            "name": row.name,
            "name_part": row.name[:2] if len(row.name) >= 3 else row.name[:1],
            "pinyin": "".join(words),
            "pinyin_spaced": " ".join(words),
            "pinyin_prefix": "".join(words[:-1]) + words[-1][:1],
            "initials": "".join(w[0] for w in words),
            "name_typo": row.name[:-1] + rng.choice(_GIVEN) if len(row.name) >= 3 else row.name,
            "pinyin_typo": _typo(rng, "".join(words)),
            "phone4": phone[-4:],
            "phone7": phone[-7:],
            "phone_full": phone,
            "client_prefix": row.client_no[: rng.randrange(6, 11)],
            "client_full": row.client_no,
            "id4": row.id_last4,
            "name_phone": f"{row.name} {phone[-4:]}",
        }[kind]
        queries.append((kind, query, row.id))
    return queries
