"""Numbers in the frames of a call whose number the agent must not see in clear.

A call's number is hidden when it came from the store rather than from the PBX's caller id: a
customer dialled by id (``POST /api/calls/originate {customer_id}``) or a campaign's lead
(console/server/callstate.py ``hide_number``). Every frame about such a call then shows the
number masked (``138****8000``, console.crm.masking): the event's ``caller`` or ``number``, the
pop's ``number``, any channel variable holding a number (the dialer's ``CALLDESK_NUMBER``), and
the number wherever else it appears in a text (a recording's file name made from the caller id).
Pure functions over the frames' JSON.
"""

from __future__ import annotations

from typing import Any

from console.crm.masking import mask_phone, national_digits
from console.crm.phones import normalize

_NUMBER_FIELDS = ("caller", "number")


def _looks_like_number(value: Any) -> bool:
    text = str(value or "").strip().lstrip("+")
    return len(text) >= 7 and text.isdigit()


def _e164(number: str) -> str:
    phone = normalize(number)
    return phone.e164 if phone.valid and phone.e164 else number.strip()


def _forms(number: str) -> list[str]:
    """The ways a number is written in a text, longest first: +8613812348000, 8613812348000,
    13812348000 (and 02162345678, 2162345678 for a landline), and as it was given."""
    e164 = _e164(number)
    national = national_digits(e164)
    forms = {number.strip(), e164, e164.lstrip("+"), national, national.lstrip("0")}
    return sorted((f for f in forms if len(f) >= 7), key=len, reverse=True)


def _mask(number: str) -> str:
    return mask_phone(_e164(number))


def _scrub(value: Any, forms: list[str], masked: str) -> Any:
    if isinstance(value, str):
        for form in forms:
            value = value.replace(form, masked)
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, forms, masked) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, forms, masked) for v in value]
    return value


def masked_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a domain event's JSON with its numbers masked."""
    out = dict(event)
    for name in _NUMBER_FIELDS:
        number = str(out.get(name) or "")
        if _looks_like_number(number):
            out = _scrub(out, _forms(number), _mask(number))
    return out


def masked_pop(body: dict[str, Any]) -> dict[str, Any]:
    """A copy of a pop frame's body with the call's number masked (the customer summary is
    masked already by the pop's own rule)."""
    out = dict(body)
    if isinstance(out.get("ringing"), dict):
        out["ringing"] = masked_event(out["ringing"])
    number = str(out.get("number") or "")
    if _looks_like_number(number):
        out = _scrub(out, _forms(number), _mask(number))
    return out
