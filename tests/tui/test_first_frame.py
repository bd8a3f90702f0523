"""The console's first frame is its "connecting" line, painted before the log-in imports the HTTP
client and the agent screen (issue 18: those imports ran on the loop before the first frame)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, sys
from console.tui.app import AgentApp, ConnectingScreen
from console.tui.client import ApiError

seen = {"imported_with_the_app": "console.tui.agent.screen" in sys.modules}

async def connect():
    label = app.screen.query_one("#connecting")
    seen["screen"] = type(app.screen).__name__
    seen["line_laid_out"] = label.region.width > 0
    seen["agent_screen_imported"] = "console.tui.agent.screen" in sys.modules
    raise ApiError(401, "refused", "no")

app = AgentApp(connect=connect)
app.run(headless=True, size=(80, 10))
print(json.dumps(seen))
"""


def test_the_connecting_line_is_on_screen_before_the_agent_screen_is_imported():
    # A fresh interpreter: the other tests have imported the agent screen long ago.
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"imported_with_the_app": False, "screen": "ConnectingScreen", "line_laid_out": True,
                    "agent_screen_imported": False}
