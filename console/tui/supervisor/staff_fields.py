"""The staff form's values as the API's JSON, and a staff account as table cells: plain data, no Textual.

:func:`parse` names what is obviously wrong under its field before anything is sent (a missing
name, letters in an extension, two passwords that differ); everything else (the password policy,
an extension someone else holds, the last administrator) is the server's to judge, and its
refusal is shown under the field it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from console.i18n import t

FIELDS = ("username", "name", "role", "extension", "queues", "password", "password2")
COLUMNS = ("username", "name", "role", "extension", "queues", "state", "customers")
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")


def role_label(role: str) -> str:
    return t(f"staff.role.{role}")


def state_label(member: Mapping[str, Any]) -> str:
    """Active or disabled, and locked after too many failed log-ins (F9 unlocks)."""
    state = t("staff.state.active" if member["active"] else "staff.state.disabled")
    return f"{state} · {t('staff.state.locked')}" if member.get("locked") else state


def row_cells(member: Mapping[str, Any]) -> tuple[str, ...]:
    return (member["username"], member["name"], role_label(member["role"]), member.get("extension") or "—",
            ", ".join(member.get("queues") or ()) or "—", state_label(member),
            str(member.get("customers") or 0) if member["role"] == "manager" or member.get("customers") else "")


def detail_line(member: Mapping[str, Any]) -> str:
    parts = [f"{member['username']} {member['name']}", role_label(member["role"]),
             t("staff.detail.extension", extension=member.get("extension") or "—"),
             t("staff.detail.queues", queues=", ".join(member.get("queues") or ()) or "—"),
             state_label(member),
             t("staff.detail.password" if member.get("has_password") else "staff.detail.no_password")]
    if member["role"] == "manager" or member.get("customers"):
        parts.append(t("staff.detail.customers", n=member.get("customers") or 0))
    return " · ".join(parts)


def form_values(member: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the form starts with: an account as the API returns it, or a new agent."""
    if member is None:
        return {"username": "", "name": "", "role": "agent", "extension": "", "queues": [], "password": "",
                "password2": ""}
    return {"username": member["username"], "name": member["name"], "role": member["role"],
            "extension": member.get("extension") or "", "queues": list(member.get("queues") or ()),
            "password": "", "password2": ""}


def parse(values: Mapping[str, Any], new: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """(the JSON body, {field: message}); the body is only good without errors."""
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    username = str(values.get("username") or "").strip()
    if not username:
        errors["username"] = t("staff.err.username_missing")
    elif not _USERNAME.fullmatch(username):
        errors["username"] = t("staff.err.username_form", value=username, max=32)
    body["username"] = username
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        errors["name"] = t("staff.err.name_missing")
    body["name"] = name
    body["role"] = values.get("role") or None
    if body["role"] is None:
        errors["role"] = t("staff.err.role_missing")
    extension = str(values.get("extension") or "").strip()
    if extension and not (extension.isascii() and extension.isdigit() and len(extension) <= 16):
        errors["extension"] = t("staff.err.extension", value=extension, max=16)
    body["extension"] = extension or None
    body["queues"] = list(dict.fromkeys(values.get("queues") or ()))
    if new:
        password, again = str(values.get("password") or ""), str(values.get("password2") or "")
        if password or again:
            if password != again:
                errors["password2"] = t("staff.form.err.repeat")
            body["password"] = password
    return body, errors


def create_body(body: dict[str, Any]) -> dict[str, Any]:
    """A create leaves out what is not given (no extension, no password: the server's defaults)."""
    return {k: v for k, v in body.items() if v not in (None, "")}


def changes(member: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    """The fields an edit changed (a PATCH writes nothing the administrator did not touch)."""
    before = {"username": member["username"], "name": member["name"], "role": member["role"],
              "extension": member.get("extension") or None, "queues": list(member.get("queues") or ())}
    return {k: body[k] for k in before if k in body and body[k] != before[k]}


def password_errors(password: str, again: str) -> dict[str, str]:
    if not password:
        return {"password": t("staff.form.err.password")}
    if password != again:
        return {"password2": t("staff.form.err.repeat")}
    return {}


def import_report(report: Mapping[str, Any]) -> list[str]:
    """What an import did, in lines: the counts, then each refused row by its line."""
    lines = [t("staff.import.summary", rows=report.get("rows", 0), added=report.get("added", 0),
               updated=report.get("updated", 0), unchanged=report.get("unchanged", 0),
               refused=len(report.get("errors") or ()))]
    lines += [t("staff.import.bad_row", line=e["line"], reason=e["reason"]) for e in report.get("errors") or ()]
    return lines
