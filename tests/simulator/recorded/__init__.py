"""Real Asterisk sessions of the flows in ``tests/simulator/flows.py``, replayed offline.

Each ``<flow>.jsonl`` (``<flow>~2.jsonl``: another run, where Asterisk took other options) was
recorded by ``tests/live/test_live_conformance.py`` on the lab's Asterisk 22.10.1
(``CALLDESK_LIVE_RECORD=DIR``), in the capture format; its header says which flow it is
(``scenario``) and which options Asterisk took where it varies (``pins``). Events no bridge
reads (RTCP, CDRs, DTMF, bridge bookkeeping, Asterisk's own statistics variables) are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
NOISE = {"RTCPSent", "RTCPReceived", "Cdr", "DTMFBegin", "DTMFEnd", "DeviceStateChange", "NewConnectedLine",
         "NewCallerid", "MusicOnHoldStart", "MusicOnHoldStop", "BridgeCreate", "BridgeDestroy", "BridgeMerge",
         "LocalBridge", "SuccessfulAuth", "ChallengeSent", "MixMonitorStart", "MixMonitorStop", "PeerStatus",
         "ContactStatus", "Registry", "ChannelTalkingStart", "ChannelTalkingStop", "NewAccountCode"}
# Asterisk's own bookkeeping variables (app_queue's statistics, Dial's times, RTP figures…);
# the dialplan's, QUEUESTATUS, DIALSTATUS and ABANDONED stay.
NOISY_VARIABLES = ("RTPAUDIOQOS", "BRIDGEPEER", "BRIDGEPVTCALLID", "QUEUENAME", "QUEUEMAX", "QUEUESTRATEGY",
                   "QUEUECALLS", "QUEUEHOLDTIME", "QUEUETALKTIME", "QUEUECOMPLETED", "QUEUEABANDONED",
                   "QUEUESRVLEVEL", "QUEUEPOSITION", "ANSWEREDTIME", "DIALEDTIME", "DIALEDPEER", "MEMBER",
                   "MIXMONITOR", "ATTENDEDTRANSFER", "TRANSFERERNAME", "BLINDTRANSFER", "SIPCALLID",
                   "PJSIP", "READSTATUS", "FORWARD_CONTEXT", "RINGTIME", "PROGRESSTIME", "SHARED")


def _noise(raw: str) -> bool:
    head = raw.split("\r\n", 2)
    event = head[0].removeprefix("Event: ") if head[0].startswith("Event: ") else None
    if event in NOISE:
        return True
    return event == "VarSet" and any(f"\r\nVariable: {name}" in raw for name in NOISY_VARIABLES)


def save(recording: Path, dest: Path, flow: str, pins: dict[str, list[str]]) -> Path:
    """Keep a real recording for the offline replay: its flow and pins in the header, noise out."""
    lines = recording.read_text(encoding="utf-8").splitlines()
    header = {"scenario": flow, "asterisk_version": "22.10.1", "pins": pins,
              "description": f"tests/simulator/flows.py {flow} on the lab's Asterisk (tests/live)"}
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for text in lines[1:]:
            line = json.loads(text)
            if line["dir"] == "recv" and _noise(line["raw"]):
                continue
            line.pop("raw_b64", None)  # the recorder keeps both; raw is exact for UTF-8
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return dest


def recordings() -> dict[str, Path]:
    """Recording name (file stem) -> path."""
    return {path.stem: path for path in sorted(HERE.glob("*.jsonl"))}


def header(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.loads(f.readline())
