"""Staff accounts from a UTF-8 CSV file (docs/staff.md): ``username,name,role,extension,queues,active,password``.

A row whose user name exists updates that account (only the cells that have a value; ``-``
clears an extension or the queues); any other row creates one. Every row goes through the same
rules as the API (:mod:`console.crm.staff_rules`) in its own savepoint: a bad row is reported
by its line in the file and leaves nothing behind, the good rows are kept. A line that is not
UTF-8 is reported on its own and the others still import. A password cell is taken for a new
account only: re-importing an onboarding file must not reset passwords set since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from console.crm import audit
from console.crm.csv_file import ParsedCsv, parse_csv
from console.crm.errors import CrmError
from console.crm.staff_store import StaffRules, by_username, create_staff, get_staff, update_staff
from console.i18n import t

COLUMNS = ("username", "name", "role", "extension", "queues", "active", "password")
CLEAR = "-"
IMPORT = "staff.import"
_TRUE = {"1", "true", "yes", "y", "是", "active", "启用"}
_FALSE = {"0", "false", "no", "n", "否", "disabled", "停用"}


def parse_staff_csv(data: bytes) -> ParsedCsv:
    return parse_csv(data, COLUMNS, required=("username",))


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
