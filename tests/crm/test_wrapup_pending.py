from console.crm.wrapup import PendingWrapups


def rec(call, ext="1001", staff=1, disposition="resolved"):
    return {"call": call, "agent_ext": ext, "agent_id": staff, "disposition": disposition, "notes": ""}


def test_taken_by_extension_or_staff_id_once():
    pending = PendingWrapups()
    pending.add(rec("c1"))
    assert len(pending) == 1
    assert pending.take("c1", None, 1)["disposition"] == "resolved"
    assert pending.take("c1", "1001", None) is None  # both keys went with it
    assert len(pending) == 0


def test_another_agents_wrapup_is_not_taken():
    pending = PendingWrapups()
    pending.add(rec("c1", ext="1001", staff=1))
    assert pending.take("c1", "1002", 2) is None
    assert pending.take("c2", "1001", 1) is None
    assert pending.take("c1", "1001", 1) is not None


def test_a_later_wrapup_of_the_same_call_replaces_the_earlier():
    pending = PendingWrapups()
    pending.add(rec("c1", disposition="resolved"))
    pending.add(rec("c1", disposition="complaint"))
    assert pending.take("c1", "1001", 1)["disposition"] == "complaint"


def test_bounded_oldest_dropped():
    pending = PendingWrapups(limit=4)  # two keys per wrap-up: room for two
    for n in range(3):
        pending.add(rec(f"c{n}"))
    assert pending.take("c0", "1001", 1) is None
    assert pending.take("c2", "1001", 1) is not None


def test_the_after_call_work_and_the_disposition_are_kept_together():
    """The hold ran out (acw_s only), then the agent sent the disposition: both are written."""
    pending = PendingWrapups()
    pending.add({"call": "c1", "agent_ext": "1001", "agent_id": 1, "acw_s": 120.0})
    pending.add({**rec("c1"), "acw_s": None})
    taken = pending.take("c1", "1001", 1)
    assert (taken["disposition"], taken["acw_s"]) == ("resolved", 120.0)
