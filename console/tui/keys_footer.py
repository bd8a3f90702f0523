"""The footer of key hints, rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes (removes and mounts every ``FooterKey``) each time the screen
publishes ``bindings_updated``, which it does on every focus change: a pop that focuses the
candidate list, a card cleared that hides the focused widget. The agent console's keys are the
same before and after, so that work was all waste, and it landed in the frame that paints the
pop (profiled: FooterKey mounting and ``_watch_compact`` restyling, about a fifth of a pop).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A ``Footer`` that compares what it would show with what it shows before recomposing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[Any, ...] | None = None
        self.rebuilds = 0  # how many times the keys were composed (tests read it)

    def _keys(self) -> tuple[Any, ...]:
        """Everything of the screen's bindings that ``Footer.compose`` puts on screen."""
        app, active = self.app, self.screen.active_bindings
        keys = [(binding, enabled, tooltip) for _, binding, enabled, tooltip in active.values() if binding.show]
        palette = active.get(app.COMMAND_PALETTE_BINDING)  # shown even when its binding is not
        if palette is not None:
            keys.append(palette[1:])
        return tuple((binding.key, app.get_key_display(binding), binding.description, binding.action, binding.group,
                      enabled, tooltip) for binding, enabled, tooltip in keys), self.show_command_palette

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys()
            self.rebuilds += 1
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        # Footer.bindings_changed, with the comparison. The keys are noted when the rebuild is
        # scheduled: focus changes publish several times before it runs, and would each add one.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            self.call_after_refresh(self.recompose)
