"""A campaign customer redirected out of the queue to the apology (AMI Redirect to
campaign-abandon): the events a real Asterisk gives (app_queue's abandon with no HangupRequest,
then the dialplan's Hangup after the playback), which the tracker reads as an abandon of that
queue; and the campaign context queues in the queue CALLDESK_QUEUE names. Manual clock, no sockets."""

from __future__ import annotations

from telephony.simulator import actions, center, queues
from telephony.simulator.clock import SimClock
from telephony.simulator.dialout import Dialout
from telephony.simulator.model import QueueConfig
from telephony.simulator.pbx import Pbx
from telephony.simulator.transfer import APOLOGY_S
from telephony.tracker import Tracker


def campaign_pbx() -> tuple[Pbx, list[dict[str, str]]]:
    pbx = Pbx(SimClock(epoch=1795372966.0))
    pbx.on_idle.append(lambda: queues.dispatch(pbx))
    center.build(pbx, center.AgentSetup(count=1, queues=("retail",)),
                 [QueueConfig("retail"), QueueConfig("outbound", wrapuptime=0)])
    pbx.dialout = lambda number: Dialout("answer", 1.0, 30.0)
    seen: list[dict[str, str]] = []
    pbx.subscribers.append(lambda fields: seen.append(dict(fields)))
    return pbx, seen


def act(pbx: Pbx, **msg: str) -> dict[str, str]:
    reply = actions.handle(pbx, msg)
    if reply.effect is not None:
        reply.effect()
    return dict(reply.response)


def test_a_redirect_to_the_abandon_context_abandons_the_queue_then_hangs_up() -> None:
    pbx, seen = campaign_pbx()
    originated = act(pbx, Action="Originate", Channel="PJSIP/13900000001@carrier", Context="campaign", Exten="s",
                     ActionID="dialer-1-1-1-1", Variable="CALLDESK_LEAD=1\nCALLDESK_QUEUE=outbound")
    assert originated["Response"] == "Success"
    pbx.clock.advance(4)  # answered after 1 s, waiting in outbound: it has no members
    join = next(e for e in seen if e["Event"] == "QueueCallerJoin")
    assert join["Queue"] == "outbound"
    channel = join["Channel"]
    assert act(pbx, Action="Redirect", Channel=channel, Context="campaign-abandon", Exten="s",
               Priority="1")["Message"] == "Redirect successful"
    after = seen[seen.index(join) + 1:]
    names = [e["Event"] for e in after if e.get("Channel") == channel and e["Event"] != "VarSet"]
    assert names == ["QueueCallerAbandon", "QueueCallerLeave"]
    assert next(e for e in after if e["Event"] == "QueueCallerAbandon")["HoldTime"] == "3"
    assert not pbx.queues["outbound"].entries
    pbx.clock.advance(APOLOGY_S - 0.1)
    assert channel in {c.name for c in pbx.channels.values()}  # the apology is still playing
    pbx.clock.advance(0.2)
    ends = [(e["Event"], e.get("Cause")) for e in seen if e.get("Channel") == channel
            and e["Event"] in ("HangupRequest", "SoftHangupRequest", "Hangup")]
    assert ends == [("SoftHangupRequest", "16"), ("Hangup", "16")]  # the dialplan hung up, not the customer
    assert not pbx.calls and not pbx.channels

    tracker, ended = Tracker(), []
    for i, fields in enumerate(seen):
        ended += [e for e in tracker.feed(fields, float(i)) if e.name == "ended"]
    assert [(e.queue, e.outcome, e.agent, e.wait_s) for e in ended] == [("outbound", "abandoned", None, 3.0)]


def test_a_redirect_elsewhere_routes_the_waiting_caller_as_before() -> None:
    pbx, seen = campaign_pbx()
    act(pbx, Action="Originate", Channel="PJSIP/13900000002@carrier", Context="campaign", Exten="s",
        ActionID="dialer-1-2-1-1", Variable="CALLDESK_QUEUE=outbound")
    pbx.clock.advance(3)
    channel = next(e for e in seen if e["Event"] == "QueueCallerJoin")["Channel"]
    act(pbx, Action="Redirect", Channel=channel, Context="transfer-targets", Exten="8001")
    joins = [e["Queue"] for e in seen if e["Event"] == "QueueCallerJoin"]
    assert joins == ["outbound", "retail"]  # out of the campaign queue, into retail (8001)
