"""Knowledge-base search and suggestions over the real articles in kb/."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.crm.kb import KbError, KnowledgeBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


# query -> the article that must come first
FIRST = [
    ("密码", "password-reset"),
    ("忘记密码怎么办", "password-reset"),
    ("账户锁定", "password-reset"),
    ("mima", "password-reset"),  # pinyin
    ("mmcz", "password-reset"),  # initials, with 重 read chong
    ("password reset", "password-reset"),  # English title
    ("银证转账", "bank-securities-transfer"),
    ("银证转帐", "bank-securities-transfer"),  # homophone slip 帐/账
    ("yzzz", "bank-securities-transfer"),
    ("集合竞价", "trading-hours"),
    ("几点可以撤单", "trading-hours"),
    ("T+1", "t1-settlement"),
    ("涨跌幅", "price-limits"),
    ("印花税", "trading-fees"),
    ("维持担保比例", "margin-maintenance-ratio"),
    ("科创板", "star-market-eligibility"),
    ("科创扳", "star-market-eligibility"),  # typo
    ("kcb", "star-market-eligibility"),
    ("科创板50万", "star-market-eligibility"),  # mixed Chinese and digits
    ("STAR Market", "star-market-eligibility"),
    ("创业板 开通", "chinext-eligibility"),
    ("打新额度", "ipo-subscription"),
    ("弃购", "ipo-payment"),
    ("红利税", "dividend-tax"),
    ("C5", "suitability-matching"),
    ("C3能买R4吗", "suitability-matching"),
    ("专业投资者", "professional-investor"),
    ("12386", "complaint-handling"),
    ("录音", "recording-notice-script"),
    ("荐股", "anti-fraud-warning"),
    ("App登录不了", "app-troubleshooting"),
    ("转托管", "custody-transfer"),
    ("可转债", "convertible-bonds"),
]


@pytest.mark.parametrize(("query", "slug"), FIRST)
def test_search_puts_the_right_article_first(kb: KnowledgeBase, query: str, slug: str) -> None:
    hits = kb.search(query, limit=5)
    assert hits, f"nothing for {query!r}"
    assert hits[0].slug == slug, [(hit.slug, hit.score) for hit in hits]


def test_hits_carry_titles_and_a_snippet(kb: KnowledgeBase) -> None:
    hit = kb.search("红利税", limit=1)[0]
    assert hit.title == "现金分红与红利税" and hit.title_en == "Cash dividends and dividend tax"
    assert "红利税" in hit.snippet or "股息红利" in hit.snippet


@pytest.mark.parametrize("query", ["%", "\x00\x1b", "\ud800", "", "   ", "吗吗吗", "x" * 10_000])
def test_empty_or_meaningless_queries_find_nothing(kb: KnowledgeBase, query: str) -> None:
    assert kb.search(query) == []


def test_sql_looking_text_is_only_text(kb: KnowledgeBase) -> None:
    # No SQL anywhere: the words are searched like any others, and the articles are unchanged.
    before = [article.body for article in kb.articles]
    kb.search("'; drop table articles; --")
    kb.search("%' OR '1'='1")
    assert [article.body for article in kb.articles] == before


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=0, max_value=12))
def test_search_never_fails_and_ranks(kb: KnowledgeBase, query: str, limit: int) -> None:
    hits = kb.search(query, limit)
    assert len(hits) <= limit
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_get_by_slug(kb: KnowledgeBase) -> None:
    assert kb.get("password-reset").title == "密码重置与账户解锁"
    assert kb.get("no-such-article") is None


def test_suggestions_by_ticket_category(kb: KnowledgeBase) -> None:
    margin = [article.slug for article in kb.suggest("margin")]
    assert set(margin) >= {"margin-eligibility", "margin-risk-disclosure", "margin-maintenance-ratio"}
    assert all("margin" in kb.get(slug).categories or "margin" in kb.get(slug).applies_when for slug in margin)
    assert kb.suggest("password")[0].slug == "password-reset"


def test_suggestions_by_customer_flags(kb: KnowledgeBase) -> None:
    assert kb.suggest(flags=["risk_expired"])[0].slug == "risk-assessment-renewal"
    both = [article.slug for article in kb.suggest("trading", flags=["star"])]
    assert both[0] == "star-market-eligibility"  # in the category and for the flag
    assert "chinext-eligibility" in both


def test_without_context_suggest_first_call_articles(kb: KnowledgeBase) -> None:
    assert {a.slug for a in kb.suggest()} >= {"identity-verification-script", "recording-notice-script"}


def test_unknown_category_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(KbError, match="stocks"):
        kb.suggest("stocks")


def test_compliance_scripts_every_call_first_then_flagged(kb: KnowledgeBase) -> None:
    plain = [a.slug for a in kb.compliance_scripts_for([])]
    assert plain == ["recording-notice-script", "identity-verification-script"]  # the order they are read
    flagged = [a.slug for a in kb.compliance_scripts_for(["margin", "complaint"])]
    assert flagged[:2] == plain
    assert set(flagged[2:]) == {"margin-risk-disclosure", "complaint-intake-script"}
    assert all(kb.get(slug).kind == "compliance-script" for slug in flagged)


def test_unknown_flag_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(KbError, match="vip"):
        kb.compliance_scripts_for(["vip"])


def test_context_lifts_matching_articles_in_search(kb: KnowledgeBase) -> None:
    plain = {hit.slug: hit.score for hit in kb.search("开通", limit=10)}
    lifted = {hit.slug: hit.score for hit in kb.search("开通", limit=10, category="margin")}
    assert lifted["margin-eligibility"] > plain["margin-eligibility"]
    assert lifted["star-market-eligibility"] == plain["star-market-eligibility"]


def test_empty_query_with_context_gives_the_suggestions(kb: KnowledgeBase) -> None:
    hits = kb.search("", limit=10, flags=["risk_expired"])
    assert [hit.slug for hit in hits] == [a.slug for a in kb.suggest(flags=["risk_expired"])]
    assert kb.search("", limit=10) == []


def test_json_forms_leave_the_file_path_out(kb: KnowledgeBase) -> None:
    article = kb.get("password-reset").to_json()
    assert article["slug"] == "password-reset" and "path" not in article and article["body"]
    assert set(kb.search("密码", 1)[0].to_json()) == {"slug", "title", "title_en", "kind", "score", "snippet"}
