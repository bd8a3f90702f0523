"""The dialer against the PBX simulator: a whole campaign, retries, the calling window, DNC."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from console.store.models import Customer, DoNotCall, FollowUp
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, attempts_recorded, campaign_floor, leads_of
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, FrozenClock

ANSWER = Dialout("answer", 0.5, 3.0)


def numbers(n: int) -> list[str]:
    return [f"1390000{i:04d}" for i in range(n)]


def by_pattern(number: str, nth: int) -> Dialout:
    """Lead i: i % 4 == 0 answers at once; 1 is busy, then answers; 2 rings out, is busy, then
    answers; 3 is always busy (given up after max_attempts)."""
    pattern = int(number) % 4
    if pattern == 0 or (pattern == 1 and nth >= 2) or (pattern == 2 and nth >= 3):
        return ANSWER
    if pattern == 2 and nth == 1:
        return Dialout("noanswer")
    return Dialout("busy")


EXPECTED = {0: (1, "done"), 1: (2, "done"), 2: (3, "done"), 3: (3, "failed")}


async def test_hundred_leads_five_agents_complete_with_the_right_attempts(make_client, seeded_engine) -> None:
    async with campaign_floor(make_client, by_pattern, clock=FrozenClock(MONDAY_10)) as floor:
        campaign = await floor.create(max_attempts=3)
        report = await floor.import_csv(campaign, "number\n" + "\n".join(numbers(100)) + "\n")
        assert (report["added"], report["errors"]) == (100, [])
        await floor.move(campaign, "start")
        stats = await floor.until_done(campaign, timeout=120)
    leads = leads_of(seeded_engine, campaign)
    recorded = attempts_recorded(seeded_engine, campaign)
    for number, lead in leads.items():
        attempts, status = EXPECTED[int(number) % 4]
        assert (lead.attempts, lead.status) == (attempts, status), number
        assert floor.dialled[number.removeprefix("+86")] == attempts, number  # the PBX rang it exactly that often
        assert recorded[lead.id] == attempts, number  # one Interaction per attempt
    assert stats["attempts"] == sum(EXPECTED[i % 4][0] for i in range(100)) == 225
    assert stats["connected"] == 75 and stats["leads"] == {"done": 75, "failed": 25}


async def test_nothing_is_dialled_outside_the_window_or_to_a_dnc_number(make_client, seeded_engine) -> None:
    clock = FrozenClock(MONDAY_10.replace(hour=0, minute=30))  # 08:30 in Shanghai: not open yet
    blocked = numbers(10)[3]
    with seeded_engine.begin() as conn:
        conn.execute(insert(DoNotCall.__table__).values(e164=f"+86{blocked}", reason="客户要求"))
    async with campaign_floor(make_client, lambda n, k: ANSWER, clock=clock) as floor:
        campaign = await floor.create()
        report = await floor.import_csv(campaign, "number\n" + "\n".join(numbers(10)) + "\n")
        assert report["excluded"] == {"do_not_call": 1} and report["added"] == 9
        late = numbers(12)[11]  # listed after the import: caught at dial time
        await floor.import_csv(campaign, f"number,client_no\n{late},\n{KNOWN_NUMBER},{KNOWN_ACCOUNT}\n")
        with seeded_engine.begin() as conn:
            conn.execute(insert(DoNotCall.__table__).values(e164=f"+86{late}", reason="投诉"))
            conn.execute(update(Customer.__table__).where(Customer.__table__.c.client_no == KNOWN_ACCOUNT)
                         .values(do_not_call=True))  # the customer asked, after the import
        await floor.move(campaign, "start")
        for _ in range(3):
            await floor.dialer.tick()
        assert list(floor.dialer.dialled) == [] and sum(floor.dialled.values()) == 0
        clock.now = MONDAY_10  # the window opens
        stats = await floor.until_done(campaign)
    assert blocked not in floor.dialled and late not in floor.dialled and KNOWN_NUMBER not in floor.dialled
    assert all(when == MONDAY_10 for _, _, when in floor.dialer.dialled)
    leads = leads_of(seeded_engine, campaign)
    assert (leads[f"+86{late}"].status, leads[f"+86{late}"].exclusion_reason) == ("excluded", "do_not_call")
    assert stats["leads"] == {"done": 9, "excluded": 3} and stats["excluded"] == {"do_not_call": 3}



async def test_standing_callback_campaign_calls_due_followups_and_completes_them(
        make_client, seeded_engine, seed) -> None:
    async with campaign_floor(make_client, lambda n, k: ANSWER, clock=FrozenClock(MONDAY_10)) as floor:
        campaign = await floor.create(kind="callback", name="回拨")
        await floor.move(campaign, "start")
        await floor.dialer.tick()  # a round takes the due follow-up in as a lead (and dials it)
        stats = await floor.until_done(campaign)
        assert stats["leads"] == {"done": 1} and stats["connected"] == 1
    assert floor.dialled == {KNOWN_NUMBER: 1}  # the seeded follow-up of 赵敏, due an hour after START
    with seeded_engine.connect() as conn:
        done = conn.execute(select(FollowUp.status, FollowUp.result).where(
            FollowUp.customer_id == seed.known, FollowUp.reason == "回访两融风险提示")).one()
    assert done.status == "done" and done.result


async def test_two_campaigns_on_one_queue_share_its_agents(make_client, seeded_engine) -> None:
    talk = Dialout("answer", 0.5, 5.0)
    # At 10x: the 2 s abandon threshold is 0.2 s of real time, well above the server's reaction time.
    async with campaign_floor(make_client, lambda n, k: talk, agents=3, speed=10.0,
                              clock=FrozenClock(MONDAY_10)) as floor:
        first, second = await floor.create(name="甲"), await floor.create(name="乙")
        await floor.import_csv(first, "number\n" + "\n".join(f"1393333{i:04d}" for i in range(9)) + "\n")
        await floor.import_csv(second, "number\n" + "\n".join(f"1394444{i:04d}" for i in range(9)) + "\n")
        await floor.move(first, "start")
        await floor.move(second, "start")
        one, two = await floor.until_done(first), await floor.until_done(second)
    # Had each paced on all three agents, six customers would have been called at a time and
    # three of them left waiting in the queue (abandoned on answer).
    assert (one["connected"], two["connected"]) == (9, 9)
    assert one["abandoned"] + two["abandoned"] == 0
