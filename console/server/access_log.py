"""The server's access log: one line per request, never a secret.

aiohttp's default format writes the request line with its query string and the Referer; ours
writes the client (console/server/forwarded.py: a trusted proxy's X-Forwarded-For, else the
peer), the scheme the client used (a trusted proxy's X-Forwarded-Proto, else ours), the method,
the path with its query redacted (console/server/redact.py), the status, the response size and
the time taken. Headers are never written: the Authorization header stays out.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from console.server.forwarded import client_address, client_scheme
from console.server.redact import loggable_target


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        size = response.body_length
        self.logger.info("%s %s %s %s %s %s %.1fms", client_address(request), client_scheme(request), request.method,
                         loggable_target(request.path, request.query_string), response.status,
                         size if size is not None else "-", time * 1000)
