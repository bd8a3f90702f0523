"""One CSV row -> a validated customer record, or the reason it is refused. Pure.

Only the columns present in the file are set on an existing customer (an update never
blanks a column the file does not have); derived columns (pinyin, initials, id_last4,
tier from AUM) are computed here, never read from the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from console.crm.names import initials_of, pinyin_of
from console.crm.phones import normalize
from console.i18n import t
from console.store import id_numbers

TIER_NAMES = {"standard": "standard", "普通": "standard", "silver": "silver", "银卡": "silver",
              "gold": "gold", "金卡": "gold", "platinum": "platinum", "白金": "platinum",
              "diamond": "diamond", "钻石": "diamond"}
INVESTOR_TYPES = {"ordinary": "ordinary", "普通": "ordinary", "professional": "professional", "专业": "professional"}
STATUSES = {"active": "active", "正常": "active", "dormant": "dormant", "休眠": "dormant", "closed": "closed",
            "销户": "closed"}
GENDERS = {"m": "M", "male": "M", "男": "M", "f": "F", "female": "F", "女": "F"}
TRUE = {"1", "true", "yes", "y", "是"}
FALSE = {"0", "false", "no", "n", "否", ""}
_CLIENT_NO = re.compile(r"^\d{12}$")
_PHONE_SPLIT = re.compile(r"[;；|/]")
PHONE_KINDS = {"mobile": "mobile", "landline": "landline"}


class RowError(ValueError):
    """Why a row is refused; the message names the column."""


@dataclass
class CustomerRecord:
    client_no: str
    values: dict[str, Any]  # customer columns to set
    phones: list[tuple[str, str, str]] = field(default_factory=list)  # (e164, raw, kind)
    manager: str | None = None  # username, resolved by the writer


def parse_customer(fields: dict[str, str], tier_for: Callable[[Decimal], str]) -> CustomerRecord:
    """``tier_for(aum) -> tier id`` comes from the settings."""
    client_no = fields.get("client_no", "")
    if not _CLIENT_NO.match(client_no):
        raise RowError(t("import.row.client_no_shape", value=client_no) if client_no
                       else t("import.row.client_no_missing"))
    name = fields.get("name", "")
    if not name:
        raise RowError(t("import.row.name_missing"))
    if len(name) > 64:
        raise RowError(t("import.row.name_long"))
    values: dict[str, Any] = {"name": name, "name_pinyin": pinyin_of(name), "name_initials": initials_of(name)}
    _identity(fields, values)
    for column in ("branch",):
        if column in fields:
            values[column] = fields[column][:64]
    if fields.get("aum"):
        values["aum"] = _money(fields["aum"])
        values["tier"] = tier_for(values["aum"])
    if fields.get("tier"):
        tier = TIER_NAMES.get(fields["tier"].lower())
        if tier is None:
            raise RowError(t("import.row.tier", value=fields["tier"]))
        values["tier"] = tier
    if fields.get("risk_level"):
        level = fields["risk_level"].upper()
        if level not in ("C1", "C2", "C3", "C4", "C5"):
            raise RowError(t("import.row.risk_level", value=fields["risk_level"]))
        values["risk_level"] = level
    if fields.get("risk_assessed_on"):
        values["risk_assessed_on"] = _date("risk_assessed_on", fields["risk_assessed_on"])
    _choice(fields, values, "investor_type", INVESTOR_TYPES)
    _choice(fields, values, "status", STATUSES)
    for flag in ("margin", "star", "chinext", "do_not_call"):
        if flag in fields:
            values[flag] = _bool(flag, fields[flag])
    return CustomerRecord(client_no, values, _phones(fields.get("phones", "")), fields.get("manager") or None)


def _identity(fields: dict[str, str], values: dict[str, Any]) -> None:
    id_number = fields.get("id_number", "").upper()
    if id_number:
        if not id_numbers.is_valid(id_number):
            raise RowError(t("import.row.id_number"))
        values["id_number"], values["id_last4"] = id_number, id_number[-4:]
        values["birth_date"] = _date("id_number", f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}")
        values["gender"] = "M" if int(id_number[16]) % 2 else "F"
    if fields.get("birth_date"):
        values["birth_date"] = _date("birth_date", fields["birth_date"])
    if fields.get("gender"):
        gender = GENDERS.get(fields["gender"].lower())
        if gender is None:
            raise RowError(t("import.row.gender", value=fields["gender"]))
        values["gender"] = gender


def _phones(text: str) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for raw in (p.strip() for p in _PHONE_SPLIT.split(text)):
        if not raw:
            continue
        phone = normalize(raw)
        if not phone.valid:
            raise RowError(t("import.row.phone", value=raw))
        if phone.kind == "service":
            raise RowError(t("import.row.phone_service", value=raw))
        if phone.e164 not in {p[0] for p in out}:
            out.append((phone.e164, raw[:32], PHONE_KINDS.get(phone.kind, "other")))
    return out


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise RowError(t("import.row.aum", value=text)) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e16"):
        raise RowError(t("import.row.aum_range", value=text))
    return value.quantize(Decimal("0.01"))


def _date(column: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise RowError(t("import.row.date", column=column, value=text)) from None


def _choice(fields: dict[str, str], values: dict[str, Any], column: str, allowed: dict[str, str]) -> None:
    if fields.get(column):
        chosen = allowed.get(fields[column].lower())
        if chosen is None:
            raise RowError(t("import.row.choice", column=column, value=fields[column], allowed=", ".join(allowed)))
        values[column] = chosen


def _bool(column: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise RowError(t("import.row.flag", column=column, value=text))
