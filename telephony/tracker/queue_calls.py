"""Calls through app_queue: join, the rings (AgentCalled ...), answer, and every way out.

How a pass through a queue ends (see tests/fixtures/ami-transcripts/README.md):
* answered: at the first Hangup of the caller or the agent leg after AgentConnect (AgentComplete
  gives who hung up); at the transfer; or when the caller is redirected into a queue (another
  one, or the same one again: each QueueCallerJoin is a pass of its own, with its own end);
* abandoned: QueueCallerAbandon after the caller's HangupRequest;
* abandoned by the system: QueueCallerAbandon *without* a HangupRequest, followed by
  QUEUESTATUS=LEAVEEMPTY (the queue dropped the caller when its last member left). app_queue
  counts it as an abandon, so do we, but ``hangup_by`` "system" tells it from a caller's;
* refused: QUEUESTATUS=JOINEMPTY/FULL with no join at all (DESIGN.md: "the queue would not
  take it");
* callback_requested: QueueCallerLeave with no answer, then UserEvent CallbackRequest;
* no_answer: QUEUESTATUS=TIMEOUT after a Leave without an answer.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import CallbackRequested, DomainEvent, Queued, SurveyAnswered
from telephony.tracker.calls import CallBook
from telephony.tracker.state import (
    Ring,
    Segment,
    clean_name,
    clean_number,
    is_local,
    local_base,
    party,
    to_float,
    to_int,
)

# Variables Asterisk itself sets on a caller channel: not the dialplan's data, never in `vars`.
_INTERNAL_VARS = (
    "QUEUE", "QE", "MEMBER", "DIAL", "ANSWEREDTIME", "RTPAUDIOQOS", "BRIDGE", "MIXMONITOR",
    "SIPDOMAIN", "SIPCALLID", "READSTATUS", "ABANDONED", "CDR", "PJSIP", "TRANSFER", "ATTENDED",
    "BLINDTRANSFER", "FORWARD", "HANGUPCAUSE", "PICKUP", "MACRO", "GOSUB", "ARG", "AGI",
    "CHANNEL", "LOCAL_", "SHARED", "DYNAMIC_", "MOH", "SPY", "AUDIOHOOK", "RINGTIME", "PLAYBACK",
    "PROGRESSTIME",
)
_REFUSED = frozenset({"JOINEMPTY", "JOINUNAVAIL", "FULL"})
_DROPPED = frozenset({"LEAVEEMPTY", "LEAVEUNAVAIL"})


class QueueCalls(CallBook):
    def _queue_seg(self, m: Mapping[str, str], t: float, create: bool = True) -> Segment | None:
        queue = m.get("Queue") or None
        chan = self._chan(m)
        call = m.get("Linkedid") or (chan.linkedid if chan else None)
        if not call or not queue:
            return None
        seg = self._open_segment(call, queue)
        if seg is None and create:
            seg = self._new_segment(call, queue, chan, m, t)
        return seg

    def _on_queue_caller_join(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        chan = self._chan(m)
        if chan is None or not m.get("Queue"):
            return
        chan.num = clean_number(m.get("CallerIDNum")) or chan.num
        chan.cid_name = clean_name(m.get("CallerIDName")) or chan.cid_name
        # Redirected or transferred into a queue (another, or the same one again): the caller's
        # earlier pass is over, and this join is a pass of its own.
        for seg in list(self.segs_by_caller.get(chan.uniqueid, ())):
            if seg.ended or (seg.queue is not None and seg.left_t is None and seg.queue == m["Queue"]):
                continue  # still waiting in this queue: the same pass (a repeated join)
            if seg.answered_t is not None:
                self._end(seg, t, "answered", "agent", out)
            elif seg.queue is not None and seg.left_t is not None:
                self._end(seg, t, "no_answer", "system", out)
        if self._open_segment(chan.linkedid, m["Queue"]) is None:
            seg = self._new_segment(chan.linkedid, m["Queue"], chan, m, t, new_pass=True)
            out.append(Queued(t=t, call=seg.call, queue=m["Queue"], caller=seg.caller, caller_name=seg.caller_name,
                              position=to_int(m.get("Position")), pass_no=seg.pass_no))

    def _on_agent_called(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        seg = self._queue_seg(m, t)
        dest = m.get("DestChannel") or ""
        if seg is None or not dest or dest in self.ring_by_chan:
            return
        seg.caller_name = seg.caller_name or clean_name(m.get("CallerIDName"))
        agent = self.agent_of(m.get("Interface") or dest)
        real = None
        if is_local(dest):
            real = self.local_real.get(local_base(dest))
            self.hops[local_base(dest)] = (seg, dest, local_base(dest))
        else:
            real = dest
        self._add_ring(seg, agent, dest, real, t, out)

    def _queue_ring(self, m: Mapping[str, str], t: float) -> Ring | None:
        ring = self.ring_by_chan.get(m.get("DestChannel") or "")
        if ring is None or ring.seg.queue != m.get("Queue", ring.seg.queue):
            return None
        return ring

    def _on_agent_connect(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        ring = self._queue_ring(m, t)
        if ring is None:
            # Started mid-call: no ringing to show now, but the answer and the end still count.
            seg = self._queue_seg(m, t)
            dest = m.get("DestChannel") or ""
            if seg is None or not dest:
                return
            ring = self._add_ring(seg, self.agent_of(m.get("Interface") or dest), dest,
                                  None if is_local(dest) else dest, t, [])
            ring.announced = True
        if ring.seg.left_t is None:
            ring.seg.left_t = t
        self._answer(ring, t, to_float(m.get("HoldTime"), t - ring.seg.start_t), out)

    def _on_agent_complete(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        ring = self._queue_ring(m, t)
        if ring is None or ring.seg.ended:
            return
        seg = ring.seg
        seg.complete_reason = m.get("Reason") or None
        if m.get("TalkTime"):
            seg.talk_s = to_float(m.get("TalkTime"))
        if m.get("HoldTime"):  # app_queue's own figure; a call learnt from a snapshot had none
            seg.wait_s = to_float(m.get("HoldTime"), seg.wait_s or 0.0)
        if seg.complete_reason == "transfer":
            self._end(seg, t, "answered", "agent", out)
        elif seg.caller_uid not in self.channels or (seg.agent_channel and seg.agent_channel not in self.by_name):
            # a leg is already gone (its Hangup came first): nothing more will end the pass
            self._end(seg, t, "answered", party(seg.complete_reason) or "caller", out)

    def _on_agent_ring_no_answer(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        ring = self._queue_ring(m, t)
        if ring is not None:
            self._stop_ring(ring, "timeout", t, out)

    def _on_agent_dump(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        ring = self._queue_ring(m, t)
        if ring is not None:
            self._stop_ring(ring, "rejected", t, out)

    def _on_queue_caller_leave(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        seg = self._queue_seg(m, t, create=False)
        if seg is not None and seg.left_t is None:
            seg.left_t = t

    def _on_queue_caller_abandon(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        seg = self._queue_seg(m, t, create=False) or self._unseen_queue_pass(m, t)
        if seg is None or seg.ended or seg.answered_t is not None:
            return
        seg.abandon_wait = to_float(m.get("HoldTime"), t - seg.start_t)
        chan = self.channels.get(seg.caller_uid)
        if chan is not None and chan.hangup_requested_t is not None:
            self._end(seg, t, "abandoned", "caller", out, wait_s=seg.abandon_wait)
        # else: LEAVEEMPTY also sends QueueCallerAbandon; QUEUESTATUS or the hang-up decides.

    def _unseen_queue_pass(self, m: Mapping[str, str], t: float) -> Segment | None:
        """An abandon from a queue whose join we never saw (started mid-call, or a recording
        without queue events): the caller's unanswered non-queue rings were that queue's."""
        chan = self._chan(m)
        if chan is None or not m.get("Queue"):
            return None
        for seg in self.segs_by_caller.get(chan.uniqueid, ()):
            if seg.queue is None and not seg.ended and seg.answered_t is None:
                seg.queue = m["Queue"]
                return seg
        return self._new_segment(chan.linkedid, m["Queue"], chan, m, t - to_float(m.get("HoldTime")))

    def _on_var_set(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        var = m.get("Variable") or ""
        if var == "QUEUESTATUS":
            self._queue_status(m, t, out)
            return
        if var == "MIXMONITOR_FILENAME":
            linkedid = m.get("Linkedid") or ""
            if linkedid and m.get("Value"):
                self._call(linkedid).recording = m["Value"]
            return
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is None or chan.vars_frozen:
            return
        name = var.lstrip("_")
        if name and not name.startswith(_INTERNAL_VARS):
            chan.vars[name] = m.get("Value", "")

    def _queue_status(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        status = m.get("Value", "")
        chan = self._chan(m)
        if chan is None:
            return
        for seg in reversed(self.segs_by_caller.get(chan.uniqueid, [])):
            if seg.queue is None or seg.ended or seg.answered_t is not None:
                continue
            if seg.left_t is None and seg.abandon_wait is None:
                continue
            if status == "TIMEOUT":
                self._end(seg, t, "no_answer", "system", out)
            elif status in _DROPPED:
                self._end(seg, t, "abandoned", "system", out, wait_s=seg.abandon_wait)
            elif status in _REFUSED:
                self._end(seg, t, "refused", "system", out, wait_s=seg.abandon_wait)
            return
        if status in _REFUSED:
            seg = self._new_segment(chan.linkedid, chan.pending_queue or m.get("Queue") or "?", chan, m, t,
                                    new_pass=True)
            seg.wait_s = 0.0
            self._end(seg, t, "refused", "system", out)

    def _on_user_event(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("UserEvent") == "CallSurvey":
            self._survey(m, t, out)
            return
        if m.get("UserEvent") != "CallbackRequest":
            return
        chan = self._chan(m)
        segs = self.segs_by_caller.get(chan.uniqueid, []) if chan else []
        queue = m.get("Queue") or None
        seg = next((s for s in reversed(segs) if s.queue == queue or queue is None), None)
        if seg is not None and ((seg.ended and seg.key in self._ended_keys) or seg.answered_t is not None):
            return  # already recorded (or answered): a repeated or stray request
        number = m.get("Number") or (seg.caller if seg else (chan.num if chan else ""))
        account = m.get("Account") or (seg.vars.get("CUSTOMER_ACCOUNT") if seg else None)
        call = seg.call if seg else (m.get("Linkedid") or (chan.linkedid if chan else ""))
        out.append(CallbackRequested(t=t, call=call, caller=number, account=account or None,
                                     queue=queue or (seg.queue if seg else None)))
        if seg is not None:
            wait = (seg.left_t or t) - seg.start_t
            self._end(seg, t, "callback_requested", "caller", out, wait_s=wait)

    def _survey(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        """``UserEvent(CallSurvey,Call: <linkedid>,Queue: …,Interface: <member>,Score: 1-5)`` from the
        dialplan's survey after the agent hung up (docs/asterisk.md): a score outside 1–5 is no
        answer and gives nothing."""
        score = (m.get("Score") or "").strip()
        if score not in ("1", "2", "3", "4", "5"):
            return
        chan = self._chan(m)
        call = m.get("Call") or m.get("Linkedid") or (chan.linkedid if chan else "")
        if not call:
            return
        interface = m.get("Interface") or ""
        agent = self.agent_of(interface) if interface else None
        out.append(SurveyAnswered(t=t, call=call, agent=agent, queue=m.get("Queue") or None, score=int(score)))

    def _on_newexten(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("Application") != "Queue":
            return
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is not None and m.get("AppData"):
            chan.pending_queue = m["AppData"].split(",", 1)[0]
