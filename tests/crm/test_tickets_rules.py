import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.config import Settings
from console.config.models import TicketSettings
from console.crm.tickets import (
    CATEGORIES,
    STATUSES,
    TransitionError,
    allowed_next,
    bump,
    check_transition,
    default_priority,
    defaults_for,
    is_overdue,
    needs_supervisor,
    sla_due,
    ticket_number,
)
from console.i18n import has

UTC = dt.UTC
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
ALLOWED = {
    ("new", "open"), ("open", "pending"), ("pending", "open"), ("open", "resolved"),
    ("resolved", "closed"), ("resolved", "open"),
}


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(STATUSES, STATUSES)))
def test_workflow_allows_exactly_the_listed_moves(src, dst):
    if (src, dst) in ALLOWED:
        check_transition(src, dst)
    else:
        with pytest.raises(TransitionError) as info:
            check_transition(src, dst)
        assert has(info.value.key, "zh_CN") and has(info.value.key, "en")


@pytest.mark.parametrize("src", ["new", "open", "pending", "closed"])
def test_closing_needs_a_resolution_first(src):
    with pytest.raises(TransitionError) as info:
        check_transition(src, "closed")
    assert info.value.key in ("crm.ticket.close_unresolved", "crm.ticket.same_status")


def test_unknown_status_is_named():
    with pytest.raises(TransitionError) as info:
        check_transition("open", "done")
    assert info.value.key == "crm.ticket.unknown_status"


def test_allowed_next_in_workflow_order():
    assert allowed_next("resolved") == ("open", "closed")
    assert allowed_next("closed") == ()


def test_every_category_has_a_label_in_both_languages():
    for category in CATEGORIES:
        assert has(f"crm.category.{category}", "zh_CN") and has(f"crm.category.{category}", "en")


@pytest.mark.parametrize(
    ("category", "tier", "priority"),
    [
        ("complaint", "standard", "high"), ("complaint", "platinum", "urgent"), ("complaint", "diamond", "urgent"),
        ("trading", "standard", "normal"), ("trading", "gold", "normal"), ("trading", "platinum", "high"),
    ],
)
def test_priority_from_category_and_tier_builtin(category, tier, priority):
    assert default_priority(category, tier) == priority


def test_priority_from_config():
    config = TicketSettings(default_priority={"margin": "high", "information": "low"})
    assert default_priority("margin", "standard", config) == "high"
    assert default_priority("information", "diamond", config) == "normal"
    assert default_priority("complaint", "standard", config) == "high"


def test_bump_saturates():
    assert [bump(p) for p in ("low", "normal", "high", "urgent")] == ["normal", "high", "urgent", "urgent"]


def test_sla_wall_clock_hours_from_config():
    config = TicketSettings(sla_hours={"complaint": {"diamond": 4}}, category_default_hours={"complaint": 24},
                            default_sla_hours=72)
    assert sla_due(NOW, "complaint", "diamond", config) == NOW + dt.timedelta(hours=4)
    assert sla_due(NOW, "complaint", "standard", config) == NOW + dt.timedelta(hours=24)
    assert sla_due(NOW, "trading", "standard", config) == NOW + dt.timedelta(hours=72)
    # Wall-clock: a Saturday-night ticket is due 4 hours later, not on Monday.
    saturday = dt.datetime(2026, 11, 21, 22, 0, tzinfo=SHANGHAI)
    assert sla_due(saturday, "complaint", "diamond", config) == saturday + dt.timedelta(hours=4)
    with pytest.raises(ValueError):
        sla_due(dt.datetime(2026, 11, 22), "trading", "gold", config)  # noqa: DTZ001 - naive: refused


def test_defaults_for_a_new_complaint():
    settings = Settings()
    defaults = defaults_for("complaint", "platinum", NOW, settings.tickets, settings.tiers)
    assert defaults.priority == "urgent" and defaults.supervisor_attention
    assert defaults.sla_due_at == NOW + dt.timedelta(hours=settings.tickets.sla_for("complaint", "platinum"))
    assert defaults_for("trading", "gold", NOW, priority="low").priority == "low"
    with pytest.raises(ValueError):
        defaults_for("stocks", "gold", NOW)
    with pytest.raises(ValueError):
        defaults_for("trading", "gold", NOW, priority="asap")


def test_only_complaints_need_a_supervisor():
    assert [c for c in CATEGORIES if needs_supervisor(c)] == ["complaint"]


def test_ticket_number_uses_the_center_date():
    # 2026-11-22 17:00 UTC is already the 23rd in Shanghai.
    assert ticket_number(dt.datetime(2026, 11, 22, 17, 0, tzinfo=UTC), 123, SHANGHAI) == "T20261123-000123"
    assert ticket_number(NOW, 1, SHANGHAI) == "T20261122-000001"
    assert ticket_number(NOW, 1234567, SHANGHAI) == "T20261122-1234567"


def test_overdue_only_while_open():
    due = NOW
    assert is_overdue("open", due, NOW)
    assert not is_overdue("open", due, NOW - dt.timedelta(seconds=1))
    assert not is_overdue("resolved", due, NOW + dt.timedelta(days=1))
    assert not is_overdue("new", None, NOW)


@given(st.lists(st.sampled_from(STATUSES), max_size=12))
def test_any_accepted_walk_never_closes_without_resolving_just_before(path):
    status = "new"
    for nxt in path:
        try:
            check_transition(status, nxt)
        except TransitionError:
            continue
        if nxt == "closed":
            assert status == "resolved"
        status = nxt
