"""The WebSocket close codes of calldesk's own (4000-4999), shared by the server and its clients.

They follow HTTP where one fits (4401 after 401, 4408 after 408) so that a log reader can guess
them; docs/API.md lists them. Codes below 4000 are the protocol's own (1001 going away, 1013 try
again later).
"""

from __future__ import annotations

AUTH_MALFORMED = 4400
"""The first message of a connection without an Authorization header was not
``{"kind": "auth", "token": "..."}``."""
SIGNED_OUT = 4401
"""The session ended for good (the account was disabled, its tokens revoked): log in again."""
TOKEN_REFUSED = 4403
"""The token of the first message is unknown or expired: log in again and reconnect."""
AUTH_TIMEOUT = 4408
"""No Authorization header and no auth message within the server's auth timeout."""
