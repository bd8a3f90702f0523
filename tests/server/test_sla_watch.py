"""Ticket SLA breaches escalate as they happen: priority up once, flagged, logged, supervisors told."""

from __future__ import annotations

from sqlalchemy import select

from console.server import keys
from console.store.models import Ticket, TicketEvent
from tests.server.conftest import bearer, login


async def test_a_ticket_past_its_sla_is_escalated_once_and_supervisors_are_told(
        client, seed, seeded_engine, frozen_clock) -> None:
    sla = client.app[keys.SLA_WATCH]
    sup, agent = await login(client, "sup1"), await login(client, "agent1")
    async with client.ws_connect("/ws", headers=bearer(sup)) as ws_sup, \
            client.ws_connect("/ws", headers=bearer(agent)) as ws_agent:
        await ws_sup.receive_json(timeout=5)
        await ws_agent.receive_json(timeout=5)
        frozen_clock.advance(hours=3, minutes=59)
        assert await sla.check() == 0  # the open complaint is due at 06:00; it is 05:59
        frozen_clock.advance(minutes=2)
        assert await sla.check() == 1
        frame = await ws_sup.receive_json(timeout=5)
        assert frame["kind"] == "ticket_escalated"
        ticket = frame["ticket"]
        assert (ticket["id"], ticket["was"], ticket["priority"], ticket["customer_name"]) == (
            seed.open_ticket, "high", "urgent", "赵敏")
        frozen_clock.advance(minutes=5)
        assert await sla.check() == 0  # once per ticket
        assert client.app[keys.HUB].last_seq(seed.staff["agent1"]) <= 1  # not assigned to agent1: not told
    with seeded_engine.connect() as conn:
        row = conn.execute(select(Ticket).where(Ticket.id == seed.open_ticket)).one()
        columns = (TicketEvent.kind, TicketEvent.from_value, TicketEvent.to_value, TicketEvent.actor_id)
        events = conn.execute(select(*columns)
                              .where(TicketEvent.ticket_id == seed.open_ticket).order_by(TicketEvent.id)).all()
    assert (row.priority, row.supervisor_attention, row.version) == ("urgent", True, 2)
    assert [(e.kind, e.to_value, e.actor_id) for e in events] == [("escalated", "urgent", None),
                                                                    ("priority", "urgent", None)]
