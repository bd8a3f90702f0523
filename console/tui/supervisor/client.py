"""The supervisor routes of `calldesk serve` (docs/API.md), on top of the agent console's client."""

from __future__ import annotations

import asyncio
from typing import Any

from console.tui.client import Client
from console.tui.models import KbArticle


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

    # --- QA reviews (docs/API.md) -----------------------------------------------------------
    async def qa_form(self) -> dict[str, Any]:
        return await self.request("GET", "/api/qa/form")

    async def qa_calls(self, day: str, agent: str | None = None) -> list[dict[str, Any]]:
        return list((await self.request("GET", "/api/qa/calls", params={"day": day, "agent": agent}))["calls"])

    async def call_trail(self, interaction_id: int) -> list[dict[str, Any]]:
        return list((await self.request("GET", f"/api/interactions/{interaction_id}/trail"))["trail"])

    async def review_call(self, interaction_id: int, marks: dict[str, str], comment: str) -> dict[str, Any]:
        return await self.request("POST", f"/api/interactions/{interaction_id}/qa",
                                  json_body={"marks": marks, "comment": comment})

    # --- campaigns (docs/API.md "Campaigns") -----------------------------------------------
    async def campaigns(self) -> list[dict[str, Any]]:
        return list((await self.request("GET", "/api/campaigns") or {}).get("campaigns", []))

    async def campaign_stats(self, campaign_id: int) -> dict[str, Any]:
        return await self.request("GET", f"/api/campaigns/{campaign_id}/stats")

    async def create_campaign(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A new draft campaign; fields left out take the server's defaults."""
        return await self.request("POST", "/api/campaigns", json_body=fields)

    async def edit_campaign(self, campaign_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Only the fields in ``changes`` are written; the others stay as they are."""
        return await self.request("PATCH", f"/api/campaigns/{campaign_id}", json_body=changes)

    async def move_campaign(self, campaign_id: int, action: str) -> dict[str, Any]:
        """``start`` / ``pause`` / ``stop``."""
        return await self.request("POST", f"/api/campaigns/{campaign_id}/{action}")

    async def add_leads_by_filter(self, campaign_id: int, risk_expiring_days: int | None,
                                  tiers: list[str], branch: str | None) -> dict[str, Any]:
        """``{matched, added, excluded: {reason: n}, duplicates}``."""
        return await self.request("POST", f"/api/campaigns/{campaign_id}/leads/filter", json_body={
            "risk_expiring_days": risk_expiring_days, "tiers": tiers, "branch": branch})

    async def import_leads(self, campaign_id: int, csv_text: str) -> dict[str, Any]:
        """A CSV file's text; ``{rows, added, excluded, duplicates, errors: [{line, reason}]}``."""
        return await self.request("POST", f"/api/campaigns/{campaign_id}/leads/import",
                                  data=csv_text.encode("utf-8"), content_type="text/csv; charset=utf-8")

    # --- staff administration (admin; docs/API.md "Staff administration") -------------------
    async def staff(self, role: str | None = None, active: bool | None = None) -> list[dict[str, Any]]:
        flag = None if active is None else int(active)
        return list((await self.request("GET", "/api/staff", params={"role": role, "active": flag}) or {})
                    .get("staff", []))

    async def staff_member(self, staff_id: int) -> dict[str, Any]:
        return await self.request("GET", f"/api/staff/{staff_id}")

    async def create_staff(self, fields: dict[str, Any]) -> dict[str, Any]:
        return await self.request("POST", "/api/staff", json_body=fields)

    async def edit_staff(self, staff_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Only the fields in ``changes``; ``{"active": False}`` disables the account."""
        return await self.request("PATCH", f"/api/staff/{staff_id}", json_body=changes)

    async def set_staff_password(self, staff_id: int, password: str) -> dict[str, Any]:
        return await self.request("POST", f"/api/staff/{staff_id}/password", json_body={"password": password})

    async def unlock_staff(self, username: str) -> dict[str, Any]:
        """Lift a lockout after failed log-ins (supervisor and up): ``{id, username, was_locked}``."""
        return await self.request("POST", "/api/staff/unlock", json_body={"username": username})

    async def import_staff(self, data: bytes) -> dict[str, Any]:
        """A CSV file's bytes as they are (the server reports a line that is not UTF-8 by its number):
        ``{rows, added, updated, unchanged, errors: [{line, reason}]}``."""
        return await self.request("POST", "/api/staff/import", data=data, content_type="text/csv; charset=utf-8")

    async def manager_customers(self, staff_id: int, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        return await self.request("GET", f"/api/staff/{staff_id}/customers", params={"limit": limit, "offset": offset})

    async def transfer_customers(self, staff_id: int, to_manager: int) -> dict[str, Any]:
        return await self.request("POST", f"/api/staff/{staff_id}/customers/transfer",
                                  json_body={"to_manager": to_manager})

    async def queue_names(self) -> list[str]:
        """The queues this supervisor runs: the configured ones the board has, and the staff record's."""
        names = {str(q.get("queue")) for q in await self.queue_board() if q.get("queue")}
        return sorted(names | set(self.user.queues if self.user else ()))

    async def kb_articles(self) -> list[KbArticle]:
        """Every knowledge-base article, once: the API has no list route, but every article has a
        category (the ticket categories of /api/config). Compliance scripts first, then by slug."""
        categories = [str(c.get("id") if isinstance(c, dict) else c) for c in (await self.config()).ticket_categories]
        found = await asyncio.gather(*(self.list_of(KbArticle, "/api/kb", category=c, limit=100)
                                       for c in categories))
        unique = {a.slug: a for hits in found for a in hits}
        return sorted(unique.values(), key=lambda a: (a.kind != "compliance-script", a.slug))
