"""The AMI actions the simulator answers, with Asterisk's messages (captures 06-10).

``handle(pbx, message)`` returns a :class:`Reply`. Unknown actions get Asterisk's
``Response: Error`` / ``Message: Invalid/unknown command``. Login, Challenge, Events and
Logoff belong to the session (server.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telephony.actions import SIMULATOR_MARK
from telephony.simulator import inspect, members
from telephony.simulator.call_actions import (
    atxfer,
    blind_transfer,
    calldesk_answer,
    hangup,
    need,
    originate_action,
    redirect,
)
from telephony.simulator.members import ActionError
from telephony.simulator.pbx import Pbx
from telephony.simulator.replies import Reply, error, success

log = logging.getLogger(__name__)
Message = dict[str, str]
Handler = Callable[[Pbx, Message], Reply]
TRUE = {"true", "yes", "1", "on", "y", "t"}


def queue_add(pbx: Pbx, msg: Message) -> Reply:
    queue, interface = need(msg, "Queue", "Interface")
    text = members.add(pbx, queue, interface, msg.get("MemberName", ""), int(msg.get("Penalty") or 0),
                       msg.get("Paused", "").lower() in TRUE, msg.get("Reason", ""), msg.get("StateInterface", ""))
    return success(text)


def queue_remove(pbx: Pbx, msg: Message) -> Reply:
    return success(members.remove(pbx, *need(msg, "Queue", "Interface")))


def queue_pause(pbx: Pbx, msg: Message) -> Reply:
    interface, paused = need(msg, "Interface", "Paused")
    return success(members.pause(pbx, interface, paused.lower() in TRUE, msg.get("Reason", ""), msg.get("Queue")))


def queue_penalty(pbx: Pbx, msg: Message) -> Reply:
    interface, value = need(msg, "Interface", "Penalty")
    return success(members.penalty(pbx, interface, int(value), msg.get("Queue")))


def queue_log(pbx: Pbx, msg: Message) -> Reply:
    need(msg, "Queue", "Event")
    return success("Event added successfully")


def setvar(pbx: Pbx, msg: Message) -> Reply:
    variable, value = need(msg, "Variable")[0], msg.get("Value", "")
    if msg.get("Channel"):
        channel = pbx.channel_by_name(msg["Channel"])
        if channel is None:
            raise ActionError("No such channel")
        return Reply(success("Variable Set").response, effect=lambda: pbx.set_var(channel, variable, value))
    pbx.globals[variable] = value
    return success("Variable Set")


def getvar(pbx: Pbx, msg: Message) -> Reply:
    (variable,) = need(msg, "Variable")
    if msg.get("Channel"):
        channel = pbx.channel_by_name(msg["Channel"])
        if channel is None:
            raise ActionError("No such channel")
        value = channel.vars.get(variable, channel.vars.get(f"__{variable}", ""))
    else:
        value = pbx.globals.get(variable, "")
    return success(None, Variable=variable, Value=value)


SIMULATOR_VERSION = f"22.10.1-{SIMULATOR_MARK}"
"""What the simulator says it is (CoreSettings AsteriskVersion): the Asterisk it imitates, and
that it is not one (calldesk lets demo campaigns dial only here)."""


def core_settings(pbx: Pbx, msg: Message) -> Reply:
    return success(None, AMIversion="11.0.0", AsteriskVersion=SIMULATOR_VERSION, SystemName="calldesk-simulator")


HANDLERS: dict[str, Handler] = {
    "queueadd": queue_add, "queueremove": queue_remove, "queuepause": queue_pause,
    "queuepenalty": queue_penalty, "queuelog": queue_log, "hangup": hangup,
    "blindtransfer": blind_transfer, "atxfer": atxfer, "redirect": redirect,
    "originate": originate_action, "calldeskanswer": calldesk_answer, "setvar": setvar, "getvar": getvar,
    "queuestatus": inspect.queue_status, "queuesummary": inspect.queue_summary,
    "coreshowchannels": inspect.core_show_channels, "status": inspect.status, "coresettings": core_settings,
}


def handle(pbx: Pbx, msg: Message) -> Reply:
    handler = HANDLERS.get(msg.get("Action", "").lower())
    if handler is None:
        return error("Invalid/unknown command")
    pbx.held = []
    try:
        reply = handler(pbx, msg)
    except ActionError as exc:
        return error(str(exc))
    except ValueError as exc:
        return error(f"Invalid value: {exc}")
    except Exception:  # a simulator bug must cost one action, not the session
        log.exception("simulator: action %s failed", msg.get("Action"))
        return error("Internal error")
    finally:
        held, pbx.held = pbx.held, None
    if held:
        then = reply.effect

        def effect() -> None:
            for fields in held:
                pbx.emit(fields)
            if then is not None:
                then()

        reply.effect = effect
    return reply
