"""schemathesis against a real server (docs/API.md, "Fuzzing"): every documented operation, a
fixed number of examples each with a fixed seed, as an agent and as an admin (zh_CN), and once
more as an admin with the server in English.

Each response must: not be a 5xx; conform to the document (status, content type, body schema);
if a 4xx, carry the JSON error body with a message in the server's language; and show no phone
or id number in clear (no call is verified in this run, so nothing may be unmasked but what
the API gives by design: the customer one has just created, and a manager's break-glass).
The run prints how many requests it sent and their statuses.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from console.i18n import get_locale, set_locale
from console.i18n import server as server_texts
from tests.server.conftest import FUZZ_SUMMARY
from tests.server.fuzz_checks import language_problems, leaks, pii_problems
from tests.server.live_server import LiveServer, seeded_settings

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("CALLDESK_FUZZ_EXAMPLES", "25"))
"""Examples per operation and generation mode (positive, negative)."""
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)
    operations: set[str] = field(default_factory=set)

    def fail(self, where: str, problem: str) -> None:
        found = self.failures.setdefault(where, [])
        if len(found) < 3 and problem not in found:
            found.append(problem)

    def summary(self, seconds: float, runs: str, examples: int = EXAMPLES) -> str:
        outcomes = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return (f"schemathesis: {sum(self.statuses.values())} requests to {len(self.operations)} operations "
                f"({runs}; {examples} examples per operation and mode, derandomized) in {seconds:.0f} s; "
                f"statuses {outcomes}; {sum(len(v) for v in self.failures.values())} problems")


@pytest.fixture(scope="module")
def zh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("fuzz-zh")
    server = LiveServer(seeded_settings(tmp), tmp / "outbox.sqlite3").start()
    yield server
    server.stop()


@pytest.fixture
def en_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A second server in English. The locale is process-wide (one server, one centre): the
    one before is put back after."""
    before = get_locale()
    server = LiveServer(seeded_settings(tmp_path, locale="en"), tmp_path / "outbox.sqlite3").start()
    yield server
    server.stop()
    set_locale(before)


def fuzz(server: LiveServer, username: str, role: str, locale: str, tally: Tally, examples: int = EXAMPLES) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    token = server.login(username)
    # Each logout ends a session of its own, logged in before the fuzz of POST /api/login has
    # made this client address throttled (429).
    spare = [server.login(username) for _ in range(2 * examples + 2)]
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("responses", {}).get("101"):
            continue  # the WebSocket: tests/server/test_ws.py
        label = f"{operation.method.upper()} {operation.path}"
        tally.operations.add(label)
        logout = operation.path == "/api/logout"

        # run_one reads this pass's operation, label and logout: it runs to the end within the pass.
        def run_one(case: schemathesis.Case) -> None:
            bearer = (spare.pop() if spare else token) if logout else token  # noqa: B023 - never the run's own session
            response = case.call(base_url=server.url, session=session, headers={"Authorization": f"Bearer {bearer}"},
                                 timeout=60)
            tally.statuses[response.status_code] += 1
            where = f"{label} as {role} ({locale})"  # noqa: B023
            request = f"{case.method} {response.request.url} body={str(case.body)[:200]!r}"
            if response.status_code >= 500 and not no_pbx(response):
                tally.fail(where, f"{response.status_code} for {request}: {response.text[:300]}")
            try:
                case.validate_response(response, checks=CHECKS)
            except (Failure, FailureGroup) as exc:  # recorded; the run goes on to find the rest
                tally.fail(where, f"{request}: {' '.join(str(exc).split())[:600]}")
            sent = f"{response.request.url} {case.body}"
            problems = language_problems(response, locale, sent)
            problems += pii_problems(case.method, operation.path, response, sent)  # noqa: B023
            for problem in problems:
                tally.fail(where, f"{request}: {problem}")

        # Negative cases include schemathesis leaving the token out (each must be the JSON 401).
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            test = settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                            phases=[Phase.generate], suppress_health_check=list(HealthCheck))(
                given(case=operation.as_strategy(generation_mode=mode))(run_one))
            # Unsatisfiable: nothing to make invalid (no parameters, no body); the positive run covers it.
            with contextlib.suppress(Unsatisfiable):
                test()


def no_pbx(response: schemathesis.Response) -> bool:
    """The documented 503 of a call action on a server with no PBX (this run has none)."""
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    texts = {server_texts.ZH_CN["server.error.no_pbx"], server_texts.EN["server.error.no_pbx"]}
    return response.status_code == 503 and error.get("code") == "unavailable" and error.get("message") in texts


def _report(request: pytest.FixtureRequest, line: str) -> None:
    """Printed at the end of the session (tests/server/conftest.py), whatever the capture."""
    request.config.stash.setdefault(FUZZ_SUMMARY, []).append(line)
    print(line)


def _problems(tally: Tally) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in sorted(tally.failures.items()))


def test_schemathesis_as_agent_and_admin(zh_server: LiveServer, request: pytest.FixtureRequest) -> None:
    tally, started = Tally(), time.monotonic()
    # The agent first: an admin's run edits accounts (an agent disabled loses its token).
    fuzz(zh_server, "agent1001", "agent", "zh_CN", tally)
    fuzz(zh_server, "admin", "admin", "zh_CN", tally)
    _report(request, tally.summary(time.monotonic() - started, "agent and admin, zh_CN"))
    assert not tally.failures, _problems(tally)


def test_the_checks_catch_what_they_are_for(zh_server: LiveServer) -> None:
    """The two calldesk checks are not blind: a clear number and an English 4xx are caught."""
    resp = requests.get(f"{zh_server.url}/api/customers/999999", timeout=30)  # no login (the fuzz may have
    assert resp.status_code == 401                                              # changed every password)
    assert language_problems(resp, "zh_CN") == []
    assert language_problems(resp, "en")  # a Chinese message where English is configured
    assert leaks("GET", "/api/x", {"phones": [{"number": "+8613800138000", "kind": "mobile"}], "masked": True})
    assert leaks("GET", "/api/x", {"results": [{"masked": False}]})
    assert leaks("GET", "/api/x", {"note": "客户 13800138000 来电"})
    assert not leaks("GET", "/api/x", {"phones": [{"number": "138****8000"}], "id_number": "3101**********1234",
                                       "aum": None, "birth_date": None, "masked": True})
    assert not leaks("POST", "/api/customers", {"masked": False, "id_number": "310101198001011234"})


def test_schemathesis_in_english(en_server: LiveServer, request: pytest.FixtureRequest) -> None:
    tally, started = Tally(), time.monotonic()
    examples = max(5, EXAMPLES // 3)
    fuzz(en_server, "admin", "admin", "en", tally, examples=examples)
    _report(request, tally.summary(time.monotonic() - started, "admin, en", examples))
    assert not tally.failures, _problems(tally)
