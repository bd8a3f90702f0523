"""The address of the client that sent a request, as throttling and the audit name it.

One function, so that it is swapped in one place: behind a trusted reverse proxy the address
comes from its forwarding header (console/server/forwarded.py), not from the socket.
"""

from __future__ import annotations

from aiohttp import web


def client_address(request: web.Request) -> str:
    """The peer's address (``request.remote``); ``unknown`` when the transport has none."""
    return request.remote or "unknown"
