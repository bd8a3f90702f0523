"""sipp phones, callers and customers for the live tests, from the lab's templates.

Each helper writes its scenario (the shared templates in ``../shared/asterisk/sipp/`` with their
``@@…@@`` fields filled) into a work folder and starts one ``sipp`` process on the lab's
addresses (slot 0): agent phones are UAS on ``127.0.0.1:5071..5074`` (extension 1001..1004) and
``5079`` (supervisor 1009), callers are UAC from ``127.0.0.2`` (the "carrier" trunk), outbound
customers a UAS on ``127.0.0.2:5090`` (``tests/live/lab.py`` moves them for another slot). Every
process gets its own RTP echo port. A ``Sipp`` is stopped by its owner (the fixtures stop whatever
a test left running).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
from dataclasses import dataclass, field
from pathlib import Path

from tests.live.lab import Lab

NEVER_MS = 3_600_000  # "forever" for a ring or a talk time: the far end decides
CUSTOMERS_PORT = 5090
_names = itertools.count(1)


@dataclass
class Sipp:
    """One running sipp process and where its logs are."""

    name: str
    scenario: Path
    proc: asyncio.subprocess.Process
    log: Path
    errors: Path

    @property
    def running(self) -> bool:
        return self.proc.returncode is None

    async def wait(self, timeout: float) -> int:
        """Its exit code: 0 when every call went as its scenario says (a caller: ``-m 1``)."""
        async with asyncio.timeout(timeout):
            return await self.proc.wait()

    async def stop(self) -> None:
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def error_text(self) -> str:
        return self.errors.read_text(errors="replace") if self.errors.exists() else ""


@dataclass
class SippLab:
    """Starts sipp processes against one Asterisk (``sip_port`` on 127.0.0.1)."""

    templates: Path
    work: Path
    lab: Lab
    running: list[Sipp] = field(default_factory=list)

    def __post_init__(self) -> None:
        # RTP echo ports a multiple of 4 apart (RTP, RTCP and sipp's own pair), a range per slot.
        base = 16000 + 1000 * self.lab.slot
        self._media_ports = itertools.cycle(range(base, base + 1000, 4))

    def _template(self, name: str) -> str:
        return (self.templates / name).read_text(encoding="latin-1")

    async def _start(self, name: str, xml: bytes, args: list[str]) -> Sipp:
        n = next(_names)
        scenario = self.work / f"{n:03d}-{name}.xml"
        scenario.write_bytes(xml)
        log = scenario.with_suffix(".log")
        errors = scenario.with_suffix(".errors")
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                "sipp", "-sf", str(scenario), *args, "-mp", str(next(self._media_ports)), "-nostdin",
                "-trace_err", "-error_file", str(errors), f"127.0.0.1:{self.lab.sip_port}",
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT,
                cwd=self.work,
            )
        sipp = Sipp(name, scenario, proc, log, errors)
        self.running.append(sipp)
        return sipp

    async def phone(self, ext: str, ring_ms: int = 1000, talk_ms: int = NEVER_MS) -> Sipp:
        """An agent's desk phone: rings ``ring_ms`` then answers (a CANCEL before that ends the
        ring), hangs up ``talk_ms`` after answering unless the far end does first. It takes
        every call that comes to it, one scenario each, until stopped."""
        xml = (self._template("agent.xml.tmpl").replace("@@EXT@@", ext)
               .replace("@@RING_MS@@", str(ring_ms)).replace("@@TALK_MS@@", str(talk_ms)))
        sipp = await self._start(f"phone-{ext}", xml.encode("latin-1"),
                                 ["-i", "127.0.0.1", "-p", str(self.lab.phone_port(ext))])
        await asyncio.sleep(0.2)  # bound to its port before anything rings it
        return sipp

    async def caller(self, cid: str, did: str = "95555", keys: str = "", hold_ms: int = NEVER_MS,
                     name: bytes = b"", gap_ms: int = 150, later_keys: str = "", later_ms: int = 0) -> Sipp:
        """A customer dialling a DID through the carrier: keys ``keys`` (SIP INFO, e.g. the account
        and ``#``) after the answer, then ``later_keys`` ``later_ms`` after those (a survey's
        answer), hangs up ``hold_ms`` after the last key unless Asterisk does.
        ``name``: the From display name's bytes (UTF-8 or GBK, as a carrier may send them)."""
        part = self._template("caller_info_digit.xml.part")
        sent = keys + later_keys
        info = "".join((f'  <pause milliseconds="{later_ms}"/>\n' if i == len(keys) and later_keys else "")
                       + part.replace("@@GAP_MS@@", str(gap_ms)).replace("@@CSEQ@@", str(i + 2))
                       .replace("@@DIGIT@@", key) for i, key in enumerate(sent))
        text = (self._template("caller.xml.tmpl").replace("@@INFO@@", info)
                .replace("@@BYE_CSEQ@@", str(len(sent) + 2)))
        return await self._call("caller", text, cid, did, hold_ms, name)

    async def direct_caller(self, cid: str, did: str, hold_ms: int = NEVER_MS, name: bytes = b"") -> Sipp:
        """A carrier call to a direct-dial DID (no IVR): hangs up ``hold_ms`` after the answer."""
        return await self._call("direct", self._template("caller_direct.xml.tmpl"), cid, did, hold_ms, name)

    async def _call(self, kind: str, text: str, cid: str, did: str, hold_ms: int, name: bytes) -> Sipp:
        text = (text.replace("@@CID@@", cid).replace("@@DID@@", did).replace("@@HOLD_MS@@", str(hold_ms)))
        # The display name goes in as raw bytes (a GBK name must reach Asterisk as GBK).
        xml = text.encode("latin-1").replace(b"@@FROM_NAME@@", b'"' + name + b'" ' if name else b"")
        return await self._start(f"{kind}-{cid}", xml, ["-i", self.lab.carrier_ip, "-m", "1"])

    async def customers(self) -> Sipp:
        """The PSTN behind the carrier for outbound calls (by number: 137… busy, 136… never
        answers, 135… 480, 1391… talks 20 s, others answer after 2 s and talk 8 s)."""
        xml = (self.templates / "customers.xml").read_bytes()
        sipp = await self._start("customers", xml, ["-i", self.lab.carrier_ip, "-p", str(CUSTOMERS_PORT)])
        await asyncio.sleep(0.2)
        return sipp

    async def stop_all(self) -> None:
        for sipp in self.running:
            await sipp.stop()
        self.running.clear()
