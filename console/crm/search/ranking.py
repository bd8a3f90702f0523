"""One query string in, ranked hits out.

A query's parts (Han name, Latin pinyin, digit runs, id tail) each become a matcher. With one
part, its candidates are the answer. With several ("张三 5678"), the part with the fewest
candidates drives and every other part scores those customers; a customer matching all parts
beats any partial match. If nobody matches all parts, the parts' own best hits are shown,
marked down, so that a slip in one part still finds someone.
"""

from __future__ import annotations

import heapq

from console.crm.search.digit_matchers import DigitsMatcher, IdTailMatcher
from console.crm.search.index import SearchIndex
from console.crm.search.matchers import Candidates, HanMatcher, LatinMatcher
from console.crm.search.model import SearchHit
from console.crm.search.query import parse

# Every matcher answers candidates(ix, budget) and score(ix, slot) alike.
Matcher = HanMatcher | LatinMatcher | DigitsMatcher | IdTailMatcher

CANDIDATE_BUDGET = 1000
MAX_PARTS = 4
PARTIAL_FACTOR = 0.5


def _matchers(query: str) -> list[Matcher]:
    parsed = parse(query)
    matchers: list[Matcher] = []
    if parsed.han:
        matchers.append(HanMatcher(parsed.han))
    if parsed.latin:
        matchers.append(LatinMatcher(parsed.latin_compact))
    matchers.extend(DigitsMatcher(run) for run in parsed.digits)
    if parsed.id_last4:
        matchers.append(IdTailMatcher(parsed.id_last4))
    return matchers[:MAX_PARTS]


def _combine(ix: SearchIndex, matchers: list[Matcher], found: list[Candidates]) -> Candidates:
    driver = min(range(len(found)), key=lambda i: len(found[i]))
    combined: Candidates = {}
    for slot, scored in found[driver].items():
        scores: list[tuple[float, str]] = []
        for i, matcher in enumerate(matchers):
            part = scored if i == driver else (found[i].get(slot) or matcher.score(ix, slot))
            if part is None:
                break
            scores.append(part)
        else:
            # Named in the order the agent typed the parts: "name+phone" for "张三 5678".
            total = min(100.0, sum(s for s, _ in scores) / len(scores) + 5.0)
            combined[slot] = (round(total, 1), "+".join(dict.fromkeys(m for _, m in scores)))
    if combined:
        return combined
    partial: Candidates = {}
    for candidates in found:
        for slot, (score, matched) in candidates.items():
            if slot not in partial or partial[slot][0] < score * PARTIAL_FACTOR:
                partial[slot] = (round(score * PARTIAL_FACTOR, 1), matched)
    return partial


def search(ix: SearchIndex, query: str, limit: int = 20) -> list[SearchHit]:
    """The best ``limit`` customers for ``query``, best first (ties: lower customer id)."""
    matchers = _matchers(query)
    if not matchers or limit <= 0:
        return []
    found = [matcher.candidates(ix, CANDIDATE_BUDGET) for matcher in matchers]
    candidates = found[0] if len(found) == 1 else _combine(ix, matchers, found)
    best = heapq.nsmallest(
        limit,
        ((-score, ix.customer_id(slot), matched) for slot, (score, matched) in candidates.items()),
    )
    return [SearchHit(customer_id, -negative, matched) for negative, customer_id, matched in best]
