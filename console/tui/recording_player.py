"""A call's recording from the console: saved into a folder, then handed to the system's player.

A terminal cannot play audio itself, so the console downloads the recording through the API
(the server checks who may hear it and audits the access) into ``[console] recordings_dir`` and,
when ``[console] player`` names a command (``aplay {file}``, ``mpv --no-video {file}``,
``xdg-open {file}``), starts it on the file without waiting; with no player the agent is told
where the file is. Nothing here knows about Textual.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class Downloads(Protocol):
    async def download(self, path: str, dest: object) -> int: ...


@dataclass(frozen=True, slots=True)
class Fetched:
    file: Path
    size: int
    playing: bool  # the player was started on it

    def said(self) -> str:
        """What the console tells the user: playing it, or where it was saved."""
        from console.i18n import t

        return t("console.recording.playing" if self.playing else "console.recording.saved", file=str(self.file))


class RecordingPlayer:
    def __init__(self, client: Downloads, folder: Path, player: str = "") -> None:
        self._client = client
        self._folder = folder
        self._player = player

    async def fetch(self, interaction_id: int | str) -> Fetched:
        """Download the recording of contact ``interaction_id`` and start the player on it.
        ApiError when the server refuses (its message says why); nothing is left behind then."""
        self._folder.mkdir(parents=True, exist_ok=True)
        target = self._folder / f"calldesk-{interaction_id}.wav"
        fd, temporary = tempfile.mkstemp(dir=self._folder, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                size = await self._client.download(f"/api/interactions/{interaction_id}/recording", out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)  # noqa: ASYNC240 - one local file, on the way out
            raise
        return Fetched(target, size, await self._play(target))

    async def _play(self, file: Path) -> bool:
        if not self._player.strip():
            return False
        words = [word.replace("{file}", str(file)) for word in shlex.split(self._player)]
        if not any("{file}" in word for word in shlex.split(self._player)):
            words.append(str(file))
        try:
            await asyncio.create_subprocess_exec(*words, stdin=asyncio.subprocess.DEVNULL,
                                                 stdout=asyncio.subprocess.DEVNULL,
                                                 stderr=asyncio.subprocess.DEVNULL, start_new_session=True)
        except OSError:
            return False
        return True
