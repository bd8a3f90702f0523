"""The real Asterisk of the live tests: ``../shared/asterisk`` started once per session.

The lab's configuration is laid over with calldesk's own sample files (``docs/asterisk/*.conf``,
through the start script's ``ETC_DIR``), so the dialplan the docs give administrators is the one
the tests run. ``cli()`` runs an Asterisk CLI command (what Asterisk itself says it did);
``reset()`` puts the PBX back to an idle floor between tests (no channels, no queue members).

The lab's phones and carrier have fixed addresses, so two test sessions on one machine would
ring each other's phones. ``CALLDESK_LIVE_SLOT=k`` (default 0: the lab's own addresses) moves
this session's phones to ports ``5071 + 100k``… and its carrier to ``127.0.0.(2 + k)``, in a
``pjsip.conf`` written from the lab's.
"""

from __future__ import annotations

import math
import os
import re
import signal
import socket
import struct
import subprocess
import time
import wave
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_ASTERISK = ROOT.parent / "shared" / "asterisk"
SAMPLE_CONFIG = ROOT / "docs" / "asterisk"
AMI_USER, AMI_SECRET = "calldesk", "calldesk-lab"  # docs/asterisk/manager.conf: the minimal classes
# The tests' own witness of what Asterisk did (every class, RTCP and CDRs too): a second user laid
# into the lab's manager.conf next to calldesk's, never calldesk's.
OBSERVER_USER, OBSERVER_SECRET = "lab-observer", "lab-observer"
# Prompts of calldesk's sample dialplan that the lab does not have (a center records its own).
EXTRA_SOUNDS = {"campaign-sorry": (1.0, 480), "calldesk-blocked": (1.0, 400), "calldesk-survey": (1.0, 520)}


