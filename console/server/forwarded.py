"""Who the client is, when a reverse proxy may stand in between.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the addresses of
``[server] trusted_proxies``: from anyone else they are ignored (a client could write anything
there). The address is what the access log writes and what login throttling counts:
:func:`client_address` is the one helper for it.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def is_trusted(address: str | None, trusted: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in trusted)


def forwarded_client(peer: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The client's address: the connection's ``peer``, unless the peer is a trusted proxy; then
    the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy (each proxy
    appends the address it saw; entries left of an untrusted one may be forged). Pure."""
    if not forwarded_for or not is_trusted(peer, trusted):
        return peer
    hop = peer
    for entry in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return hop  # garbage: the last hop we can vouch for is the client as far as we know
        hop = entry
        if not is_trusted(entry, trusted):
            return entry
    return hop


def _trusted(request: web.BaseRequest) -> tuple[Network, ...]:
    from console.server import keys

    try:
        settings = request.app[keys.SETTINGS]  # type: ignore[attr-defined]  # a Request has one, a BaseRequest not
    except (AttributeError, KeyError, RuntimeError):
        return ()
    return trusted_networks(tuple(settings.server.trusted_proxies))


def client_address(request: web.BaseRequest) -> str:
    """The address of the client behind this request (a trusted proxy's X-Forwarded-For, else
    the peer); ``"unknown"`` when the transport has none."""
    peer = request.remote or "unknown"
    return forwarded_client(peer, request.headers.get("X-Forwarded-For"), _trusted(request))


def client_scheme(request: web.BaseRequest) -> str:
    """``https`` or ``http`` as the client used it (a trusted proxy's X-Forwarded-Proto)."""
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    if proto in ("http", "https") and is_trusted(request.remote, _trusted(request)):
        return proto
    return request.scheme
