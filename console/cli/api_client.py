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
        """Upload the CSV file as it is (streamed): ``{rows, inserted, updated, refused, errors, …}``."""
        with path.open("rb") as body:
            return await self.request("POST", "/api/customers/import", data=body,  # type: ignore[arg-type]
                                      params={"file": path.name}, content_type="text/csv; charset=utf-8")

    async def report_csv(self, params: dict[str, Any]) -> str:
        """``GET /api/supervisor/report?format=csv``: the CSV text as the server wrote it."""
        import aiohttp

        clean = {k: str(v) for k, v in {**params, "format": "csv"}.items() if v not in (None, "")}
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            async with self.session.get(self.base_url + "/api/supervisor/report", params=clean,
                                        headers=headers) as resp:
                if resp.status < 400:
                    return await resp.text(encoding="utf-8")
                body = await resp.json(content_type=None)
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
            raise ApiError(0, "unreachable", str(exc) or type(exc).__name__) from exc
        err = body.get("error", {}) if isinstance(body, dict) else {}
        raise ApiError(status, err.get("code", "error"), err.get("message", f"HTTP {status}"), err.get("field"))
