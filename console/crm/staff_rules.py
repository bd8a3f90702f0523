"""The rules of staff administration: pure functions over plain values, no I/O, no clock.

The store functions (:mod:`console.crm.staff_store`), the CSV import, the API and the forms all
judge a change by these, so a rule holds whichever way an administrator goes. Each failure is a
:class:`CrmError` naming the field, with its message in the translation layer (``staff.*``).

* Roles are the store's vocabulary, :data:`console.store.models.ROLES`, ranked in that order.
* A user name is lowercase ASCII (what is typed at a login prompt, compared exactly).
* An extension is digits, and belongs to at most one active member of staff: pops are routed by
  it, so two accounts on one extension would both see the other's callers.
* Queues are the configured ones (``[[queues]]``): a name Asterisk does not know would route no
  call and silently show an empty board.
* A password set by an administrator meets the configured policy (length, kinds of character),
  never contains the user name, and is never the public demo password.
* There is always an active administrator: the last one can be neither disabled nor demoted, and
  nobody disables or demotes themselves (the session doing it would lock its own user out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.crm.errors import CrmError
from console.crm.queue_names import split_queues
from console.store.models import ROLES

__all__ = [
    "DEMO_PASSWORD",
    "EXTENSION_MAX",
    "NAME_MAX",
    "ROLES",
    "USERNAME_MAX",
    "Holder",
    "PasswordPolicy",
    "character_classes",
    "check_admin_remains",
    "check_extension_free",
    "check_password",
    "check_self_change",
    "clean_extension",
    "clean_name",
    "clean_queues",
    "clean_role",
    "clean_username",
    "split_queues",
]

USERNAME_MAX = 32
NAME_MAX = 64
EXTENSION_MAX = 16
QUEUES_MAX = 255  # the column: names joined by commas
DEMO_PASSWORD = "calldesk"
"""The seeded demo accounts' password (console.store.seed.staff): public, so never anyone else's."""
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_EXTENSION = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """``[passwords]`` of config.toml, as the rules need it."""

    min_length: int = 10
    min_classes: int = 3
    max_length: int = 256  # what the login route accepts


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds an extension: enough to name them in the message."""

    id: int
    username: str
    name: str


def clean_username(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise CrmError("invalid", "staff.err.username_missing", field="username")
    if len(text) > USERNAME_MAX or len(text) < 2 or not _USERNAME.fullmatch(text):
        raise CrmError("invalid", "staff.err.username_form", field="username", value=text, max=USERNAME_MAX)
    return text


def clean_name(value: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise CrmError("invalid", "staff.err.name_missing", field="name")
    if len(text) > NAME_MAX:
        raise CrmError("invalid", "staff.err.name_long", field="name", max=NAME_MAX)
    return text


def clean_role(value: str) -> str:
    text = (value or "").strip().lower()
    if text not in ROLES:
        raise CrmError("invalid", "staff.err.role", field="role", value=value, allowed=", ".join(ROLES))
    return text


def clean_extension(value: str | None) -> str | None:
    """The extension, or None for none (an empty text clears it)."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > EXTENSION_MAX or not (text.isascii() and _EXTENSION.fullmatch(text)):
        raise CrmError("invalid", "staff.err.extension", field="extension", value=text, max=EXTENSION_MAX)
    return text


def clean_queues(value: str | Sequence[str] | None, configured: Sequence[str]) -> list[str]:
    """The queues, each once, in the order given; each must be a configured queue."""
    names = list(dict.fromkeys(split_queues(value)))
    unknown = [n for n in names if n not in configured]
    if unknown:
        raise CrmError("invalid", "staff.err.queue_unknown", field="queues", names=", ".join(unknown),
                       known=", ".join(configured))
    if len(",".join(names)) > QUEUES_MAX:
        raise CrmError("invalid", "staff.err.queues_long", field="queues", max=QUEUES_MAX)
    return names


def check_extension_free(extension: str | None, holders: Iterable[Holder], staff_id: int | None) -> None:
    """``holders``: the active staff on ``extension``; anyone but ``staff_id`` is a conflict."""
    if extension is None:
        return
    for holder in holders:
        if holder.id != staff_id:
            raise CrmError("invalid", "staff.err.extension_taken", field="extension", extension=extension,
                           username=holder.username, name=holder.name)


def character_classes(password: str) -> int:
    """How many of lowercase, uppercase, digits and other characters ``password`` mixes."""
    lower = any("a" <= c <= "z" for c in password)
    upper = any("A" <= c <= "Z" for c in password)
    digit = any("0" <= c <= "9" for c in password)
    other = any(not ("a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9") for c in password)
    return lower + upper + digit + other


def check_password(password: str, policy: PasswordPolicy, username: str | None = None) -> None:
    """The first way ``password`` breaks the policy, as a CrmError on ``password``."""
    if password.lower() == DEMO_PASSWORD:
        raise CrmError("invalid", "staff.err.password_demo", field="password")
    if len(password) < policy.min_length:
        raise CrmError("invalid", "staff.err.password_short", field="password", min=policy.min_length,
                       n=len(password))
    if len(password) > policy.max_length:
        raise CrmError("invalid", "staff.err.password_long", field="password", max=policy.max_length)
    classes = character_classes(password)
    if classes < policy.min_classes:
        raise CrmError("invalid", "staff.err.password_classes", field="password", min=policy.min_classes,
                       n=classes)
    if username and len(username) >= 3 and username.lower() in password.lower():
        raise CrmError("invalid", "staff.err.password_username", field="password")


def check_admin_remains(before_role: str, before_active: bool, after_role: str, after_active: bool,
                        other_active_admins: int) -> None:
    """Refuse a change that would leave no active administrator."""
    was_admin = before_role == "admin" and before_active
    stays_admin = after_role == "admin" and after_active
    if was_admin and not stays_admin and other_active_admins == 0:
        raise CrmError("conflict", "staff.err.last_admin", field="active" if not after_active else "role")


def check_self_change(actor_id: int | None, staff_id: int, before_role: str, after_role: str,
                      after_active: bool) -> None:
    """An administrator does not disable or demote their own account (another admin may)."""
    if actor_id != staff_id:
        return
    if not after_active:
        raise CrmError("conflict", "staff.err.self_disable", field="active")
    if after_role != before_role:
        raise CrmError("conflict", "staff.err.self_role", field="role")
