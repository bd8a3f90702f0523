"""One HTTP route as declared: how it is mounted, who may call it, what goes in and out.

Types only, so that console/server/keys.py can name them without importing the router's code.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web
from pydantic import BaseModel

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Method = Literal["GET", "POST", "PATCH", "PUT", "DELETE"]
Access = Literal["public", "loopback", "agent", "qa", "supervisor", "manager", "admin"]
"""Who may call: nobody logged in (``public``), a client on the server's host (``loopback``), or
the least role of a logged-in user (console.store.models.ROLES)."""

_PARAM = re.compile(r"\{(\w+)(?::([^{}]+))?\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One HTTP route: how it is mounted, who may call it and what goes in and out."""

    method: Method
    path: str
    """The aiohttp path; ``{name}`` and ``{name:a|b}`` parameters (an alternation is an enum)."""
    handler: Handler
    summary: str
    access: Access = "agent"
    body: type[BaseModel] | None = None
    """The JSON request body's model (the one the handler gives ``read_body``)."""
    body_media: str | None = None
    """A request body that is not JSON: its media type (``text/csv``), sent as a string."""
    query: type[BaseModel] | None = None
    """The query parameters, one field each."""
    path_params: Mapping[str, type] = field(default_factory=dict)
    """Types of the path parameters other than ``str`` (``{"id": int}``: a row id)."""
    response: type[BaseModel] | None = None
    """The success body's model; None with ``response_media``: not JSON."""
    status: int = 200
    also: tuple[int, ...] = ()
    """Other success statuses, with the same body."""
    response_media: str = "application/json"
    other_media: tuple[str, ...] = ()
    """Other forms of the success body, as text (``text/csv``: the report's ``format=csv``)."""
    errors: tuple[int, ...] = ()
    """Error statuses besides the ones every route of its kind has (see openapi_document)."""
    expect_handler: Callable[[web.Request], Awaitable[web.StreamResponse | None]] | None = None
    """Judges ``Expect: 100-continue`` before the body is sent (aiohttp's ``expect_handler``)."""
    websocket: bool = False
    """Upgrades to a WebSocket (documented, not fuzzed)."""
    tag: str = ""

    @property
    def openapi_path(self) -> str:
        """``/api/x/{id}/{action:dial|skip}`` -> ``/api/x/{id}/{action}``."""
        return _PARAM.sub(lambda m: "{" + m.group(1) + "}", self.path)

    def path_choices(self) -> dict[str, list[str]]:
        """Path parameters restricted by a plain alternation: name -> the choices."""
        return {m.group(1): m.group(2).split("|") for m in _PARAM.finditer(self.path)
                if m.group(2) and re.fullmatch(r"[\w-]+(\|[\w-]+)*", m.group(2))}

    def path_names(self) -> list[str]:
        return [m.group(1) for m in _PARAM.finditer(self.path)]
