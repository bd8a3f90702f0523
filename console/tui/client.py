"""The console's only way to the world: the HTTP API and WebSocket of `calldesk serve`.

A thin aiohttp wrapper that returns the typed models of :mod:`console.tui.models` and raises
:class:`ApiError` with the server's own (translated) message. It holds the token, and the
password when the agent typed one, so that it can log in again after the server restarts
(tokens do not survive a restart). Nothing in here knows about Textual.

aiohttp is imported on first use, not with this module: the console paints its first frame
before it touches the network (~200 ms of imports off the start-up path).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from console import ws_close
from console.i18n import t
from console.tui.models import (
    CenterConfig,
    Customer,
    FollowUp,
    Interaction,
    KbArticle,
    Login,
    Ticket,
    User,
)
from console.tui.tls import CaFileError, client_ssl_context, tls_failure

if TYPE_CHECKING:
    import aiohttp

M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """The server refused a request; ``message`` is the server's text for the agent."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


log = logging.getLogger(__name__)
SIGNED_OUT_CLOSE = ws_close.SIGNED_OUT
"""The server's WebSocket close code for a session that ended for good (account disabled)."""


class Client:
    def __init__(self, base_url: str | Sequence[str], *, token: str | None = None, timeout_s: float = 10,
                 ca_file: str | Path | None = None) -> None:
        """``base_url``: the server, or several in order of preference (the console moves to the
        next when the one in use stops answering: :meth:`fail_over`); ``ca_file``: the CA that
        signed an ``https://`` server's certificate (default: the system's trust store)."""
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise ValueError("no server address")
        self.base_urls = [url.rstrip("/") for url in urls]
        self.base_url = self.base_urls[0]
        self.ca_file = ca_file
        self.token = token
        self.user: User | None = None
        self._credentials: tuple[str, str] | None = None
        self._timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout_s),
                                                  connector=self._connector())
        return self._session

    def _connector(self) -> aiohttp.TCPConnector | None:
        """For an ``https://`` server, a connector that verifies it (``ca_file`` or the system's
        store); None for plain http (aiohttp's default)."""
        import aiohttp

        if not self.base_url.startswith("https:"):
            return None
        try:
            return aiohttp.TCPConnector(ssl=client_ssl_context(self.ca_file))
        except CaFileError as exc:
            raise ApiError(0, "tls", str(exc)) from None

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def fail_over(self, failed: str | None = None) -> bool:
        """Move to the next server of :attr:`base_urls` (after the last, the first again); False
        when there is no other. The token goes along: sessions are shared by the servers.
        ``failed``: the server that did not answer; when the client has moved on from it already
        (the stream and a request both found it down), it stays where it is."""
        if len(self.base_urls) < 2:
            return False
        if failed is not None and failed != self.base_url:
            return True
        at = self.base_urls.index(self.base_url) if self.base_url in self.base_urls else -1
        self.base_url = self.base_urls[(at + 1) % len(self.base_urls)]
        if self._session is not None:  # its connector may be for the other scheme
            await self._session.close()
            self._session = None
        log.info("moving to server %s", self.base_url)
        return True

    # --- plumbing -------------------------------------------------------------------------
    async def request(self, method: str, path: str, *, json_body: Any = None,
                      params: dict[str, Any] | None = None, data: bytes | None = None,
                      content_type: str | None = None, _retry: bool = True) -> Any:
        """``json_body`` is sent as JSON; ``data`` as it is, with ``content_type`` (a CSV upload)."""
        import aiohttp

        headers = self._auth_headers()
        if content_type:
            headers["Content-Type"] = content_type
        clean = {k: str(v) for k, v in (params or {}).items() if v not in (None, "")}
        for tries_left in range(len(self.base_urls) - 1, -1, -1):
            url = self.base_url
            try:
                async with self.session.request(method, url + path, json=json_body, data=data,
                                                params=clean, headers=headers) as resp:
                    body = await resp.json(content_type=None) if resp.content_length != 0 else None
                    status = resp.status
                break
            except aiohttp.ClientSSLError as exc:  # before ClientError: it is one, with a reason to give
                raise ApiError(0, "tls", tls_failure(exc)) from exc
            except aiohttp.ClientConnectorError as exc:
                # Not connected, so nothing was sent: any request may go to the next server as it is.
                if tries_left and await self.fail_over(url):
                    continue
                raise ApiError(0, "unreachable", str(exc) or type(exc).__name__) from exc
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                raise ApiError(0, "unreachable", str(exc) or type(exc).__name__) from exc
        if status == 401 and _retry and self._credentials and path != "/api/login":
            await self.login(*self._credentials)
            return await self.request(method, path, json_body=json_body, params=params, data=data,
                                      content_type=content_type, _retry=False)
        if status >= 400:
            err = (body or {}).get("error", {}) if isinstance(body, dict) else {}
            raise ApiError(status, err.get("code", "error"), err.get("message", f"HTTP {status}"),
                           err.get("field"))
        return body

    async def download(self, path: str, dest: Any, chunk: int = 1 << 16) -> int:
        """Stream a file the server serves (a call's recording) into ``dest`` (a binary file
        object); the number of bytes written. Errors as :meth:`request`'s."""
        import aiohttp

        headers = self._auth_headers()
        written = 0
        try:
            async with self.session.get(self.base_url + path, headers=headers) as resp:
                if resp.status >= 400:
                    body = await resp.json(content_type=None) if resp.content_length != 0 else None
                    err = (body or {}).get("error", {}) if isinstance(body, dict) else {}
                    raise ApiError(resp.status, err.get("code", "error"), err.get("message", f"HTTP {resp.status}"),
                                   err.get("field"))
                async for block in resp.content.iter_chunked(chunk):
                    dest.write(block)
                    written += len(block)
        except aiohttp.ClientSSLError as exc:
            raise ApiError(0, "tls", tls_failure(exc)) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise ApiError(0, "unreachable", str(exc) or type(exc).__name__) from exc
        return written

    async def get_as(self, model: type[M], path: str, **params: Any) -> M:
        return model.model_validate(await self.request("GET", path, params=params))

    async def list_of(self, model: type[M], path: str, **params: Any) -> list[M]:
        body = await self.request("GET", path, params=params)
        if isinstance(body, dict):  # {"items": [...]} or {"<name>": [...]}: take the one list
            body = next((v for v in body.values() if isinstance(v, list)), [])
        return [model.model_validate(item) for item in body or []]

    # --- session --------------------------------------------------------------------------
    async def login(self, username: str, password: str) -> Login:
        body = await self.request("POST", "/api/login",
                                  json_body={"username": username, "password": password})
        login = Login.model_validate(body)
        self.token, self.user = login.token, login.user
        self._credentials = (username, password)
        return login

    async def me(self) -> dict[str, Any]:
        body = await self.request("GET", "/api/me")
        self.user = User.model_validate(body.get("user", body))
        return body

    async def config(self) -> CenterConfig:
        return await self.get_as(CenterConfig, "/api/config")

    # --- customers ------------------------------------------------------------------------
    async def search(self, q: str, limit: int = 20) -> list[Customer]:
        return await self.list_of(Customer, "/api/customers", q=q, limit=limit)

    async def customer(self, customer_id: int | str, call: str | None = None) -> Customer:
        return await self.get_as(Customer, f"/api/customers/{customer_id}", call=call)

    async def verify(self, customer_id: int | str, call: str, answers: list[dict[str, str]],
                     method: str = "questions") -> Customer:
        body = await self.request("POST", f"/api/customers/{customer_id}/verify",
                                  json_body={"call": call, "method": method, "answers": answers})
        return Customer.model_validate(body.get("customer", body))

    async def my_customers(self) -> dict[str, Any]:
        """The customers I am the account manager of, the most at risk first."""
        return await self.request("GET", "/api/customers/mine")

    async def interactions(self, customer_id: int | str, limit: int = 20) -> list[Interaction]:
        return await self.list_of(Interaction, f"/api/customers/{customer_id}/interactions", limit=limit)

    # --- tickets --------------------------------------------------------------------------
    async def tickets(self, **filters: Any) -> list[Ticket]:
        return await self.list_of(Ticket, "/api/tickets", **filters)

    async def ticket(self, ticket_id: int | str) -> Ticket:
        return await self.get_as(Ticket, f"/api/tickets/{ticket_id}")

    async def create_ticket(self, **fields: Any) -> Ticket:
        body = {k: v for k, v in fields.items() if v not in (None, "")}
        return Ticket.model_validate(await self.request("POST", "/api/tickets", json_body=body))

    async def ticket_defaults(self, customer_id: int | str, category: str) -> dict[str, Any]:
        """``{priority, sla_due_at, supervisor_attention}`` a new ticket would get now."""
        return await self.request("GET", "/api/tickets/defaults",
                                  params={"customer_id": customer_id, "category": category})

    async def update_ticket(self, ticket_id: int | str, version: int, **changes: Any) -> Ticket:
        return Ticket.model_validate(await self.request(
            "PATCH", f"/api/tickets/{ticket_id}", json_body={"version": version, **changes}))

    async def comment(self, ticket_id: int | str, version: int, body: str) -> Ticket:
        return Ticket.model_validate(await self.request(
            "POST", f"/api/tickets/{ticket_id}/comments", json_body={"version": version, "body": body}))

    # --- follow-ups -----------------------------------------------------------------------
    async def followups(self, due: bool = True, owner: str = "me") -> list[FollowUp]:
        return await self.list_of(FollowUp, "/api/followups", due=int(due), owner=owner)

    async def create_followup(self, customer_id: int | str, when: str, owner: str, reason: str,
                              due_at: str | None = None) -> FollowUp:
        """``when``: in_1h | tomorrow_10 (the server's clock decides) | at (with ``due_at``)."""
        body = {"customer_id": customer_id, "when": when, "owner": owner, "reason": reason}
        if due_at is not None:
            body["due_at"] = due_at
        return FollowUp.model_validate(await self.request("POST", "/api/followups", json_body=body))

    async def complete_followup(self, followup_id: int | str, result: str) -> Any:
        return await self.request("POST", f"/api/followups/{followup_id}/complete", json_body={"result": result})

    # --- calls and agent state ------------------------------------------------------------
    async def wrapup(self, call: str, disposition: str, notes: str) -> Any:
        return await self.request("POST", f"/api/interactions/{call}/wrapup",
                                  json_body={"disposition": disposition, "notes": notes})

    async def originate(self, number: str, customer_id: int | str | None = None) -> Any:
        return await self.request("POST", "/api/calls/originate",
                                  json_body={"number": number, "customer_id": customer_id})

    async def hangup(self, call: str) -> Any:
        return await self.request("POST", f"/api/calls/{call}/hangup")

    async def transfer(self, call: str, to: str, kind: str) -> Any:
        return await self.request("POST", f"/api/calls/{call}/transfer", json_body={"to": to, "kind": kind})

    async def answer(self, call: str) -> Any:
        return await self.request("POST", f"/api/calls/{call}/answer")

    async def pause(self, paused: bool, reason: str | None = None) -> Any:
        return await self.request("POST", "/api/agent/pause", json_body={"paused": paused, "reason": reason})

    async def queue_member(self, queue: str, member: bool) -> Any:
        return await self.request("POST", "/api/agent/queues", json_body={"queue": queue, "member": member})

    async def dial_lead(self, campaign_id: int, lead_id: int) -> Any:
        """Dial a lead a preview campaign offered me (409 if it is no longer mine to dial)."""
        return await self.request("POST", f"/api/campaigns/{campaign_id}/leads/{lead_id}/dial")

    async def skip_lead(self, campaign_id: int, lead_id: int) -> Any:
        return await self.request("POST", f"/api/campaigns/{campaign_id}/leads/{lead_id}/skip")

    # --- knowledge base -------------------------------------------------------------------
    async def kb_search(self, q: str = "", category: str | None = None,
                        flags: list[str] | None = None) -> list[KbArticle]:
        return await self.list_of(KbArticle, "/api/kb", q=q, category=category, flags=",".join(flags or []))

    async def kb_article(self, slug: str) -> KbArticle:
        return await self.get_as(KbArticle, f"/api/kb/{slug}")

    # --- the event stream -----------------------------------------------------------------
    async def frames(self, since: int | None = None, epoch: str | None = None) -> AsyncIterator[dict[str, Any]]:
        """One WebSocket connection's frames; ends when the connection closes.

        Reconnecting is the caller's loop (see :mod:`console.tui.stream`), which keeps ``since``
        and the ``epoch`` of the server that numbered it (its ``hello`` says it): another server,
        or the same one restarted, answers ``resync`` rather than frames of its own numbering.
        """
        import aiohttp

        # The token goes in the Authorization header, never the URL (the server refuses that).
        params = {"since": str(since)} if since is not None else {}
        if since is not None and epoch:
            params["epoch"] = epoch
        url = self.base_url.replace("http", "ws", 1) + "/ws"
        try:
            ws = await self.session.ws_connect(url, params=params, headers=self._auth_headers(), heartbeat=15,
                                               timeout=aiohttp.ClientWSTimeout(ws_close=5))
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 401 and self._credentials:
                await self.login(*self._credentials)
                ws = await self.session.ws_connect(url, params=params, headers=self._auth_headers(), heartbeat=15,
                                                   timeout=aiohttp.ClientWSTimeout(ws_close=5))
            else:
                raise
        except aiohttp.ClientSSLError as exc:
            raise ApiError(0, "tls", tls_failure(exc)) from exc
        reason = ""
        async with ws:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    yield json.loads(msg.data)
                elif msg.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                    reason = msg.extra if isinstance(msg.extra, str) else ""
                    break
        if ws.close_code == SIGNED_OUT_CLOSE:  # an admin disabled the account: no reconnecting
            raise ApiError(401, "signed_out", reason or "account disabled")
        if ws.close_code == ws_close.TOKEN_REFUSED:
            if not self._credentials:
                raise ApiError(401, "signed_out", t("transport.ws.closed_4403"))
            await self.login(*self._credentials)  # the caller's loop reconnects with the new token
        elif ws.close_code in (ws_close.AUTH_MALFORMED, ws_close.AUTH_TIMEOUT):
            raise ApiError(0, "ws_auth", t(f"transport.ws.closed_{ws.close_code}"))
