"""Scripted call flows that run the same way on the real Asterisk and on the simulator (issue 13).

A flow drives a ``Floor`` (tests/simulator/floor.py): phones that answer after a ring, customers
dialling in through the carrier, AMI actions, and waits for what the PBX reports.
``tests/live/test_live_conformance.py`` runs each flow on the lab's Asterisk and on the
simulator, both recorded in the capture format, and compares them (tests/simulator/compare.py).
Each flow notes the options the PBX took where Asterisk varies (``floor.saw``), with the
detectors below.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telephony.framing import Message
from tests.simulator.floor import Floor

NUMBER, ACCOUNT = "13800138000", "310012345678"
WAITING_NUMBER, WAITING_ACCOUNT = "13700137001", "310011112222"
CAMPAIGN = {"busy": "13712340001", "unavailable": "13512340001", "noanswer": "13612340001", "answer": "13812340001"}
CLICK = {"answer": "13812340002", "busy": "13712340002", "unavailable": "13512340002", "noanswer": "13612340002"}


# -- what the PBX did where it varies -------------------------------------------------------------
# Each detector reads only what came since the flow's mark: after a restart Asterisk's channel
# numbers start again, so a name seen before the mark may be another channel.
def originate_position(messages: list[tuple[float, Message]], number: str) -> str:
    """Where a failed Originate's response fell among its channel's DialBegin, HangupRequest,
    DialEnd and Hangup."""
    seq = [m for _, m in messages if "Event" in m]
    dest = next(m["DestChannel"] for m in seq
                if m["Event"] == "DialBegin" and m.get("DialString") == f"{number}@carrier")
    names = [m["Event"] for m in seq if (m["Event"] in ("DialBegin", "HangupRequest", "DialEnd", "Hangup")
                                         and dest in (m.get("DestChannel"), m.get("Channel")))
             or (m["Event"] == "OriginateResponse" and m.get("Channel") == f"PJSIP/{number}@carrier")]
    response = names.index("OriginateResponse")
    for event, position in (("DialBegin", "before_dial"), ("HangupRequest", "before_request"),
                            ("DialEnd", "before_dialend"), ("Hangup", "before_hangup")):
        if response < names.index(event):
            return position
    return "after_hangup"


def in_use_position(events: list[Message], agent: str) -> str:
    """Whether the answering member's "in use" QueueMemberStatus came before AgentConnect."""
    interface = agent.rsplit("-", 1)[0]
    connect = max(i for i, m in enumerate(events) if m["Event"] == "AgentConnect" and m.get("DestChannel") == agent)
    begin = max(i for i, m in enumerate(events[:connect])
                if m["Event"] == "DialBegin" and m.get("DestChannel") == agent)
    status = next(i for i, m in enumerate(events) if i > begin and m["Event"] == "QueueMemberStatus"
                  and m.get("StateInterface") == interface and m.get("Status") == "2")
    return "before_dialend" if status < connect else "after_connect"


def answer_position(events: list[Message], caller: str, agent: str) -> str:
    """Where an answered campaign call's OriginateResponse fell: before the caller joined the
    queue, after it, or after the member's leg rang (variant ``originate_answer``)."""
    def first(test: Callable[[Message], bool]) -> int:
        return next((i for i, m in enumerate(events) if test(m)), len(events))

    response = first(lambda m: m["Event"] == "OriginateResponse" and m.get("Response") == "Success")
    join = first(lambda m: m["Event"] == "QueueCallerJoin" and m.get("Channel") == caller)
    rang = first(lambda m: (m["Event"] == "DialState" and m.get("DestChannel") == agent
                            and m.get("DialStatus") == "RINGING")
                 or (m["Event"] == "Newstate" and m.get("Channel") == agent and m.get("ChannelState") == "5"))
    answer = first(lambda m: m["Event"] == "DialEnd" and m.get("DestChannel") == agent)
    assert response < answer, (
        f"the campaign call's OriginateResponse after its agent answered: {[m['Event'] for m in events]}")
    return "before_join" if response < join else "after_join" if response < rang else "after_ringing"


