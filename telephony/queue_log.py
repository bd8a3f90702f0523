"""Asterisk's own record of its queues, ``queue_log``, read into queue passes (pure).

app_queue writes one line per queue event: ``time|callid|queuename|agent|event|data1..data5``.
With realtime (res_config_pgsql, docs/asterisk.md "queue_log in PostgreSQL") the lines are rows
of a table in calldesk's database. calldesk reads them to record the calls that no server saw:
those that began and ended while every server was down, or while no server held the PBX's
link (console/server/reconcile.py). A pass written here has the key the live recorder uses,
(pbx, linkedid, queue, pass_no), so that a pass both saw is stored once.

Events read (Asterisk 22; tests/fixtures/queue_log/README.md has what the lab's Asterisk wrote):

* ``ENTERQUEUE`` (data2: the caller's number): a pass begins; the n-th entry of a call into a
  queue is its pass n.
* ``CONNECT`` (data1: holdtime): the pass was answered by ``agent``.
* ``COMPLETECALLER`` / ``COMPLETEAGENT`` (data1 holdtime, data2 calltime): answered, ended by the
  caller / the agent.
* ``BLINDTRANSFER`` / ``ATTENDEDTRANSFER`` (data3 holdtime, data4 calltime): answered, the agent
  transferred the caller on (its next pass, if into a queue, is an entry of its own).
* ``ABANDON`` (data3: waittime): the caller hung up waiting.
* ``EXITWITHTIMEOUT`` (data3: waittime): the queue's timeout: no agent answered.
* ``EXITEMPTY`` (data3: waittime): the queue emptied (leavewhenempty).
* ``EXITWITHKEY`` (data1: the key, data4: waittime): the caller keyed out (the lab's 1 = a
  callback request).

``callid`` is the caller's channel's Uniqueid; for an inbound call that is the call's Linkedid
(the first channel of the call), which is what the live recorder keys by.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telephony.events import HangupBy, Outcome


@dataclass(frozen=True, slots=True)
class Row:
    """One queue_log line. ``t``: Unix time."""

    t: float
    callid: str
    queue: str
    agent: str
    event: str
    data1: str = ""
    data2: str = ""
    data3: str = ""
    data4: str = ""
    data5: str = ""


@dataclass(frozen=True, slots=True)
class Pass:
    """One pass of a call through a queue, as queue_log tells it: what an ``ended`` would say."""

    call: str
    queue: str
    pass_no: int
    caller: str
    agent: str | None  # the queue_log's agent column (a member name or an interface); None: unanswered
    outcome: Outcome
    hangup_by: HangupBy
    wait_s: float
    talk_s: float
    t: float  # when it ended


# event -> (outcome, hangup_by, the data field of the wait, the data field of the talk time)
_ENDS: dict[str, tuple[Outcome, HangupBy, int, int | None]] = {
    "COMPLETECALLER": ("answered", "caller", 1, 2),
    "COMPLETEAGENT": ("answered", "agent", 1, 2),
    "BLINDTRANSFER": ("answered", "agent", 3, 4),
    "ATTENDEDTRANSFER": ("answered", "agent", 3, 4),
    "TRANSFER": ("answered", "agent", 3, 4),  # before Asterisk 12
    "ABANDON": ("abandoned", "caller", 3, None),
    "EXITWITHTIMEOUT": ("no_answer", "system", 3, None),
    "EXITEMPTY": ("abandoned", "system", 3, None),
    "EXITWITHKEY": ("callback_requested", "caller", 4, None),
}
ENDING_EVENTS = frozenset(_ENDS)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        return 0.0
    return seconds if seconds >= 0 else 0.0


@dataclass(slots=True)
class _Open:
    pass_no: int
    caller: str
    agent: str | None = None


def passes(rows: Iterable[Row]) -> list[Pass]:
    """Every ended pass in ``rows`` (one call's rows, or many calls' interleaved; in time order
    per call). A pass whose entry is not among the rows (it began before them) is pass 1 of its
    queue unless an earlier entry is there; an entry with no end yet gives nothing.

    A call transferred back into the queue it is in has two passes open there for a moment, and
    Asterisk writes the transfer and the new entry in either order: a CONNECT is the unanswered
    pass's, an answered end (a completion, a transfer) the answered pass's, any other end the
    unanswered pass's; the oldest such first."""
    entries: dict[tuple[str, str], int] = {}  # (call, queue) -> entries seen
    open_: dict[tuple[str, str], list[_Open]] = {}
    out: list[Pass] = []
    for row in rows:
        key = (row.callid, row.queue)
        if row.event == "ENTERQUEUE":
            entries[key] = entries.get(key, 0) + 1
            open_.setdefault(key, []).append(_Open(entries[key], row.data2))
        elif row.event == "CONNECT":
            waiting = [p for p in open_.get(key, ()) if p.agent is None]
            if waiting:
                waiting[0].agent = row.agent
            else:  # its entry is before the rows read
                open_.setdefault(key, []).append(_Open(max(1, entries.get(key, 0)), "", row.agent))
        elif row.event in _ENDS:
            outcome, by, wait_at, talk_at = _ENDS[row.event]
            answered = outcome == "answered"
            candidates = open_.get(key, [])
            match = next((p for p in candidates if (p.agent is not None) == answered), None)
            match = match or (candidates[0] if candidates else _Open(max(1, entries.get(key, 0)), ""))
            if match in candidates:
                candidates.remove(match)
            data = (row.data1, row.data2, row.data3, row.data4, row.data5)
            agent = match.agent or (row.agent if answered else None)
            out.append(Pass(
                call=row.callid, queue=row.queue, pass_no=match.pass_no, caller=match.caller,
                agent=agent if agent and agent != "NONE" else None, outcome=outcome, hangup_by=by,
                wait_s=_seconds(data[wait_at - 1]), talk_s=_seconds(data[talk_at - 1]) if talk_at else 0.0,
                t=row.t,
            ))
    return out


def split_data(data: str) -> tuple[str, str, str, str, str]:
    """data1..data5 of a row Asterisk wrote in its non-adaptive form (one ``data`` column, the
    fields joined with ``|``: when the table was missing or PostgreSQL down as Asterisk started)."""
    parts = (data.split("|") + [""] * 5)[:5]
    return parts[0], parts[1], parts[2], parts[3], parts[4]
