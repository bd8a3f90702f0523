"""Knowledge-base articles: Markdown files with a small YAML-like front matter.

The front matter is a strict subset we parse ourselves (no YAML dependency, no surprises):
``key: value`` lines between ``---`` fences; list values in ``[a, b, c]``. Every problem is
reported with the file and the key, because articles are written by people, not programs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from console.config.models import TICKET_CATEGORIES
from console.errors import CalldeskError

KINDS = ("faq", "procedure", "compliance-script")
CATEGORIES = TICKET_CATEGORIES  # an article's categories are the tickets' (console/config/models.py)
# Customer or call flags an article can apply to ("always": every call).
FLAGS = (
    "always", "first_call", "margin", "star", "chinext", "complaint", "risk_expired",
    "elderly", "fraud_risk", "outbound", "dormant",
)
REQUIRED = ("title", "title_en", "slug", "kind", "categories", "products", "tags", "basis")
OPTIONAL = ("applies_when", "priority")
LISTS = ("categories", "products", "tags", "basis", "applies_when")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class KbError(CalldeskError):
    """An article that cannot be loaded; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    title: str
    title_en: str
    kind: str
    categories: tuple[str, ...]
    products: tuple[str, ...]
    tags: tuple[str, ...]
    basis: tuple[str, ...]
    """The rules the article rests on (laws, exchange rules, company policy)."""
    applies_when: tuple[str, ...]
    priority: int
    """Order among scripts read in one call (lower first); 50 unless the article says."""
    body: str
    path: Path

    def to_json(self) -> dict[str, object]:
        """The article as JSON-ready data (the file path stays on the server)."""
        return {
            "slug": self.slug, "title": self.title, "title_en": self.title_en, "kind": self.kind,
            "categories": list(self.categories), "products": list(self.products), "tags": list(self.tags),
            "basis": list(self.basis), "applies_when": list(self.applies_when), "body": self.body,
        }


def _split_front_matter(path: Path, text: str) -> tuple[list[str], str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise KbError(f"{path}: the file must start with a '---' front matter block")
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            return lines[1:end], "\n".join(lines[end + 1 :]).strip()
    raise KbError(f"{path}: the front matter block is not closed by a '---' line")


@dataclass(slots=True)
class _FrontMatter:
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The keys of :data:`LISTS`; ``values`` has the others."""

    def __contains__(self, key: str) -> bool:
        return key in self.values or key in self.lists

    def given(self, key: str) -> bool:
        """Present and not empty."""
        return bool(self.values.get(key) or self.lists.get(key))


def _parse_fields(path: Path, lines: list[str]) -> _FrontMatter:
    fields = _FrontMatter()
    for number, line in enumerate(lines, start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise KbError(f"{path}:{number}: expected 'key: value', got {line!r}")
        if key not in REQUIRED and key not in OPTIONAL:
            raise KbError(f"{path}:{number}: unknown front matter key '{key}'")
        if key in fields:
            raise KbError(f"{path}:{number}: front matter key '{key}' is given twice")
        if key in LISTS:
            if not (value.startswith("[") and value.endswith("]")):
                raise KbError(f"{path}:{number}: key '{key}' must be a list like [a, b]")
            fields.lists[key] = tuple(item.strip() for item in value[1:-1].split(",") if item.strip())
        else:
            fields.values[key] = value
    return fields


def _check_values(path: Path, fields: _FrontMatter, allowed: tuple[str, ...], key: str) -> None:
    wrong = [value for value in fields.lists.get(key, ()) if value not in allowed]
    if wrong:
        raise KbError(f"{path}: key '{key}' has {', '.join(wrong)}; allowed: {', '.join(allowed)}")


def parse_article(path: Path) -> Article:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KbError(f"{path}: cannot read the article: {exc}") from exc
    header, body = _split_front_matter(path, text)
    fields = _parse_fields(path, header)
    for key in REQUIRED:
        if not fields.given(key):
            raise KbError(f"{path}: front matter key '{key}' is missing or empty")
    values, lists = fields.values, fields.lists
    if values["kind"] not in KINDS:
        raise KbError(f"{path}: key 'kind' is {values['kind']!r}; allowed: {', '.join(KINDS)}")
    _check_values(path, fields, CATEGORIES, "categories")
    _check_values(path, fields, FLAGS, "applies_when")
    if not _SLUG.match(values["slug"]) or values["slug"] != path.stem:
        raise KbError(f"{path}: key 'slug' must be lowercase-with-dashes and equal the file name ({path.stem!r})")
    priority = values.get("priority", "50")
    if not priority.isdigit():
        raise KbError(f"{path}: key 'priority' must be a whole number, got {priority!r}")
    if not body:
        raise KbError(f"{path}: the article has no body after its front matter")
    return Article(
        slug=values["slug"], title=values["title"], title_en=values["title_en"], kind=values["kind"],
        categories=lists["categories"], products=lists["products"], tags=lists["tags"],
        basis=lists["basis"], applies_when=lists.get("applies_when", ()), priority=int(priority),
        body=body, path=path,
    )
