"""Typed AMI actions: each function returns the header dict of one action, ready to send.

The names and headers are Asterisk's (see the Manager action docs); ``ActionID`` is added by
the connection. Only forms that Asterisk answers with one response (or an ``EventList``) are
built here: Originate is always ``Async: true`` so that its outcome arrives later as an
``OriginateResponse`` event instead of blocking the reply for the whole ring time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Literal

Headers = dict[str, str | list[str]]
SpyMode = Literal["listen", "whisper", "barge"]

# ChanSpy options: q = no beep, E = end when the spied channel hangs up; w = whisper, B = barge.
_SPY_OPTIONS: dict[str, str] = {"listen": "qE", "whisper": "qEw", "barge": "qEB"}


def _flag(value: bool) -> str:
    return "true" if value else "false"


def login(username: str, secret: str, *, events: bool = False) -> Headers:
    return {"Action": "Login", "Username": username, "Secret": secret, "Events": "on" if events else "off"}


def challenge() -> Headers:
    return {"Action": "Challenge", "AuthType": "MD5"}


def login_md5(username: str, secret: str, challenge_text: str, *, events: bool = False) -> Headers:
    """Login answering an MD5 ``Challenge``: the secret never crosses the wire."""
    key = hashlib.md5((challenge_text + secret).encode("utf-8")).hexdigest()
    return {"Action": "Login", "AuthType": "MD5", "Username": username, "Key": key,
            "Events": "on" if events else "off"}


def ping() -> Headers:
    return {"Action": "Ping"}


def logoff() -> Headers:
    return {"Action": "Logoff"}


def events(on: bool = True) -> Headers:
    return {"Action": "Events", "EventMask": "on" if on else "off"}


def originate(
    channel: str,
    *,
    exten: str | None = None,
    context: str | None = None,
    priority: int = 1,
    application: str | None = None,
    data: str | None = None,
    caller_id: str | None = None,
    variables: Mapping[str, str] | None = None,
    timeout_ms: int = 30000,
    account: str | None = None,
) -> Headers:
    """Originate to an extension (exten + context) or to an application; always asynchronous."""
    if (exten is None) == (application is None):
        raise ValueError("originate needs either exten/context or application, not both")
    out: Headers = {"Action": "Originate", "Channel": channel, "Timeout": str(timeout_ms), "Async": "true"}
    if application is not None:
        out["Application"] = application
        if data is not None:
            out["Data"] = data
    elif exten is not None:  # always, when there is no application (checked above)
        if context is None:
            raise ValueError("originate to an extension needs a context")
        out.update({"Exten": exten, "Context": context, "Priority": str(priority)})
    if caller_id:
        out["CallerID"] = caller_id
    if account:
        out["Account"] = account
    if variables:
        out["Variable"] = [f"{k}={v}" for k, v in variables.items()]
    return out


def chanspy(supervisor_ext: str, target_channel: str, mode: SpyMode, *, context: str = "agents") -> Headers:
    """A supervisor listens to, whispers to or barges into an agent's call.

    The supervisor's phone is rung through ``Local/<ext>@<context>`` (so their own dialplan,
    devices and follow-me apply) and, once answered, runs ChanSpy on the target channel.
    """
    try:
        options = _SPY_OPTIONS[mode]
    except KeyError:
        raise ValueError(f"chanspy mode {mode!r} is not one of {sorted(_SPY_OPTIONS)}") from None
    return originate(
        f"Local/{supervisor_ext}@{context}",
        application="ChanSpy",
        data=f"{target_channel},{options}",
        caller_id=f"Spy <{supervisor_ext}>",
    )


SIMULATOR_MARK = "calldesk-simulator"
"""The end of the AsteriskVersion calldesk's PBX simulator gives in CoreSettings."""


def core_settings() -> Headers:
    """The PBX's version and settings (write class system or reporting)."""
    return {"Action": "CoreSettings"}


def hangup(channel: str, cause: int | None = None) -> Headers:
    out: Headers = {"Action": "Hangup", "Channel": channel}
    if cause is not None:
        out["Cause"] = str(cause)
    return out


def redirect(channel: str, exten: str, context: str, priority: int = 1) -> Headers:
    return {"Action": "Redirect", "Channel": channel, "Exten": exten, "Context": context, "Priority": str(priority)}


def blind_transfer(channel: str, exten: str, context: str) -> Headers:
    return {"Action": "BlindTransfer", "Channel": channel, "Exten": exten, "Context": context}


def atxfer(channel: str, exten: str, context: str) -> Headers:
    return {"Action": "Atxfer", "Channel": channel, "Exten": exten, "Context": context}


def queue_pause(interface: str, paused: bool, reason: str | None = None, queue: str | None = None) -> Headers:
    """Without ``queue`` Asterisk pauses the member in every queue it belongs to."""
    out: Headers = {"Action": "QueuePause", "Interface": interface, "Paused": _flag(paused)}
    if queue:
        out["Queue"] = queue
    if reason:
        out["Reason"] = reason
    return out


def queue_add(
    queue: str,
    interface: str,
    member_name: str | None = None,
    penalty: int = 0,
    paused: bool = False,
    state_interface: str | None = None,
    reason: str | None = None,
) -> Headers:
    out: Headers = {"Action": "QueueAdd", "Queue": queue, "Interface": interface,
                    "Penalty": str(penalty), "Paused": _flag(paused)}
    if member_name:
        out["MemberName"] = member_name
    if state_interface:
        out["StateInterface"] = state_interface
    if paused and reason:
        out["Reason"] = reason
    return out


def queue_remove(queue: str, interface: str) -> Headers:
    return {"Action": "QueueRemove", "Queue": queue, "Interface": interface}


def queue_status(queue: str | None = None, member: str | None = None) -> Headers:
    out: Headers = {"Action": "QueueStatus"}
    if queue:
        out["Queue"] = queue
    if member:
        out["Member"] = member
    return out


def queue_summary(queue: str | None = None) -> Headers:
    out: Headers = {"Action": "QueueSummary"}
    if queue:
        out["Queue"] = queue
    return out


def core_show_channels() -> Headers:
    return {"Action": "CoreShowChannels"}


def status(channel: str | None = None, variables: list[str] | None = None) -> Headers:
    out: Headers = {"Action": "Status"}
    if channel:
        out["Channel"] = channel
    if variables:
        out["Variables"] = ",".join(variables)
    return out


def setvar(variable: str, value: str, channel: str | None = None) -> Headers:
    out: Headers = {"Action": "Setvar", "Variable": variable, "Value": value}
    if channel:
        out["Channel"] = channel
    return out


def getvar(variable: str, channel: str | None = None) -> Headers:
    out: Headers = {"Action": "Getvar", "Variable": variable}
    if channel:
        out["Channel"] = channel
    return out
