"""Key bindings as data: an id, a default key, an action and a translated description.

A center remaps keys in config.toml (``[console.keys] "agent.answer" = "f5"``); the ids are
Textual binding ids, so the App's keymap does the rest. Descriptions are translated when a
screen is built, not when this module is imported, so the locale chosen at start-up applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from console.i18n import t


@dataclass(frozen=True)
class KeySpec:
    id: str
    key: str
    action: str
    description: str  # an i18n key
    show: bool = True
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.key, self.action, t(self.description), show=self.show,
                       id=self.id, priority=self.priority)


AGENT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("agent.keys", "f1", "show_keys", "console.key.keys"),
    KeySpec("agent.kb", "f2", "focus_kb", "console.key.kb"),
    KeySpec("agent.search", "f3", "focus_search", "console.key.search"),
    KeySpec("agent.verify", "f4", "verify", "console.key.verify"),
    KeySpec("agent.answer", "f5", "answer", "console.key.answer"),
    KeySpec("agent.hangup", "f6", "hangup", "console.key.hangup"),
    KeySpec("agent.transfer", "f7", "transfer", "console.key.transfer"),
    KeySpec("agent.pause", "f8", "pause", "console.key.pause"),
    KeySpec("agent.ticket", "f9", "new_ticket", "console.key.ticket"),
    KeySpec("agent.followup", "f10", "new_followup", "console.key.followup"),
    KeySpec("agent.wrapup", "f11", "focus_wrapup", "console.key.wrapup"),
    KeySpec("agent.dial", "f12", "dial", "console.key.dial"),
    KeySpec("agent.queues", "ctrl+l", "queues", "console.key.queues", show=False),
    KeySpec("agent.tickets", "ctrl+t", "focus_tickets", "console.key.tickets", show=False),
    KeySpec("agent.followups", "ctrl+u", "focus_followups", "console.key.followups", show=False),
    KeySpec("agent.recording", "ctrl+r", "play_recording", "console.key.recording", show=False),
    KeySpec("agent.my_customers", "ctrl+k", "my_customers", "console.key.my_customers", show=False),
    KeySpec("agent.my_reviews", "ctrl+j", "my_reviews", "console.key.my_reviews", show=False),
)

LEAD_OFFER_KEYS: tuple[KeySpec, ...] = (  # the preview dialog (console.tui.agent.lead_offer)
    KeySpec("lead.dial", "f5", "dial_lead", "console.lead.dial"),
    KeySpec("lead.skip", "f6", "skip_lead", "console.lead.skip"),
)

FORM_KEYS: tuple[KeySpec, ...] = (
    KeySpec("form.cancel", "escape", "cancel", "console.form.cancel"),
    KeySpec("form.submit", "ctrl+s", "submit", "console.form.submit", priority=True),
)


def install(node: DOMNode, specs: tuple[KeySpec, ...]) -> None:
    """Give ``node`` the bindings of ``specs`` in the current locale (call from ``__init__``)."""
    # Class-level BINDINGS are frozen at import, before the locale is known; an instance's
    # map is what Textual consults (and what the App's keymap remaps by id).
    merged = node._bindings
    extra = BindingsMap([spec.binding() for spec in specs])
    for key, bindings in extra.key_to_bindings.items():
        merged.key_to_bindings[key] = bindings


def actions(specs: tuple[KeySpec, ...]) -> list[tuple[str, str, str]]:
    """(action, description, key) of every spec, for the command palette and F1."""
    return [(s.action, t(s.description), s.key) for s in specs]
