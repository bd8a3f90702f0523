"""Errors of the CRM rules and repositories, independent of HTTP.

A :class:`CrmError` names an API error code (docs/API.md: ``invalid``, ``not_found``,
``conflict``, ``forbidden``, ``bad_request``), a message key of the translation layer
(``console/i18n/crm.py``) with its parameters, and the offending field for validation errors.
The server turns it into a JSON error; the CRM layer never imports aiohttp.
"""

from __future__ import annotations

from typing import Any


class CrmError(Exception):
    def __init__(self, code: str, key: str, field: str | None = None, **params: Any) -> None:
        super().__init__(f"{code}: {key} {params}")
        self.code = code
        self.key = key
        self.field = field
        self.params = params

    def message(self) -> str:
        from console.i18n import t

        return t(self.key, **self.params)