def end_order(events: list[Message], caller: str, agent: str, interface: str,
              steps: tuple[str, ...] = ("agent", "status", "caller")) -> str:
    """The order in which Asterisk reported the end of an answered queue leg (variants
    ``ami_hangup``, ``transfer_complete``, ``shutdown_end``): the leg's Hangup ("agent"), then its
    phone's "not in use" status ("status"), the caller leaving the bridge ("leave"), its
    SoftHangupRequest 16 ("soft") and its Hangup ("caller"), and the AgentComplete with the
    channels it names ("complete", "complete/nodest", "complete/nocaller", "complete/bare")."""
    seen: list[str] = []
    for m in events:
        event = m["Event"]
        if event == "Hangup" and m.get("Channel") == agent and "agent" in steps:
            seen.append("agent")
        elif event == "Hangup" and m.get("Channel") == caller and "caller" in steps:
            seen.append("caller")
        elif event == "BridgeLeave" and m.get("Channel") == caller and "leave" in steps and "leave" not in seen:
            seen.append("leave")
        elif event == "SoftHangupRequest" and m.get("Channel") == caller and m.get("Cause") == "16" \
                and "soft" in steps and "soft" not in seen:
            seen.append("soft")
        elif event == "QueueMemberStatus" and "agent" in seen and "status" not in seen \
                and m.get("Interface") == interface and m.get("Status") == "1":
            seen.append("status")
        elif event == "AgentComplete" and m.get("Interface") == interface \
                and not any(step.startswith("complete") for step in seen):
            named = (m.get("Channel") == caller, m.get("DestChannel") == agent)
            seen.append({(True, True): "complete", (True, False): "complete/nodest",
                         (False, True): "complete/nocaller", (False, False): "complete/bare"}[named])
    return " ".join(seen)


def ring_status(events: list[Message], agent: str) -> str:
    """Whether the rung member's "ringing" QueueMemberStatus came (variant ``ring_status``)."""
    interface = agent.rsplit("-", 1)[0]
    begin = max(i for i, m in enumerate(events) if m["Event"] == "DialBegin" and m.get("DestChannel") == agent)
    return "sent" if any(m["Event"] == "QueueMemberStatus" and m.get("StateInterface") == interface
                         and m.get("Status") == "6" for m in events[begin:]) else "skipped"


async def answered(floor: Floor, **match: str) -> Message:
    """The AgentConnect of a queue call (since the mark), once the member shows "in use"."""
    connect = await floor.wait("AgentConnect", **match)
    agent = connect["DestChannel"]
    await floor.wait("QueueMemberStatus", StateInterface=agent.rsplit("-", 1)[0], Status="2")
    floor.saw("ring_status", ring_status(floor.since_mark(), agent))
    floor.saw("in_use_status", in_use_position(floor.since_mark(), agent))
    return connect


async def hang_up_agent(floor: Floor, connect: Message) -> None:
    """calldesk's hang-up key on a queue call: an AMI Hangup of the agent's channel."""
    caller, agent, interface = connect["Channel"], connect["DestChannel"], connect["Interface"]
    floor.mark()
    await floor.action(Action="Hangup", Channel=agent)
    await floor.wait("Hangup", Channel=caller)
    await floor.wait("Hangup", Channel=agent)
    # app_queue's AgentComplete names the channels it still knew: maybe neither.
    await floor.wait("AgentComplete", Interface=interface)
    await floor.wait("QueueMemberStatus", Interface=interface, Status="1")
    floor.saw("ami_hangup", end_order(floor.since_mark(), caller, agent, interface))


def shutdown_variant(events: list[Message], caller: str, agent: str) -> tuple[str, str]:
    """Which side of the answered call the restart soft-hung-up first (``shutdown``) and the
    order the rest came in (``shutdown_end``; ``telephony.simulator.variants``)."""
    soft = [m["Channel"] for m in events if m.get("Event") == "SoftHangupRequest" and m.get("Cause") == "4"]
    start = next(i for i, m in enumerate(events) if m.get("Event") == "SoftHangupRequest" and m.get("Cause") == "4")
    side = "agent_first" if soft.index(agent) < soft.index(caller) else "caller_first"
    interface = agent.rsplit("-", 1)[0]
    steps = ("leave", "soft", "agent", "status", "caller")
    return side, end_order([m for m in events[start:] if "Event" in m], caller, agent, interface, steps)


