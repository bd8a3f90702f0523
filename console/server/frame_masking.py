"""Numbers in the frames of a call whose number the agent must not see in clear.

A call's number is hidden when it came from the store rather than from the PBX's caller id: a
customer dialled by id (``POST /api/calls/originate {customer_id}``) or a campaign's lead
(console/server/callstate.py ``hide_number``). Every frame about such a call then shows the
number masked (``138****8000``, console.crm.masking): the event's ``caller`` or ``number``, the
pop's ``number``, and any channel variable holding a number (the dialer's ``CALLDESK_NUMBER``).
Pure functions over the frames' JSON.
"""

from __future__ import annotations

from typing import Any

from console.crm.masking import mask_phone

_NUMBER_FIELDS = ("caller", "number")


def _looks_like_number(value: Any) -> bool:
    text = str(value or "").strip().lstrip("+")
    return len(text) >= 7 and text.isdigit()


def masked_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a domain event's JSON with its numbers masked."""
    out = dict(event)
    for name in _NUMBER_FIELDS:
        if _looks_like_number(out.get(name)):
            out[name] = mask_phone(str(out[name]))
    if isinstance(out.get("vars"), dict):
        out["vars"] = {k: mask_phone(str(v)) if _looks_like_number(v) else v for k, v in out["vars"].items()}
    return out


def masked_pop(body: dict[str, Any]) -> dict[str, Any]:
    """A copy of a pop frame's body with the call's number masked (the customer summary is
    masked already by the pop's own rule)."""
    out = dict(body)
    if _looks_like_number(out.get("number")):
        out["number"] = mask_phone(str(out["number"]))
    if isinstance(out.get("ringing"), dict):
        out["ringing"] = masked_event(out["ringing"])
    return out
