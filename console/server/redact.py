"""What a log line may show of a request's query string. Pure.

A query string can carry a secret (a token a client put in a URL by mistake) or personal data (a
customer search's ``q``), so only the values of parameters known to be harmless are written; every
other value becomes ``***``, and a name that is not a plain short identifier (a bare token sent as
``?eyJ…``) is masked too. The names stay, so the log still shows that a client sent one.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote

SHOWN_PARAMS = frozenset({
    "since", "limit", "offset", "status", "by", "interval", "due", "owner", "role", "active",
    "attention", "from", "to", "queue", "category", "product_risk", "assignee",
})
"""Parameters whose values are neither secrets nor personal data."""
MASK = "***"
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,31}")


def redact_query(query_string: str) -> str:
    """The query string with every value not in :data:`SHOWN_PARAMS` replaced by ``***``."""
    if not query_string:
        return ""
    parts = []
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        shown_name = name if _PLAIN_NAME.fullmatch(name) else MASK
        shown = quote(value, safe=",") if name in SHOWN_PARAMS else MASK
        parts.append(f"{quote(shown_name, safe='*')}={shown}")
    return "&".join(parts)


def loggable_target(path: str, query_string: str) -> str:
    """``path?query`` as an access log may write it."""
    query = redact_query(query_string)
    return f"{path}?{query}" if query else path
