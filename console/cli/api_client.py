"""The command line's client of `calldesk serve`: the supervisor app's, plus what only a shell does.

A shell sends whole files and waits for the server to work through them, so the client allows a
long wait for the answer (``read_timeout_s``) while a server that does not answer the connection
still fails fast. Files are streamed from disk, never read into memory first; a text answer (a CSV
export) is returned as text, errors as the same :class:`ApiError` as every other route.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.tui.client import ApiError
from console.tui.supervisor.client import SupervisorClient

if TYPE_CHECKING:
    import aiohttp

CONNECT_TIMEOUT_S = 10.0


class CliClient(SupervisorClient):
    def __init__(self, base_url: str, *, token: str | None = None, read_timeout_s: float = 600) -> None:
        super().__init__(base_url, token=token, timeout_s=read_timeout_s)
        self._read_timeout_s = read_timeout_s

    @property
    def session(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT_S, sock_read=self._read_timeout_s)
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    async def import_customers(self, path: Path) -> dict[str, Any]:
        """Upload the CSV file as it is (streamed): ``{rows, inserted, updated, refused, errors, …}``.
        ``Expect: 100-continue``: a server that refuses the file (its size, the user) says so before
        a byte of it is sent."""
        import json

        with path.open("rb") as body:
            text = await self._call("POST", "/api/customers/import", params={"file": path.name}, data=body,
                                    headers={"Content-Type": "text/csv; charset=utf-8"}, expect100=True)
        return json.loads(text)

    async def report_csv(self, params: dict[str, Any]) -> str:
        """``GET /api/supervisor/report?format=csv``: the CSV text as the server wrote it."""
        return await self._call("GET", "/api/supervisor/report", params={**params, "format": "csv"})

    async def _call(self, method: str, path: str, *, params: dict[str, Any], headers: dict[str, str] | None = None,
                    **options: Any) -> str:
        """The answer's text; a refusal as the :class:`ApiError` the server's JSON error describes."""
        import json

        import aiohttp

        clean = {k: str(v) for k, v in params.items() if v not in (None, "")}
        sent = {**(headers or {}), **({"Authorization": f"Bearer {self.token}"} if self.token else {})}
        try:
            async with self.session.request(method, self.base_url + path, params=clean, headers=sent,
                                            **options) as resp:
                text = await resp.text(encoding="utf-8")
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise ApiError(0, "unreachable", str(exc) or type(exc).__name__) from exc
        if status < 400:
            return text
        try:
            err = json.loads(text).get("error", {})
        except (ValueError, AttributeError):
            err = {}
        raise ApiError(status, err.get("code", "error"), err.get("message", f"HTTP {status}"), err.get("field"))
