"""Where a caller goes: the CRM routing rules (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from console.crm.routing import Known, RoutingRules, decide

RULES = RoutingRules(vip_queue="vip", default_queue="retail", manager_ring_s=15,
                     priority=(("diamond", 10), ("gold", 5)))


def test_an_unknown_caller_goes_to_the_queue_asked_else_the_default() -> None:
    assert decide(None, blocked=False, asked_queue=None, rules=RULES).variables() == {
        "CALLDESK_ROUTE": "queue", "CALLDESK_QUEUE": "retail", "CALLDESK_PRIORITY": "0"}
    assert decide(None, blocked=False, asked_queue="margin", rules=RULES).queue == "margin"


def test_a_vip_goes_to_the_vip_queue_with_the_priority_of_the_tier() -> None:
    route = decide(Known("diamond", vip=True), blocked=False, asked_queue="retail", rules=RULES)
    assert (route.kind, route.reason, route.queue, route.priority) == ("queue", "vip", "vip", 10)
    assert route.variables()["CUSTOMER_TIER"] == "diamond"


def test_a_free_account_manager_is_rung_first_then_the_queue() -> None:
    route = decide(Known("gold", vip=False, manager_extension="2001", manager_free=True), blocked=False,
                   asked_queue=None, rules=RULES)
    assert route.variables() == {"CALLDESK_ROUTE": "manager", "CALLDESK_QUEUE": "retail", "CALLDESK_PRIORITY": "5",
                                 "CUSTOMER_TIER": "gold", "CALLDESK_MANAGER": "2001", "CALLDESK_MANAGER_RING": "15"}
    busy = decide(Known("gold", vip=False, manager_extension="2001", manager_free=False), blocked=False,
                  asked_queue=None, rules=RULES)
    assert (busy.kind, busy.manager) == ("queue", None)
    off = RoutingRules(manager_first=False)
    assert decide(Known("gold", False, "2001", True), blocked=False, asked_queue=None, rules=off).kind == "queue"


@given(tier=st.sampled_from(["standard", "silver", "gold", "platinum", "diamond"]), vip=st.booleans(),
       manager=st.one_of(st.none(), st.just("2001")), free=st.booleans(), blocked=st.booleans(),
       asked=st.one_of(st.none(), st.sampled_from(["retail", "margin"])), known=st.booleans())
def test_the_rules_in_their_order(tier, vip, manager, free, blocked, asked, known) -> None:
    caller = Known(tier, vip, manager, free) if known else None
    route = decide(caller, blocked=blocked, asked_queue=asked, rules=RULES)
    if blocked:
        assert route.kind == "blocked"  # whoever it is
        return
    if caller is None:
        assert (route.kind, route.queue, route.priority) == ("queue", asked or "retail", 0)
        return
    assert route.queue == ("vip" if vip else asked or "retail")  # even when a manager rings first
    assert route.priority == dict(RULES.priority).get(tier, 0)
    assert (route.kind == "manager") == bool(manager and free)