def transfer_variant(message: Message) -> str:
    if message.get("SecondBridgeNumChannels") == "1":
        return "target_in_second"
    return "target_gone" if "TransferTargetChannel" in message else "no_target"


# -- the flows ----------------------------------------------------------------------------------
Flow = Callable[[Floor], Awaitable[dict[str, Any]]]


async def _queue_call(floor: Floor, number: str = NUMBER, account: str = ACCOUNT) -> tuple[str, str]:
    """A retail caller answered by 1001 (already a member): its channel and the agent's."""
    floor.mark()
    await floor.caller(number, account)
    connect = await answered(floor, CallerIDNum=number)
    return connect["Channel"], connect["DestChannel"]


async def hung_up_by_calldesk(floor: Floor) -> dict[str, Any]:
    """Issue 13, cases 1, 4, 5: a caller waits (snapshot), 1001 answers (snapshot), calldesk hangs
    up 1001's channel (AMI Hangup); then the PBX must say nothing for longer than the wrap-up."""
    await floor.phone("1001")
    await floor.action(Action="QueueAdd", Queue="retail", Interface="PJSIP/1001", MemberName="张伟")
    await floor.action(Action="QueuePause", Interface="PJSIP/1001", Paused="true", Reason="lunch")
    floor.mark()
    await floor.caller(NUMBER, ACCOUNT)
    await floor.wait("QueueCallerJoin")
    await floor.idle(0.5)
    waiting = await floor.snapshot()
    floor.mark()
    await floor.action(Action="QueuePause", Interface="PJSIP/1001", Paused="false")
    connect = await answered(floor)
    await floor.idle(1.0)
    talking = await floor.snapshot()
    await hang_up_agent(floor, connect)
    await floor.idle(0.5)  # the device-state thread's QueueMemberStatus
    quiet_from = floor.last_t() + 0.01
    await floor.idle(6.0)  # twice the queue's 3 s wrap-up
    return {"waiting": waiting, "talking": talking, "between_calls": floor.after(quiet_from),
            "end": floor.since_mark()}


async def attended_transfer(floor: Floor, runs: int = 3) -> dict[str, Any]:
    """Issue 13, case 2: 1001 answers, Atxfer to 1002@transfer-targets, 1002 answers, calldesk hangs
    up 1001 (the transfer completes), then 1002 (the call ends); ``runs`` times, as the
    AttendedTransfer headers vary from run to run."""
    await floor.phone("1001")
    await floor.phone("1002")
    await floor.action(Action="QueueAdd", Queue="retail", Interface="PJSIP/1001", MemberName="张伟")
    transfers = []
    interface = "PJSIP/1001"
    for _ in range(runs):
        caller, agent = await _queue_call(floor)
        await floor.idle(0.5)
        await floor.action(Action="Atxfer", Channel=agent, Exten="1002", Context="transfer-targets")
        await floor.wait("DialEnd", DestChannel="PJSIP/1002-*", DialStatus="ANSWER")
        await floor.idle(0.5)
        await floor.action(Action="Hangup", Channel=agent)
        transfer = await floor.wait("AttendedTransfer")
        floor.saw("attended_transfer", transfer_variant(transfer))
        transfers.append(transfer)
        await floor.wait("Hangup", Channel=agent)
        await floor.wait("AgentComplete", Interface=interface, Reason="transfer")
        await floor.wait("QueueMemberStatus", Interface=interface, Status="1")
        floor.saw("transfer_complete", end_order(floor.since_mark(), caller, agent, interface, ("agent", "status")))
        await floor.idle(1.0)
        target = floor.channel("PJSIP/1002-")
        await floor.action(Action="Hangup", Channel=target)
        await floor.wait("Hangup", Channel=caller)
        await floor.wait("Hangup", Channel=target)
        hangups = [m["Channel"] for m in floor.since_mark()
                   if m["Event"] == "Hangup" and m["Channel"] in (caller, target)]
        floor.saw("target_hangup", "target_first" if hangups[0] == target else "caller_first")
        await floor.idle(3.5)  # 1001's wrap-up
    return {"transfers": transfers}


