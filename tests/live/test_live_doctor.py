"""`calldesk doctor` on the real Asterisk: all green with calldesk's sample configuration and its
minimal AMI user; a missing permission, a missing context and an unknown queue each named, exit 1."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from tests.live.floor import LOCAL_MEMBER, LiveFloor, live_settings
from tests.live.lab import Lab

CLASSES_READ, CLASSES_WRITE = "system,call,agent,user,dialplan", "call,agent,originate,reporting"


def _config(tmp_path: Path, lab: Lab, db: str, user: str = "calldesk", secret: str = "calldesk-lab",
            extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'''[center]
locale = "en"
[database]
url = "{db}"
[[pbx]]
name = "main"
host = "127.0.0.1"
port = {lab.ami_port}
username = "{user}"
secret = "{secret}"
{extra}
[[queues]]
name = "retail"
wrapup_s = 3
[[queues]]
name = "vip"
wrapup_s = 3
''', encoding="utf-8")
    return path


def _doctor(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "console", "--config", str(config), "doctor"],
                          capture_output=True, text=True, timeout=60, check=False)


async def test_doctor_is_all_green_on_the_sample_configuration(floor: LiveFloor, tmp_path: Path) -> None:
    await floor.start()
    # The user the whole live suite runs as has exactly the minimal classes docs/asterisk.md names.
    perms = dict(line.strip().split(": ", 1) for line in floor.lab.cli("manager show user calldesk").splitlines()
                 if line.strip().startswith(("read perm:", "write perm:")))
    assert set(perms["read perm"].split(",")) == set(CLASSES_READ.split(",")), perms
    assert set(perms["write perm"].split(",")) == set(CLASSES_WRITE.split(",")), perms
    for ext in ("1001", "1002", "1004"):  # every agent of the live seed; 1004 is the Local member
        await floor.log_in_queue(ext)
    assert LOCAL_MEMBER in floor.lab.members("retail")
    done = _doctor(_config(tmp_path, floor.lab, str(floor.engine.url),
                           extra=f'[pbx.state_interfaces]\n"{LOCAL_MEMBER}" = "PJSIP/1004"'))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert not [line for line in lines if line.strip().startswith(("✗", "!"))], done.stdout
    assert any("Asterisk 22.10.1" in line for line in lines)
    for klass in CLASSES_WRITE.split(","):
        assert any(f"write permission {klass}: present" in line for line in lines), klass
    assert any("events carry Timestamp" in line for line in lines)
    for ext in ("1001", "1002", "1004"):
        assert any(f"agent {ext} " in line and "logged in to retail" in line for line in lines), ext
    assert any("dialplan dialer.abandon_context: s@campaign-abandon exists" in line for line in lines)
    assert "All set" in lines[-1]
    # The probes left nothing behind on the PBX.
    assert floor.lab.channels() == [] and set(floor.lab.members("retail")) == {"PJSIP/1001", "PJSIP/1002", LOCAL_MEMBER}


async def test_doctor_names_a_missing_permission_context_and_queue(floor: LiveFloor, tmp_path: Path) -> None:
    await floor.start()
    # An AMI user like calldesk's without originate: laid into the running PBX, reloaded.
    manager = floor.lab.prefix / "etc" / "asterisk" / "manager.conf"
    before = manager.read_text()
    manager.write_text(before + f"\n[narrow]\nsecret = narrow-lab\ndeny = 0.0.0.0/0.0.0.0\n"
                       f"permit = 127.0.0.1/255.255.255.255\nread = {CLASSES_READ}\nwrite = call,agent,reporting\n")
    floor.lab.cli("manager reload")
    try:
        done = _doctor(_config(tmp_path, floor.lab, str(floor.engine.url), "narrow", "narrow-lab",
                               extra='outbound_context = "no-such-context"'))
    finally:
        manager.write_text(before)
        floor.lab.cli("manager reload")
    assert done.returncode == 1, done.stdout
    failed = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("✗")]
    assert any("write permission originate: missing" in line for line in failed), done.stdout
    assert any("outbound_context: no-such-context does not exist" in line for line in failed), done.stdout
    assert "add originate to the user's write =" in done.stdout
    from console.doctor import examine
    from console.i18n import set_locale

    set_locale("en")
    settings = live_settings(floor.lab, queues=[{"name": "retail"}, {"name": "no-such-queue"}],
                             database={"url": str(floor.engine.url)})
    findings = [f for _, fs in await examine(settings, dt.datetime.now(dt.UTC)) for f in fs]
    assert [f.text for f in findings if f.failed] == [
        "queue no-such-queue is configured in config.toml but Asterisk has no such queue"]
