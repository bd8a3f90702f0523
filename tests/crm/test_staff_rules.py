"""The staff administration rules, pure: user names, extensions, queues, passwords, the last admin."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.crm.errors import CrmError
from console.crm.staff_rules import (
    ROLES,
    Holder,
    PasswordPolicy,
    character_classes,
    check_admin_remains,
    check_extension_free,
    check_password,
    check_self_change,
    clean_extension,
    clean_name,
    clean_queues,
    clean_role,
    clean_username,
    split_queues,
)
from console.i18n import has, set_locale
from console.i18n import staff as catalogue
from console.store import models

POLICY = PasswordPolicy(min_length=10, min_classes=3)
CONFIGURED = ("retail", "vip", "ringall")


def refusal(fn, *args, **kwargs) -> CrmError:
    with pytest.raises(CrmError) as caught:
        fn(*args, **kwargs)
    return caught.value


def test_the_role_vocabulary_is_declared_once():
    from console.server import users

    assert ROLES is models.ROLES and users.ROLES is models.ROLES
    assert [clean_role(r.upper()) for r in ROLES] == list(ROLES)
    error = refusal(clean_role, "boss")
    assert (error.code, error.field) == ("invalid", "role")


@pytest.mark.parametrize("name", ["agent1001", "zhang.wei", "am-2001", "li_na", "a1"])
def test_good_user_names(name):
    assert clean_username(f"  {name} ") == name


@pytest.mark.parametrize("name", ["", "a", "Zhang", "zhang wei", "张伟", ".hidden", "x" * 33, "a/b"])
def test_bad_user_names_say_why(name):
    error = refusal(clean_username, name)
    assert error.field == "username"
    assert error.key == ("staff.err.username_missing" if not name else "staff.err.username_form")


@given(st.text(max_size=40))
def test_a_user_name_that_passes_is_a_login_name(text):
    try:
        name = clean_username(text)
    except CrmError as error:
        assert error.field == "username"
        return
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,31}", name)


def test_names_are_trimmed_and_bounded():
    assert clean_name("  张   伟 ") == "张 伟"
    assert refusal(clean_name, "  ").key == "staff.err.name_missing"
    assert refusal(clean_name, "长" * 65).key == "staff.err.name_long"


@given(st.text(max_size=20))
def test_an_extension_is_digits_or_nothing(text):
    try:
        extension = clean_extension(text)
    except CrmError as error:
        assert error.field == "extension" and text.strip()
        return
    assert extension is None if not text.strip() else (extension.isascii() and extension.isdigit()
                                                        and 1 <= len(extension) <= 16)


def test_extensions_full_width_digits_are_refused():
    assert refusal(clean_extension, "１００１").field == "extension"
    assert clean_extension(" 1001 ") == "1001" and clean_extension("") is None and clean_extension(None) is None


def test_an_extension_belongs_to_one_active_member():
    holders = [Holder(1, "agent1", "张伟")]
    check_extension_free("1001", holders, 1)  # their own
    check_extension_free(None, holders, 2)
    error = refusal(check_extension_free, "1001", holders, 2)
    assert error.params == {"extension": "1001", "username": "agent1", "name": "张伟"}


def test_queues_are_configured_ones_each_once():
    assert clean_queues("retail, vip；retail", CONFIGURED) == ["retail", "vip"]
    assert clean_queues(["vip", " retail "], CONFIGURED) == ["vip", "retail"]
    assert clean_queues("", CONFIGURED) == [] and clean_queues(None, CONFIGURED) == []
    error = refusal(clean_queues, "retail gold silver", CONFIGURED)
    assert error.field == "queues" and error.params["names"] == "gold, silver"
    assert split_queues("a|b、c") == ["a", "b", "c"]


@given(st.lists(st.sampled_from(CONFIGURED), max_size=6))
def test_any_list_of_configured_queues_is_kept_in_order(queues):
    assert clean_queues(queues, CONFIGURED) == list(dict.fromkeys(queues))


@pytest.mark.parametrize(("password", "key"), [
    ("calldesk", "staff.err.password_demo"),
    ("CallDesk", "staff.err.password_demo"),
    ("Ab1-", "staff.err.password_short"),
    ("abcdefghijkl", "staff.err.password_classes"),
    ("abcdefgh1234", "staff.err.password_classes"),
    ("Zhaoli-2026x", "staff.err.password_username"),
    ("x" * 300, "staff.err.password_long"),
])
def test_passwords_that_break_the_policy(password, key):
    error = refusal(check_password, password, POLICY, "zhaoli")
    assert (error.key, error.field) == (key, "password")


@pytest.mark.parametrize("password", ["Lotus-Pond-2026", "abcdefgh12-X", "莲花池塘abc123", "correct horse 9"])
def test_passwords_that_meet_it(password):
    check_password(password, POLICY, "zhaoli")


@given(st.text(min_size=1, max_size=40), st.integers(6, 20), st.integers(1, 4))
def test_the_policy_accepts_exactly_what_it_says(password, min_length, min_classes):
    policy = PasswordPolicy(min_length, min_classes)
    try:
        check_password(password, policy)
    except CrmError:
        refused = True
    else:
        refused = False
    meets = (len(password) >= min_length and character_classes(password) >= min_classes
             and password.lower() != "calldesk")
    assert refused != meets


def test_character_classes():
    assert [character_classes(p) for p in ("abc", "aB", "aB1", "aB1-", "中文", "")] == [1, 2, 3, 4, 1, 0]


@pytest.mark.parametrize(("before", "after", "others", "refused"), [
    (("admin", True), ("manager", True), 0, True),
    (("admin", True), ("admin", False), 0, True),
    (("admin", True), ("manager", True), 1, False),
    (("admin", False), ("agent", False), 0, False),  # already not an active admin
    (("agent", True), ("admin", True), 0, False),
    (("admin", True), ("admin", True), 0, False),
])
def test_the_last_active_admin_stays(before, after, others, refused):
    if refused:
        error = refusal(check_admin_remains, *before, *after, others)
        assert (error.code, error.key) == ("conflict", "staff.err.last_admin")
    else:
        check_admin_remains(*before, *after, others)


def test_nobody_disables_or_demotes_themselves():
    assert refusal(check_self_change, 6, 6, "admin", "admin", False).key == "staff.err.self_disable"
    assert refusal(check_self_change, 6, 6, "admin", "manager", True).key == "staff.err.self_role"
    check_self_change(6, 6, "admin", "admin", True)
    check_self_change(6, 7, "admin", "agent", False)


def test_every_staff_key_has_both_languages_with_the_same_placeholders():
    assert set(catalogue.ZH_CN) == set(catalogue.EN)
    fields = re.compile(r"{(\w+)(?:![rs])?}")
    for key, zh in catalogue.ZH_CN.items():
        assert set(fields.findall(zh)) == set(fields.findall(catalogue.EN[key])), key


def test_every_staff_key_used_in_the_code_exists():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "console"
    used = {key for path in root.rglob("*.py")
            for key in re.findall(r"""["'](staff\.[a-z_]+\.[a-z_0-9]+)["']""", path.read_text(encoding="utf-8"))}
    assert len(used) > 30
    assert sorted(k for k in used if not (has(k, "zh_CN") and has(k, "en"))) == []


def test_messages_read_well_in_both_languages():
    error = refusal(check_password, "short", POLICY)
    set_locale("en")
    assert error.message() == "the password needs at least 10 characters (it has 5)"
    set_locale("zh_CN")
    assert error.message() == "密码至少 10 个字符（现为 5 个）"
