"""PII masking of customer summaries: phones, id numbers, AUM.

Policy (least privilege; docs/API.md, "PII masking"): a profile is masked for EVERY role —
agent, supervisor, manager, admin — unless the caller has been verified on the call in whose
context it is viewed (IVR verification or the agent's verification questions). The role
alone never unmasks: a supervisor browsing profiles has no more need for a full id number
than an agent does, and a leaked supervisor token must not be a bulk PII export. A
supervisor who joins a call (barge, take-over) views the profile with that call and
sees what the agent sees. Dialling a customer never needs the number in clear: click-to-call
takes the customer id and the server dials.

What masking shows: phones keep the first 3 and last 4 digits of the national number
(``138****8000``), id numbers the first 4 and last 4 (``3101**********123X``), AUM only as
its band (``50万–200万``), and the date of birth not at all (it answers a verification question).
Everything else in the summary is needed to serve an unverified
caller (name, tier, risk level, flags) and stays.
"""

from __future__ import annotations

from typing import Any

_MASK = "*"


def _mask_middle(text: str, keep_head: int, keep_tail: int) -> str:
    # Too short to keep both ends and still hide something: hide all but the tail.
    if len(text) <= keep_head + keep_tail:
        tail = min(keep_tail, len(text) // 3)
        return _MASK * (len(text) - tail) + (text[-tail:] if tail else "")
    return text[:keep_head] + _MASK * (len(text) - keep_head - keep_tail) + text[-keep_tail:]


def national_digits(e164: str) -> str:
    """The number as a Chinese caller would write it: +8613812348000 -> 13812348000,
    +862162345678 -> 02162345678 (trunk 0 restored for landlines); other countries keep 00cc."""
    digits = "".join(ch for ch in e164 if ch.isdigit())
    if not e164.startswith("+"):
        return digits
    if digits.startswith("86"):
        national = digits[2:]
        return national if national.startswith("1") else "0" + national
    return "00" + digits


def mask_phone(number: str) -> str:
    """``+8613812348000`` -> ``138****8000``; short service numbers (95555) are public and stay."""
    national = national_digits(number)
    if len(national) <= 6:
        return national
    return _mask_middle(national, 3, 4)


def mask_id_number(id_number: str) -> str:
    """``310101199001011234`` -> ``3101**********1234`` (first 4, last 4)."""
    cleaned = (id_number or "").strip().upper()
    if not cleaned:
        return ""
    return _mask_middle(cleaned, 4, 4)


def mask_customer(summary: dict[str, Any], verified: bool, role: str | None = None) -> dict[str, Any]:
    """A copy of a customer summary fit for this viewer (see the module doc for the policy).

    ``summary`` is the unmasked form built by :func:`console.crm.customers.summary_of`
    (``phones`` as ``{"number": E.164, "kind": …}`` dicts or E.164 strings, ``id_number`` in full, ``aum`` as a
    string). The result always carries ``masked: bool``. ``role`` is accepted so callers pass
    what they know, and deliberately not used to unmask.
    """
    del role  # Least privilege: roles never unmask on their own (module doc).
    out = dict(summary)
    out["masked"] = not verified
    if verified:
        return out
    out["phones"] = [_mask_phone_entry(p) for p in summary.get("phones", [])]
    out["id_number"] = mask_id_number(summary.get("id_number") or "")
    out["aum"] = None
    if "birth_date" in out:
        # A verification question's answer (console/crm/verification.py): never before verification.
        out["birth_date"] = None
    return out


def _mask_phone_entry(entry: Any) -> Any:
    if isinstance(entry, dict):
        masked = dict(entry)
        masked["number"] = mask_phone(entry.get("number", ""))
        return masked
    return mask_phone(str(entry))
