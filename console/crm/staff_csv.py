"""Staff accounts from a UTF-8 CSV file (docs/staff.md): ``username,name,role,extension,queues,active,password``.

A row whose user name exists updates that account (only the cells that have a value; ``-``
clears an extension or the queues); any other row creates one. Every row goes through the same
rules as the API (:mod:`console.crm.staff_rules`) in its own savepoint: a bad row is reported
by its line in the file and leaves nothing behind, the good rows are kept. A line that is not
UTF-8 is reported on its own and the others still import. A password cell is taken for a new
account only: re-importing an onboarding file must not reset passwords set since.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from console.crm import audit
from console.crm.errors import CrmError
from console.crm.staff_store import StaffRules, by_username, create_staff, get_staff, update_staff
from console.i18n import t

COLUMNS = ("username", "name", "role", "extension", "queues", "active", "password")
CLEAR = "-"
IMPORT = "staff.import"
_TRUE = {"1", "true", "yes", "y", "是", "active", "启用"}
_FALSE = {"0", "false", "no", "n", "否", "disabled", "停用"}


@dataclass
class ParsedCsv:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, cells)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    header_ok: bool = True


def _decoded_lines(data: bytes) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, None) or (line number, None, why it is not UTF-8)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # Excel writes a UTF-8 BOM
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            yield number, raw.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            yield number, None, t("staff.csv.not_utf8", byte=f"0x{raw[exc.start]:02x}", column=exc.start + 1)


def parse_staff_csv(data: bytes) -> ParsedCsv:
    out = ParsedCsv()
    good: list[str] = []
    numbers: list[int] = []
    bad: dict[int, str] = {}
    for number, line, error in _decoded_lines(data):
        if line is None:
            bad[number] = error or ""
        else:
            good.append(line)
            numbers.append(number)
    if not numbers or 1 in bad:
        out.header_ok = False
        out.errors.append((1, t("staff.csv.no_header", columns=", ".join(COLUMNS))))
        return out
    reader = csv.reader(good, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        out.header_ok = False
        out.errors.append((1, t("staff.csv.bad_csv", reason=exc)))
        return out
    problem = _header_problem(header)
    if problem:
        out.header_ok = False
        out.errors.append((1, problem))
        return out
    consumed = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.errors.append((numbers[min(reader.line_num, len(numbers)) - 1], t("staff.csv.bad_csv", reason=exc)))
            consumed = reader.line_num
            continue
        first = numbers[consumed]  # the record's first physical line
        consumed = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            out.errors.append((first, t("staff.csv.field_count", got=len(record), want=len(header))))
            continue
        out.rows.append((first, {name: cell.strip() for name, cell in zip(header, record, strict=True)}))
    out.errors.extend(bad.items())
    out.errors.sort()
    return out


def _header_problem(header: list[str]) -> str | None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        return t("staff.csv.unknown_columns", columns=", ".join(unknown), known=", ".join(COLUMNS))
    if "username" not in header:
        return t("staff.csv.no_username", known=", ".join(COLUMNS))
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        return t("staff.csv.repeated_columns", columns=", ".join(dupes))
    return None


def _active(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise CrmError("invalid", "staff.csv.bad_active", field="active", value=text)


def _values(cells: dict[str, str]) -> dict[str, Any]:
    """The cells that say something, as API field values."""
    values: dict[str, Any] = {}
    for name in ("username", "name", "role", "extension", "queues", "password"):
        text = cells.get(name, "")
        if text == CLEAR and name in ("extension", "queues"):
            values[name] = "" if name == "extension" else []
        elif text:
            values[name] = text
    if cells.get("active"):
        values["active"] = _active(cells["active"])
    return values


def _apply(session: Session, values: dict[str, Any], actor_id: int | None, now: dt.datetime,
           rules: StaffRules) -> str:
    """``added``, ``updated`` or ``unchanged``."""
    existing = by_username(session, values["username"])
    if existing is None:
        create_staff(session, values, actor_id, now, rules)
        return "added"
    if "password" in values:
        raise CrmError("invalid", "staff.csv.password_existing", field="password", username=values["username"])
    changes = {k: v for k, v in values.items() if k != "username"}
    before = get_staff(session, existing.id or 0)
    after = update_staff(session, existing.id or 0, changes, actor_id, now, rules) if changes else before
    return "unchanged" if after == before else "updated"


def import_staff(session: Session, data: bytes, actor_id: int | None, now: dt.datetime,
                 rules: StaffRules) -> dict[str, Any]:
    """``{rows, added, updated, unchanged, errors: [{line, reason}], staff_ids}``; each good row is
    kept whatever the others; ``staff_ids``: the accounts added or changed."""
    parsed = parse_staff_csv(data)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    errors = list(parsed.errors)
    seen: dict[str, int] = {}
    touched: list[int] = []
    for line, cells in parsed.rows:
        username = cells.get("username", "")
        if username in seen:
            errors.append((line, t("staff.csv.repeated_user", username=username, line=seen[username])))
            continue
        if username:
            seen[username] = line  # the first row of a user name decides, refused or not
        try:
            values = _values(cells)
            if "username" not in values:
                raise CrmError("invalid", "staff.err.username_missing", field="username")
            with session.begin_nested():
                outcome = _apply(session, values, actor_id, now, rules)
        except CrmError as exc:
            errors.append((line, f"{exc.field}: {exc.message()}" if exc.field else exc.message()))
            continue
        counts[outcome] += 1
        if outcome != "unchanged":
            staff = by_username(session, values["username"])
            touched.append(staff.id if staff and staff.id else 0)
    errors.sort()
    rows = len(parsed.rows) + sum(1 for line, _ in parsed.errors if line > 1)
    if parsed.header_ok:
        audit.record(session, actor_id, IMPORT, None, None, {**counts, "rows": rows, "refused": len(errors)}, at=now)
    return {"rows": rows, **counts, "errors": [{"line": line, "reason": reason} for line, reason in errors],
            "staff_ids": touched}
