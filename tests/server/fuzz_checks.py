"""calldesk's own checks of a fuzzed response: an error speaks the server's language, and no
phone or id number leaves the server in clear.

What masked looks like is console/crm/masking.py's: ``138****8000`` (national digits, the middle
starred; service numbers of six digits or fewer stay), ``3101**********1234``, ``aum`` and
``birth_date`` null, and every customer summary says ``masked``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import requests
from schemathesis import Response

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
MOBILE = re.compile(r"(?<![\d*])(?:\+?86)?1[3-9]\d{9}(?![\d*])")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z*])\d{17}[\dXx](?![\dA-Za-z*])")
CLEAR_BY_DESIGN = {("POST", "/api/customers"), ("POST", "/api/customers/{id}/unmask")}
"""A customer just created (the agent typed it) and a manager's audited break-glass."""

JsonValue = dict[str, "JsonValue"] | list["JsonValue"] | str | int | float | bool | None


def content_type(response: requests.Response | Response) -> str:
    """The Content-Type of a requests or a schemathesis response (whose headers hold lists)."""
    value = response.headers.get("Content-Type") or response.headers.get("content-type") or ""
    return str(value[0] if isinstance(value, list) else value)


def language_problems(response: requests.Response | Response, locale: str, sent: str = "") -> list[str]:
    """A 4xx must be the JSON error body with a message in ``locale`` (zh_CN: Chinese text;
    en: no Chinese). Characters of ``sent`` (the request's URL, decoded, and body) do not count:
    a message may name back what the client sent."""
    if not 400 <= response.status_code < 500:
        return []
    if "json" not in content_type(response):
        return [f"{response.status_code} is not JSON: {response.text[:200]!r}"]
    try:
        body = response.json()
        message = body["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return [f"{response.status_code} without an error message: {response.text[:200]!r}"]
    if not isinstance(message, str) or not message.strip():
        return [f"{response.status_code} with an empty message"]
    echoed = set(unquote(sent))
    chinese = bool(CJK.search("".join(ch for ch in message if ch not in echoed)))
    if locale == "zh_CN" and not chinese:
        return [f"{response.status_code} message not in Chinese: {message[:200]!r}"]
    if locale == "en" and chinese:
        return [f"{response.status_code} message not in English: {message[:200]!r}"]
    return []


def pii_problems(method: str, path: str, response: requests.Response | Response, sent: str = "") -> list[str]:
    """:func:`leaks` of a JSON response; ``sent`` (the request's URL and body): digits the
    client sent itself and an error message names back are no leak."""
    if "json" not in content_type(response):
        return []
    try:
        body: JsonValue = response.json()
    except ValueError:
        return []
    return leaks(method, path, body, sent)


def _masked_number(value: object) -> bool:
    text = str(value or "")
    return "*" in text or len(re.sub(r"\D", "", text)) <= 6


def leaks(method: str, path: str, body: JsonValue, sent: str = "") -> list[str]:
    """Numbers in clear in a response of ``method path`` (the document's path)."""
    if (method.upper(), path) in CLEAR_BY_DESIGN:
        return []
    found: list[str] = []
    _walk(body, "$", found, sent)
    return found


def _walk(value: JsonValue, where: str, found: list[str], sent: str) -> None:
    if isinstance(value, dict):
        if value.get("masked") is False:
            found.append(f"{where}: unmasked customer data (masked: false) with no verified call")
        if value.get("masked") is True:
            for i, phone in enumerate(value.get("phones") or []):
                number = phone.get("number") if isinstance(phone, dict) else phone
                if not _masked_number(number):
                    found.append(f"{where}.phones[{i}]: {number!r} not masked")
            if value.get("id_number") and "*" not in str(value["id_number"]):
                found.append(f"{where}.id_number not masked")
            for key in ("aum", "birth_date"):
                if value.get(key) is not None:
                    found.append(f"{where}.{key} given while masked")
        for key, item in value.items():
            _walk(item, f"{where}.{key}", found, sent)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]", found, sent)
    elif isinstance(value, str):
        for pattern, what in ((MOBILE, "mobile number"), (ID_NUMBER, "id number")):
            for match in pattern.finditer(value):
                if match.group() not in sent:
                    found.append(f"{where}: a {what} in clear: {match.group()[:3]}…")
