"""`calldesk console` freezes its start-up heap once the agent screen is up, so that full garbage
collections no longer walk it in the middle of a pop (issue 18: 70 ms on average, up to 150 ms).
Tests' apps do not: gc.freeze is process-wide and pytest runs many apps in one process."""

from __future__ import annotations

import gc

import pytest

from tests.tui.offline import offline_app, settle


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_the_console_freezes_the_start_up_heap_after_its_first_frame(tmp_path, unfrozen):
    app = offline_app(tmp_path, freeze_heap=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        for _ in range(40):
            if gc.get_freeze_count():
                break
            await pilot.pause(0.05)
        assert gc.get_freeze_count() > 0


async def test_an_app_not_asked_to_leaves_the_collector_alone(tmp_path, unfrozen):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)
        assert gc.get_freeze_count() == 0


def test_calldesk_console_asks_for_it(monkeypatch):
    import argparse

    from console.cli import console as cli
    from console.tui import app as tui_app

    made = {}

    class Recorded:
        login_error, return_code = None, 0

        def __init__(self, **kwargs):
            made.update(kwargs)

        def run(self):
            pass

    monkeypatch.setattr(tui_app, "AgentApp", Recorded)
    monkeypatch.setenv("CALLDESK_TOKEN", "t")
    args = argparse.Namespace(config=None, server="http://127.0.0.1:1", user=None, ca=None)
    assert cli.run(args) == 0
    assert made["freeze_heap"] is True