def slot() -> int:
    return int(os.environ.get("CALLDESK_LIVE_SLOT") or 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unavailable_reason() -> str | None:
    """Why the live tests cannot run here, or None."""
    if not (SHARED_ASTERISK / "start").exists():
        return f"no real Asterisk at {SHARED_ASTERISK} (the live tests need ../shared/asterisk)"
    if subprocess.run(["sh", "-c", "command -v sipp"], capture_output=True, check=False).returncode != 0:
        return "sipp is not installed (Debian package sip-tester): no phones or callers"
    return None


class CannotRunHere(RuntimeError):
    """The prebuilt Asterisk cannot execute on this machine's CPU: no configuration can fix that."""


def _cpu() -> tuple[str, set[str]]:
    """This machine's CPU model and instruction-set flags (``/proc/cpuinfo``)."""
    model, flags = "unknown CPU", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown CPU":
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    return model, flags


def cpu_refusal(prefix: Path, timeout: float = 15.0) -> str | None:
    """Why the unpacked Asterisk at ``prefix`` cannot run on this CPU, or None.

    Run in the foreground: an Asterisk built for instructions this CPU lacks (the prebuilt
    22.10.1 uses AVX-512) dies at once on SIGILL, silently, before it logs anything; the start
    script only sees no AMI port. One that runs is stopped again."""
    binary, conf = prefix / "sbin" / "asterisk", prefix / "etc" / "asterisk" / "asterisk.conf"
    if not binary.exists() or not conf.exists():
        return None
    env = dict(os.environ, LD_LIBRARY_PATH=str(prefix / "lib"))
    proc = subprocess.Popen([str(binary), "-f", "-C", str(conf)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None
    if code != -signal.SIGILL:
        return None
    model, flags = _cpu()
    avx512 = "has AVX-512" if "avx512f" in flags else "has no AVX-512 (avx512f)"
    return (f"the prebuilt Asterisk 22.10.1 of ../shared/asterisk stops on an illegal instruction (SIGILL) "
            f"on this CPU ({model}, which {avx512}): it was built for a newer instruction set, so no "
            f"live test can run on this machine")


@dataclass
class Lab:
    rundir: Path
    ami_port: int
    sip_port: int
    slot: int = 0
    queue_log_url: str | None = None
    """The PostgreSQL database Asterisk writes its queue_log into (made at start); None: none."""
    _queue_log_made: bool = False

    @property
    def prefix(self) -> Path:
        return self.rundir / "asterisk-22.10.1"

    @property
    def monitor(self) -> Path:
        """Where MixMonitor writes the calls' recordings (the install's spool)."""
        return self.prefix / "var" / "spool" / "asterisk" / "monitor"

    @property
    def carrier_ip(self) -> str:
        return f"127.0.0.{2 + self.slot}"

    def phone_port(self, ext: str) -> int:
        return 5070 + int(ext[-1]) + 100 * self.slot

    def _etc(self) -> Path:
        """calldesk's sample files, and the lab's pjsip.conf with this slot's addresses."""
        etc = self.rundir / "etc-overlay"
        etc.mkdir(exist_ok=True)
        for conf in SAMPLE_CONFIG.glob("*.conf"):
            (etc / conf.name).write_bytes(conf.read_bytes())
        with (etc / "manager.conf").open("a") as manager:
            manager.write(f"\n[{OBSERVER_USER}]\nsecret = {OBSERVER_SECRET}\ndeny = 0.0.0.0/0.0.0.0\n"
                          "permit = 127.0.0.1/255.255.255.255\nread = all\nwrite = all\n")
        pjsip = (SHARED_ASTERISK / "etc" / "pjsip.conf").read_text()
        pjsip = re.sub(r"sip:(\d{4})@127\.0\.0\.1:(\d+)",
                       lambda m: f"sip:{m.group(1)}@127.0.0.1:{self.phone_port(m.group(1))}", pjsip)
        (etc / "pjsip.conf").write_text(pjsip.replace("127.0.0.2", self.carrier_ip))
        rtp = 20000 + 1000 * self.slot
        (etc / "rtp.conf").write_text(f"[general]\nrtpstart = {rtp}\nrtpend = {rtp + 999}\n")
        if self.queue_log_url is not None:
            self._queue_log(etc)
        return etc

    def _queue_log(self, etc: Path) -> None:
        """Asterisk writes its queue_log into this session's PostgreSQL database, as
        docs/asterisk.md "queue_log in PostgreSQL" tells an administrator: the table first (the
        docs' SQL), then res_pgsql.conf, extconfig.conf and logger.conf's two lines."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(self.queue_log_url or "")
        if not self._queue_log_made:  # once a session: a restart of Asterisk keeps what it wrote
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            admin.dispose()
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql((SAMPLE_CONFIG / "queue_log" / "queue_log.sql").read_text())
            engine.dispose()
            self._queue_log_made = True
        samples = SAMPLE_CONFIG / "queue_log"
        (etc / "extconfig.conf").write_text((samples / "extconfig.conf").read_text())
        fills = {"@@DBHOST@@": url.host or "127.0.0.1", "@@DBPORT@@": str(url.port or 5432),
                 "@@DBNAME@@": url.database or "", "@@DBUSER@@": url.username or "postgres",
                 "@@DBPASS@@": url.password or ""}
        res_pgsql = (samples / "res_pgsql.conf").read_text()
        for mark, value in fills.items():
            res_pgsql = res_pgsql.replace(mark, str(value))
        (etc / "res_pgsql.conf").write_text(res_pgsql)
        logger = (SHARED_ASTERISK / "etc" / "logger.conf").read_text()
        (etc / "logger.conf").write_text(logger.replace("[general]\n", "[general]\n" + (samples / "logger.conf.general")
                                                        .read_text(), 1))

    def start(self) -> str:
        env = dict(os.environ, AMI_PORT=str(self.ami_port), SIP_PORT=str(self.sip_port), ETC_DIR=str(self._etc()))
        done = subprocess.run([str(SHARED_ASTERISK / "start"), str(self.rundir)], env=env, capture_output=True,
                              text=True, timeout=60, check=False)
        if done.returncode != 0:
            refusal = cpu_refusal(self.prefix)
            if refusal is not None:
                raise CannotRunHere(refusal)
            raise RuntimeError(f"Asterisk did not start: {done.stdout}{done.stderr}")
        self._sounds()
        for n in range(1, 13):  # the lab's VIP accounts, as its IVR looks them up (AstDB cc_tier)
            self.cli(f"database put cc_tier 8800000000{n:02d} vip")
        return done.stdout.strip()

    def stop(self) -> None:
        # check=False: also the clean-up after a failed start, when there may be nothing to stop.
        subprocess.run([str(SHARED_ASTERISK / "stop"), str(self.rundir)], capture_output=True, timeout=30, check=False)

    def _sounds(self) -> None:
        for name, (secs, freq) in EXTRA_SOUNDS.items():
            path = self.prefix / "var" / "lib" / "asterisk" / "sounds" / "en" / f"{name}.wav"
            if path.exists():
                continue
            with wave.open(str(path), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(8000)
                w.writeframes(b"".join(struct.pack("<h", int(2500 * math.sin(2 * math.pi * freq * i / 8000)))
                                       for i in range(int(8000 * secs))))

    def cli(self, command: str, timeout: float = 10) -> str:
        """One Asterisk CLI command through the remote console (``asterisk -rx``); its output, empty
        when no Asterisk answers (``alive`` asks that way)."""
        env = dict(os.environ, LD_LIBRARY_PATH=str(self.prefix / "lib"))
        done = subprocess.run(
            [str(self.prefix / "sbin" / "asterisk"), "-C", str(self.prefix / "etc" / "asterisk" / "asterisk.conf"),
             "-rx", command], env=env, capture_output=True, text=True, timeout=timeout, check=False)
        return done.stdout

    @property
    def pid(self) -> int | None:
        path = self.prefix / "var" / "run" / "asterisk" / "asterisk.pid"
        try:
            return int(path.read_text().strip())
        except (OSError, ValueError):
            return None

    def alive(self) -> bool:
        pid = self.pid
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return self.cli("core show uptime").strip() != ""

    def channels(self) -> list[str]:
        """Channel names up now (``core show channels concise``)."""
        out = self.cli("core show channels concise")
        return [line.split("!", 1)[0] for line in out.splitlines() if "!" in line]

    def members(self, queue: str) -> dict[str, str]:
        """Member interface -> its line in ``queue show`` (state, paused, reason)."""
        out = self.cli(f"queue show {queue}")
        found: dict[str, str] = {}
        for line in out.splitlines():
            m = re.match(r"\s+(\S.*?) \(((?:PJSIP|SIP|Local)/[^ )]+)", line)
            if m:
                found[m.group(2)] = line.strip()
        return found

    def waiting(self, queue: str) -> int:
        """Callers waiting in the queue, as ``queue show`` counts them."""
        m = re.search(r"has (\d+) calls?", self.cli(f"queue show {queue}"))
        return int(m.group(1)) if m else 0

    def reset(self, queues: tuple[str, ...] = ("retail", "vip", "ringall", "margin", "campaign")) -> None:
        """An idle floor: every channel hung up, every dynamic queue member removed."""
        self.cli("channel request hangup all")
        for queue in queues:
            for interface in self.members(queue):
                self.cli(f"queue remove member {interface} from {queue}")
        deadline = time.monotonic() + 10
        while self.channels() and time.monotonic() < deadline:
            time.sleep(0.1)
