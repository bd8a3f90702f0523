"""The peer (cacofonisk, Asterisk 13) recordings: what happened in each, as domain events.

Read from ../shared/ami-peer-fixtures/cacofonisk/ (never copied here; skipped when absent).
The recordings keep only Newchannel/Newstate/Dial*/Bridge*/Hangup/transfer events: no queue
events, no HangupRequest. So who hung up comes from who left the bridge first, and a cancelled
ring cannot be told from a pickup or a forward (both read ``caller_left``). Phones are
``SIP/1500100xx`` (agents by their digits); ``201``/``202``/``203`` are their extensions as
caller ids; ``+3126...`` is an outside caller on the trunk. An outside number is never an agent:
calls that ring no phone of ours (forwards to mobiles, originates to the world) say nothing.

Each story lists the call-level events in order: ringing (agent, caller), ring_stopped (agent,
reason), answered (agent), transferred (kind, from, to), ended (outcome, hangup_by, agent, caller).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from telephony.replay import replay
from telephony.tracker import Tracker

PEERS = Path(__file__).resolve().parents[3] / "shared" / "ami-peer-fixtures" / "cacofonisk"
pytestmark = pytest.mark.skipif(not PEERS.is_dir(), reason=f"peer recordings not found at {PEERS}")

A, B, C = "150010001", "150010002", "150010003"
OUTSIDE = "+31260010001"


def ring(agent: str, caller: str) -> tuple:
    return ("ringing", agent, caller)


def stop(agent: str, reason: str) -> tuple:
    return ("ring_stopped", agent, reason)


def answer(agent: str) -> tuple:
    return ("answered", agent)


def moved(kind: str, by: str | None, to: str) -> tuple:
    return ("transferred", kind, by, to)


def end(outcome: str, by: str, agent: str | None, caller: str, direction: str = "inbound") -> tuple:
    """An outbound call (placed by an agent's phone) says so; ``caller`` is then the number dialled."""
    return ("ended", outcome, by, agent, caller) + ((direction,) if direction != "inbound" else ())


STORIES: dict[str, list[tuple]] = {
    # Calls from the trunk forwarded to outside numbers (with or without DTMF acceptance): no
    # phone of ours rang, and none dialled out (the forward is the dialplan's, not an agent's).
    "mobile/acceptance_group_pickup.json": [],
    "mobile/acceptance_group_reject.json": [],
    "mobile/acceptance_reject.json": [],
    "mobile/acceptance_simple.json": [],
    "mobile/acceptance_timeout.json": [],
    "mobile/simple_mobile.json": [],
    # Originate between two outside numbers ("call me now"): no agent rings.
    "originate/cmn-world-world-unaccepted.json": [],
    "originate/cmn-world-world.json": [],
    # Click-to-dial: the Originate rings A's own phone first (an originate leg: no pop), then
    # dials B, who rings with A's extension 201 as caller. B answers, later B leaves the bridge
    # first. In the -xfer variant B consults C (202 calls C: a call of its own), then completes
    # an attended transfer: the call now has C as agent, and A (201) hangs up at the end.
    "originate/ctd-account-account.json": [
        ring(B, "201"), answer(B), end("answered", "agent", B, "201")],
    "originate/ctd-account-account-xfer-attn-abbcac.json": [
        ring(B, "201"), answer(B), ring(C, "202"), answer(C), moved("attended", B, C), answer(C),
        end("answered", "caller", C, "201")],
    # Click-to-dial to the world: A's own leg and the outside leg are not pops. A refusing the
    # first leg (deny-a) must produce nothing at all; the world refusing (deny-b) nothing either.
    "originate/ctd-account-world.json": [],
    "originate/ctd-account-world-deny-a.json": [],
    "originate/ctd-account-world-deny-b.json": [],
    "originate/ctd-account-world-no-ringing.json": [],
    # A talks to the world, consults C (201 calls C), transfers: the world now talks to C. The
    # transferee is a Local channel standing for the trunk leg: the customer is the number the
    # click-to-dial called, and the call stays outbound (issue 13, item 10).
    "originate/ctd-account-world-xfer-attn-abacbc.json": [
        ring(C, "201"), answer(C), moved("attended", A, C), end("answered", "caller", C, "+31260010001", "outbound")],
    # Queue calls (the queue's dials are plain Local dials in these recordings). The caller gives
    # up while B rings: QueueCallerAbandon, HoldTime 11.
    "queue/queue_a_cancel.json": [
        ring(B, "+31150010001"), stop(B, "caller_left"), end("abandoned", "caller", None, "+31150010001")],
    "queue/queue_attn_xfer.json": [
        ring(A, OUTSIDE), answer(A), ring(B, "201"), answer(B), moved("attended", A, B), answer(B),
        end("answered", "agent", B, OUTSIDE)],
    "queue/queue_blind_xfer.json": [
        ring(A, OUTSIDE), answer(A), moved("blind", A, "202"), ring(B, OUTSIDE), answer(B),
        end("answered", "caller", B, OUTSIDE)],
    # Two members ring at once; B answers, C's ring is cleared as answered elsewhere.
    "queue/queue_group.json": [
        ring(C, "+31150010001"), ring(B, "+31150010001"), answer(B), stop(C, "answered_elsewhere"),
        end("answered", "agent", B, "+31150010001")],
    # B rings; C rings and rejects (BUSY); B answers and leaves the bridge first.
    # C's phone is dialled and busy at once (never rings): no pop for C (issue 13, item 9).
    "queue/queue_simple.json": [
        ring(B, "+31150010001"), answer(B), end("answered", "agent", B, "+31150010001")],
    # A phone that goes off-hook and never dials: nothing.
    "simple/a_created_no_answer.json": [],
    # A calls B and hangs up while B rings (CANCEL, caller Hangup cause 0).
    "simple/ab_a_cancel.json": [ring(B, "201"), stop(B, "caller_left"), end("cancelled", "caller", None, "201")],
    # Pops in the order the phones start ringing (Newstate Ringing), not in dial order.
    "simple/ab_callgroup.json": [
        ring(B, "201"), ring(C, "201"), answer(B), stop(C, "answered_elsewhere"), end("answered", "agent", B, "201")],
    # Ring group: B busy (17), C rejects (21, DialStatus BUSY); nobody answers.
    "simple/ab_callgroup_no_answer.json": [
        ring(B, "201"), ring(C, "201"), stop(B, "rejected"), stop(C, "rejected"), end("busy", "system", None, "201")],
    # Do-not-disturb and a reject both come back as BUSY / cause 17; a DND phone never rings:
    # no pop, but the call is still busy.
    "simple/ab_dnd.json": [end("busy", "system", None, "201")],
    "simple/ab_reject.json": [ring(B, "201"), stop(B, "rejected"), end("busy", "system", None, "201")],
    # Same Hangup order in both; the bridge says who left first: A, then B.
    "simple/ab_success_a_hangup.json": [ring(B, "201"), answer(B), end("answered", "caller", B, "201")],
    "simple/ab_success_b_hangup.json": [ring(B, "201"), answer(B), end("answered", "agent", B, "201")],
    "simple/ab_success_o3.json": [
        ring("100060002", "201"), answer("100060002"), end("answered", "agent", "100060002", "201")],
    # Through two tenants via the trunk: phone 260010001 dials +31150010001 (an outbound call of
    # its own Linkedid), which comes back in from the trunk and rings A. A hangs up first: in
    # A's call that is the agent, in 260010001's outbound call the far end (the customer).
    "simple/ab_success_twoclients.json": [
        ring(A, OUTSIDE), answer(A), end("answered", "agent", A, OUTSIDE),
        end("answered", "caller", "260010001", "+31150010001", "outbound")],
    # The same two calls; UserEvents other than CallbackRequest carry no call meaning for us.
    "var_set/user_events.json": [
        ring(A, OUTSIDE), answer(A), end("answered", "agent", A, OUTSIDE),
        end("answered", "caller", "260010001", "+31150010001", "outbound")],
    # A calls B, A calls C, A joins them: B (202) is now the caller and C the agent.
    "xfer_attended/xfer_abacbc.json": [
        ring(B, "201"), answer(B), ring(C, "201"), answer(C), moved("attended", A, C), answer(C),
        end("answered", "caller", C, "202")],
    # A calls B, B consults C (202 calls C), B transfers: A talks to C; C leaves first.
    "xfer_attended/xfer_abbcac.json": [
        ring(B, "201"), answer(B), ring(C, "202"), answer(C), moved("attended", B, C), answer(C),
        end("answered", "agent", C, "201")],
    "xfer_attended/xfer_abbcac_anon.json": [
        ring(A, "+31260xxxxxx"), answer(A), ring(C, "201"), answer(C), moved("attended", A, C), answer(C),
        end("answered", "agent", C, "+31260xxxxxx")],
    # A takes two calls (from 202 and 203) and joins the callers: A is out of both.
    "xfer_attended/xfer_abcbac.json": [
        ring(A, "202"), answer(A), ring(A, "203"), answer(A), moved("attended", A, "202"),
        end("answered", "agent", A, "203"), end("answered", "agent", A, "202")],
    # A (the caller) blind-transfers B to 203; C rejects: B (202) is left with nobody. The call
    # was A's conversation with B, and stays so (not erased into a busy call with no agent).
    "xfer_blind/xfer_blind_a_no_answer.json": [
        ring(B, "201"), answer(B), moved("blind", A, "203"), end("answered", "system", B, "201")],
    "xfer_blind/xfer_blind_abacbc.json": [
        ring(B, "201"), answer(B), moved("blind", A, "203"), ring(C, "202"), answer(C),
        end("answered", "caller", C, "202")],
    # B blind-transfers the caller A to 203: C rings with A as caller and answers.
    "xfer_blind/xfer_blind_abbcac.json": [
        ring(B, "201"), answer(B), moved("blind", B, "203"), ring(C, "201"), answer(C),
        end("answered", "caller", C, "201")],
    # The target rejects: the call stays B's (answered), ended by the PBX.
    "xfer_blind/xfer_blind_b_no_answer.json": [
        ring(B, "201"), answer(B), moved("blind", B, "203"), end("answered", "system", B, "201")],
    "xfer_blind/xfer_blind_group.json": [
        ring(A, OUTSIDE), answer(A), moved("blind", A, "401"), ring(C, OUTSIDE), ring(B, OUTSIDE),
        answer(C), stop(B, "answered_elsewhere"), end("answered", "agent", C, OUTSIDE)],
    "xfer_blind/xfer_blind_group_no_answer.json": [
        ring(A, OUTSIDE), answer(A), moved("blind", A, "401"), end("answered", "system", A, OUTSIDE)],
    "xfer_blind/xfer_blind_reject.json": [
        ring(B, "201"), answer(B), moved("blind", B, "203"), ring(C, "201"), stop(C, "rejected"),
        end("answered", "system", B, "201")],
    # Blonde: the transferer completes while the target still rings (DestType App); the target
    # answers the transferee afterwards.
    "xfer_blonde/xfer_blonde_abacbc.json": [
        ring(B, "201"), answer(B), ring(C, "201"), moved("blonde", A, C), answer(C),
        end("answered", "caller", C, "202")],
    "xfer_blonde/xfer_blonde_abbcac.json": [
        ring(A, OUTSIDE), answer(A), ring(B, "201"), moved("blonde", A, B), answer(B),
        end("answered", "caller", B, OUTSIDE)],
    # A calls the world (an outbound call: no pop), then blonde-transfers it to a ring group: the
    # outbound call carries on with B as its agent, and stays outbound.
    "xfer_blonde/xfer_blonde_group_a.json": [
        ring(B, "201"), ring(C, "201"), moved("blonde", A, B), answer(B), stop(C, "answered_elsewhere"),
        end("answered", "agent", B, OUTSIDE, "outbound")],
    "xfer_blonde/xfer_blonde_group_b.json": [
        ring(A, OUTSIDE), answer(A), ring(B, "201"), ring(C, "201"), moved("blonde", A, B), answer(B),
        stop(C, "answered_elsewhere"), end("answered", "agent", B, OUTSIDE)],
    # The blonde target rejects: the call remains A's, and the PBX ends it.
    "xfer_blonde/xfer_blonde_reject.json": [
        ring(A, OUTSIDE), answer(A), ring(B, "201"), moved("blonde", A, B), stop(B, "rejected"),
        end("answered", "system", A, OUTSIDE)],
    # A forwards everything to 202: A's phone is dialled and at once CANCELled with Forward=
    # (it never rings): no pop for A.
    "xfer_misc/call_forwarding.json": [ring(B, OUTSIDE), answer(B), end("answered", "caller", B, OUTSIDE)],
    "xfer_misc/call_forwarding_to_group.json": [
        ring(B, OUTSIDE), ring(C, OUTSIDE), answer(C), stop(B, "answered_elsewhere"),
        end("answered", "agent", C, OUTSIDE)],
    # B rings, C picks it up (SIP Replaces / *8): the call moves to C.
    "xfer_misc/sip_pickup.json": [
        ring(B, "201"), stop(B, "caller_left"), ring(C, "201"), answer(C), end("answered", "agent", C, "201")],
    "xfer_misc/star_pickup.json": [
        ring(B, "201"), stop(B, "caller_left"), ring(C, "201"), answer(C), end("answered", "agent", C, "201")],
}


def story(path: Path) -> list[tuple]:
    out: list[tuple] = []
    for e in replay(path):
        j: dict[str, Any] = e.to_json()
        kind = j["event"]
        if kind == "ringing":
            out.append(ring(j["agent"], j["caller"]))
        elif kind == "ring_stopped":
            out.append(stop(j["agent"], j["reason"]))
        elif kind == "answered":
            out.append(answer(j["agent"]))
        elif kind == "transferred":
            out.append(moved(j["kind"], j["from_agent"], j["to"]))
        elif kind == "ended":
            out.append(end(j["outcome"], j["hangup_by"], j["agent"], j["caller"], j["direction"]))
        elif kind not in ("agent_state", "originate_result"):
            out.append((kind,))
    return out


def peer_files() -> list[str]:
    return sorted(str(p.relative_to(PEERS)) for p in PEERS.glob("**/*.json")) if PEERS.is_dir() else []


def test_every_peer_recording_has_a_story() -> None:
    assert sorted(STORIES) == peer_files()


@pytest.mark.parametrize("name", sorted(STORIES))
def test_peer_recording_tells_what_happened(name: str) -> None:
    assert story(PEERS / name) == STORIES[name]


@pytest.mark.parametrize("name", sorted(STORIES))
def test_every_suffix_of_a_peer_recording_is_survived(name: str) -> None:
    messages = json.loads((PEERS / name).read_text(encoding="utf-8"))
    for start in range(len(messages)):
        tracker = Tracker()
        ended: Counter = Counter()
        for index, message in enumerate(messages[start:]):
            for event in tracker.feed(message, float(index)):
                if event.name == "ended":
                    ended[(event.call, event.queue)] += 1
        assert tracker.skipped == 0, f"a handler tripped starting at event {start}"
        assert all(n == 1 for n in ended.values()), (start, ended)