async def campaign(floor: Floor) -> dict[str, Any]:
    """Issue 13, case 3: campaign Originates (calldesk's dialer: Context campaign, Exten s) to a busy,
    an unreachable (480), an unanswered and an answering customer, who waits in retail for 1001."""
    await floor.customers()
    await floor.phone("1001")
    await floor.action(Action="QueueAdd", Queue="retail", Interface="PJSIP/1001", MemberName="张伟")
    responses = {}
    for outcome in ("busy", "unavailable", "noanswer", "answer"):
        number = CAMPAIGN[outcome]
        floor.mark()
        await floor.action(
            Action="Originate", Channel=f"PJSIP/{number}@carrier", Context="campaign", Exten="s", Priority="1",
            Timeout="4000" if outcome == "noanswer" else "30000", Async="true", CallerID='"Brokerage" <95555>',
            Variable=f"CALLDESK_LEAD=7\nCALLDESK_CAMPAIGN=3\nCALLDESK_QUEUE=retail\nCALLDESK_NUMBER={number}\n"
                     f"CUSTOMER_ACCOUNT={ACCOUNT}")
        responses[outcome] = await floor.wait("OriginateResponse")
        if outcome == "answer":
            connect = await answered(floor)
            position = answer_position(floor.since_mark(), connect["Channel"], connect["DestChannel"])
            floor.saw("originate_answer", position)
            await floor.idle(1.0)
            await hang_up_agent(floor, connect)
        else:
            await floor.wait("Hangup", Channel="PJSIP/carrier-*")
            if outcome != "noanswer":
                floor.saw("originate_failure", originate_position(floor.recent(), number))
        await floor.idle(0.5)
    return {"responses": responses}


async def click_to_call(floor: Floor) -> dict[str, Any]:
    """Issue 13, case 6: calldesk's click-to-call (Originate PJSIP/1001, Context outbound, Exten the
    customer's number): 1001's phone rings and answers, then the customer leg dials out."""
    await floor.customers()
    await floor.phone("1001")
    ends = {}
    for outcome in ("answer", "busy", "unavailable", "noanswer"):
        number = CLICK[outcome]
        floor.mark()
        await floor.action(Action="Originate", Channel="PJSIP/1001", Context="outbound", Exten=number, Priority="1",
                           Timeout="30000", Async="true", Variable="CALLDESK_AGENT=1001")
        await floor.wait("OriginateResponse")
        agent = floor.channel("PJSIP/1001-")
        if outcome == "answer":
            await floor.wait("DialEnd", Channel=agent, DialStatus="ANSWER")
            await floor.idle(1.0)
            await floor.action(Action="Hangup", Channel=agent)
        await floor.wait("Hangup", Channel=agent, timeout=45.0)
        await floor.wait("Hangup", Channel="PJSIP/carrier-*")
        await floor.idle(0.5)
        ends[outcome] = floor.since_mark()
        await floor.idle(1.0)
    return {"ends": ends}


async def restart_and_kill(floor: Floor) -> dict[str, Any]:
    """Issue 13, case 7 (capture 12): `core restart now` with one call answered and one waiting,
    reconnect; then a SIGKILL mid-call, reconnect."""
    await floor.phone("1001")
    await floor.action(Action="QueueAdd", Queue="retail", Interface="PJSIP/1001", MemberName="张伟")
    caller, agent = await _queue_call(floor)
    floor.mark()
    await floor.caller(WAITING_NUMBER, WAITING_ACCOUNT)
    await floor.wait("QueueCallerJoin", CallerIDNum=WAITING_NUMBER)
    await floor.idle(1.0)
    floor.mark()
    await floor.restart(clean=True)
    side, end = shutdown_variant([m for _, m in floor.clients[0].received], caller, agent)
    floor.saw("shutdown", side)
    floor.saw("shutdown_end", end)
    await _queue_call(floor)
    await floor.idle(1.0)
    await floor.restart(clean=False)
    return {"shutdown": [m for _, m in floor.clients[0].received if "Event" in m][-40:]}


FLOWS: dict[str, Flow] = {
    "hung-up-by-calldesk": hung_up_by_calldesk, "attended-transfer": attended_transfer, "campaign": campaign,
    "click-to-call": click_to_call, "restart-and-kill": restart_and_kill,
}


async def run(floor: Floor, flow: Flow, **kw: Any) -> dict[str, Any]:
    await floor.start()
    try:
        return await flow(floor, **kw)
    finally:
        await floor.stop()
