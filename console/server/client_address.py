"""The address of the client that sent a request, as throttling and the audit name it.

One function, so that it is swapped in one place: behind a trusted reverse proxy the address
comes from its forwarding header, believed only from ``[server] trusted_proxies``
(console/server/forwarded.py, which the access log uses too), not from the socket.
"""

from __future__ import annotations

from console.server.forwarded import client_address

__all__ = ["client_address"]
