"""Against a real server: the agent plays a call's recording from the contact history (Ctrl+R).
The console saves it through the API and starts the configured player on the file; a call
without a recording, or someone else's call, is refused with the reason and leaves nothing."""

from __future__ import annotations

from pathlib import Path

from console.config import RecordingSettings
from console.tui.agent.timeline import Timeline
from tests.server.conftest import server_settings
from tests.server.test_recordings import AUDIO, MONITOR, call_row
from tests.tui.floor import until


async def test_ctrl_r_saves_the_selected_calls_recording_and_plays_it(floor, seeded_engine, seed, tmp_path: Path):
    monitor = tmp_path / "pbx-monitor"
    monitor.mkdir()
    (monitor / "1795372966.0.wav").write_bytes(AUDIO)
    recorded = call_row(seeded_engine, seed, recording=f"{MONITOR}/1795372966.0.wav")
    other = call_row(seeded_engine, seed, agent="agent2", recording=f"{MONITOR}/1795372966.0.wav", linkedid="x.2")
    silent = call_row(seeded_engine, seed, recording=None, linkedid="x.3")
    settings = server_settings(recordings=RecordingSettings(root=str(monitor)))
    await floor.start_server(settings=settings)
    played = tmp_path / "played.wav"
    app = await floor.console("agent1", player=f"cp {{file}} {played}")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.agent_screen
        timeline = screen.query_one(Timeline)
        screen.open_customer(await app.ctx.client.customer(seed.known))
        await until(pilot, lambda: timeline.row_count >= 3)

        def select(interaction: int) -> None:
            timeline.move_cursor(row=timeline.get_row_index(str(interaction)))

        select(silent)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: any("没有录音" in str(n.message) for n in app._notifications))

        select(other)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: any("无权收听" in str(n.message) for n in app._notifications))

        select(recorded)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: played.exists() and played.read_bytes() == AUDIO)
        saved = tmp_path / "recordings-agent1" / f"calldesk-{recorded}.wav"
        assert saved.read_bytes() == AUDIO
        assert sorted(p.name for p in saved.parent.iterdir()) == [saved.name]  # the refusal left nothing
        await until(pilot, lambda: any("正在播放录音" in str(n.message) for n in app._notifications))
