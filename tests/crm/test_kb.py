"""Every article in kb/ loads with valid front matter; broken articles are refused clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from console.crm.kb import KbError, KnowledgeBase, default_kb_dir
from console.crm.kb.articles import CATEGORIES, FLAGS, KINDS, parse_article
from console.errors import CalldeskError

ARTICLES = sorted(p for p in default_kb_dir().glob("*.md") if not p.name.upper().startswith("README"))

GOOD = """---
title: 测试文章
title_en: A test article
slug: {slug}
kind: faq
categories: [trading]
products: [A股]
tags: [测试]
basis: [《上海证券交易所交易规则》]
---

## 要点

正文。
"""


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_every_article_has_valid_front_matter(path: Path) -> None:
    article = parse_article(path)
    assert article.slug == path.stem
    assert article.kind in KINDS
    assert set(article.categories) <= set(CATEGORIES) and article.categories
    assert set(article.applies_when) <= set(FLAGS)
    assert article.title and article.title_en
    assert not re.search(r"[\u4e00-\u9fff]", article.title_en), "title_en is the English title"
    # Each article names the rule it rests on, in its front matter and in its body.
    assert article.basis and "## 依据" in article.body


def test_the_knowledge_base_covers_what_agents_need() -> None:
    kb = KnowledgeBase.load()
    assert len(kb.articles) >= 25
    covered = {category for article in kb.articles for category in article.categories}
    assert covered == set(CATEGORIES)
    scripts = {article.slug for article in kb.articles if article.kind == "compliance-script"}
    assert {"identity-verification-script", "recording-notice-script", "anti-fraud-warning",
            "margin-risk-disclosure"} <= scripts


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("title_en: A test article\n", ""), "'title_en' is missing"),
        (lambda t: t.replace("kind: faq", "kind: howto"), "key 'kind' is 'howto'"),
        (lambda t: t.replace("categories: [trading]", "categories: [trading, stocks]"), "key 'categories' has stocks"),
        (lambda t: t.replace("tags: [测试]", "tags: 测试"), "key 'tags' must be a list"),
        (lambda t: t.replace("tags: [测试]", "tags: [测试]\ncolour: blue"), "unknown front matter key 'colour'"),
        (lambda t: t.replace("basis: [《上海证券交易所交易规则》]", "basis: []"), "'basis' is missing or empty"),
        (lambda t: t.replace("kind: faq", "kind: faq\napplies_when: [vip]"), "key 'applies_when' has vip"),
        (lambda t: t.replace("slug: sample", "slug: other"), "equal the file name"),
        (lambda t: t.replace("kind: faq", "kind: faq\nkind: faq"), "given twice"),
        (lambda t: t.replace("---\n", "", 1), "must start with a '---'"),
        (lambda t: t.split("\n## ")[0].rstrip().removesuffix("---") + "no closing fence", "not closed"),
        (lambda t: t.split("---\n\n")[0] + "---\n", "no body"),
    ],
)
def test_broken_front_matter_names_file_and_key(tmp_path: Path, change, message: str) -> None:
    write(tmp_path, "sample.md", change(GOOD.format(slug="sample")))
    with pytest.raises(KbError, match=r"sample\.md") as caught:
        KnowledgeBase.load(tmp_path)
    assert message in str(caught.value)
    assert isinstance(caught.value, CalldeskError)  # the CLI prints it as one line


def test_missing_directory_and_undecodable_file(tmp_path: Path) -> None:
    with pytest.raises(KbError, match="not found"):
        KnowledgeBase.load(tmp_path / "nowhere")
    (tmp_path / "bad.md").write_bytes(b"---\n\xff\xfe\n---\n")
    with pytest.raises(KbError, match=r"bad\.md"):
        KnowledgeBase.load(tmp_path)


def test_readme_is_not_an_article(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# how to write articles\n")
    write(tmp_path, "sample.md", GOOD.format(slug="sample"))
    assert [article.slug for article in KnowledgeBase.load(tmp_path).articles] == ["sample"]
