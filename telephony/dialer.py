"""Pacing decisions for outbound campaigns: how many calls to place now. Pure functions.

* **preview**: never dials by itself; the agent sees the lead and decides (the service dials on
  the agent's word, one call).
* **progressive**: one call per free agent, counting calls already ringing out.
* **predictive**: dials more calls than free agents, from the recent answer rate, but only as
  many as keep the expected *abandoned-on-answer* rate (a customer answers and no agent is free)
  within the cap over the rolling window, default 3%. Until the window holds ``min_samples``
  attempts it behaves as progressive: no over-dialling on a guess.

The predictive rule, with ``k`` free agents, ``m`` calls already in flight, answer probability
``p`` and the window's ``A`` answered and ``B`` abandoned calls: choose the largest ``n`` (at
most ``max_ratio·k`` in all) such that, with ``X ~ Binomial(m + n, p)`` answers,

    E[max(0, X − k)]  ≤  safety · cap · E[X]          (this round on its own)
    B + E[max(0, X − k)]  ≤  cap · (A + E[X])         (the window after this round)

The first keeps each round well inside the cap, since real outcomes scatter around their
expectation; the second corrects: abandons already in the window shrink the budget and so the
ratio, down to 1:1 (never below: one call per free agent cannot abandon anyone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Mode = Literal["preview", "progressive", "predictive"]


@dataclass(frozen=True, slots=True)
class Window:
    """Outcomes of the campaign's recent calls (the rolling window the cap applies to)."""

    attempts: int = 0
    answered: int = 0  # answered by a person, connected or not
    abandoned: int = 0  # answered, but no agent was free: the customer heard silence or a message


@dataclass(frozen=True, slots=True)
class PacingInput:
    mode: Mode
    free_agents: int
    in_flight: int
    leads_ready: int
    window: Window = Window()
    abandon_cap: float = 0.03
    max_ratio: float = 3.0
    min_samples: int = 20
    safety: float = 0.5  # a round may spend only this share of the cap: the cap bounds outcomes, not expectations


@dataclass(frozen=True, slots=True)
class PacingDecision:
    dial: int
    reason: str
    answer_rate: float | None = None


def expected_overflow(calls: int, p: float, agents: int) -> tuple[float, float]:
    """(E[max(0, X − agents)], E[X]) for X ~ Binomial(calls, p)."""
    if calls <= 0 or p <= 0.0:
        return 0.0, 0.0
    q = 1.0 - p
    overflow = 0.0
    for x in range(agents + 1, calls + 1):
        overflow += (x - agents) * math.comb(calls, x) * p**x * q ** (calls - x)
    return overflow, calls * p


def decide(inp: PacingInput) -> PacingDecision:
    if inp.free_agents <= 0 or inp.leads_ready <= 0:
        return PacingDecision(0, "no free agent" if inp.free_agents <= 0 else "no lead ready")
    if inp.mode == "preview":
        return PacingDecision(0, "preview: the agent dials")
    progressive = max(0, min(inp.free_agents - inp.in_flight, inp.leads_ready))
    if inp.mode == "progressive":
        return PacingDecision(progressive, "progressive: one call per free agent")
    w = inp.window
    if w.attempts < inp.min_samples:
        return PacingDecision(progressive, "predictive: too few recent calls, pacing 1:1")
    p = min(1.0, w.answered / w.attempts) if w.attempts else 0.0
    if p <= 0.0:
        return PacingDecision(progressive, "predictive: no recent answers, pacing 1:1", p)
    ceiling = min(inp.leads_ready, max(0, math.floor(inp.max_ratio * inp.free_agents) - inp.in_flight))
    best = 0
    for n in range(ceiling + 1):
        overflow, answers = expected_overflow(inp.in_flight + n, p, inp.free_agents)
        within_round = overflow <= inp.safety * inp.abandon_cap * answers
        within_window = w.abandoned + overflow <= inp.abandon_cap * (w.answered + answers)
        if within_round and within_window:
            best = n
        else:
            break  # the overflow only grows with n
    if best < progressive:
        # Over budget: 1:1 pacing cannot abandon anyone, and its calls refill the window.
        return PacingDecision(progressive, "predictive: abandon budget spent, pacing 1:1", p)
    return PacingDecision(best, f"predictive: answer rate {p:.0%}", p)
