"""The supervisor routes of `calldesk serve` (docs/API.md), on top of the agent console's client."""

from __future__ import annotations

from typing import Any

from console.tui.client import Client


class SupervisorClient(Client):
    async def queue_board(self) -> list[dict[str, Any]]:
        """The latest ``queue_stats`` of each queue this supervisor runs."""
        return list((await self.request("GET", "/api/supervisor/queues") or {}).get("queues", []))

    async def agent_board(self) -> list[dict[str, Any]]:
        return list((await self.request("GET", "/api/supervisor/agents") or {}).get("agents", []))

    async def spy(self, agent: str, mode: str) -> Any:
        """Listen, whisper or barge: the server rings this supervisor's phone into ChanSpy."""
        return await self.request("POST", "/api/supervisor/spy", json_body={"agent": agent, "mode": mode})

    async def pause_agent(self, agent: str, paused: bool = True, reason: str | None = "supervisor") -> Any:
        return await self.request("POST", f"/api/supervisor/agents/{agent}/pause",
                                  json_body={"paused": paused, "reason": reason if paused else None})

    async def logout_agent(self, agent: str) -> Any:
        return await self.request("POST", f"/api/supervisor/agents/{agent}/logout")

    async def report(self, first: str, last: str, by: str, interval: str = "15m",
                     queue: str | None = None) -> dict[str, Any]:
        return await self.request("GET", "/api/supervisor/report", params={
            "from": first, "to": last, "by": by, "interval": interval, "queue": queue})
