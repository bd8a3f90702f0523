"""One line above the card saying where the call stands: ringing, on call, wrap-up, or idle.

It carries the call's state classes (``-ringing``, ``-on-call``, ``-wrap-up``) so that the
loudest colour on the screen is on one widget with no children: restyling it costs one node,
where a class on the card (or the screen) restyles everything inside it.
"""

from __future__ import annotations

from textual.widgets import Static

from console.i18n import t

STATE_CLASSES = {"ringing": "-ringing", "on_call": "-on-call", "wrap_up": "-wrap-up"}


class CallBanner(Static):
    def show(self, state: str, detail: str = "") -> None:
        self.remove_class(*STATE_CLASSES.values(), update=state not in STATE_CLASSES)
        if state in STATE_CLASSES:
            self.add_class(STATE_CLASSES[state])
        text = t(f"console.banner.{state}")
        self.update(f" {text}  {detail}" if detail else f" {text}", layout=False)  # height and width are fixed
