from console.crm.wrapup import DISPOSITIONS
from console.i18n import has
from console.store.seed import vocab


def test_seeded_dispositions_are_the_products_own_and_translated():
    codes = {code for code, _, _ in vocab.DISPOSITIONS}
    assert codes <= set(DISPOSITIONS)
    assert all(notes for _, _, notes in vocab.DISPOSITIONS)
    for code in codes:
        assert has(f"crm.disposition.{code}"), code


def test_seed_words_need_no_copy_escaping():
    """The seed writes its rows as COPY text without escaping (bulk.encode_ready): no word of its
    lists may hold a tab, a newline, a carriage return or a backslash."""
    import re

    from console.store.seed import demo

    special = re.compile(r"[\\\t\n\r]")

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                yield from strings(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from strings(key)
                yield from strings(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                yield from strings(getattr(value, name))

    found = [text for module in (vocab, demo) for name in dir(module) if name.isupper()
             for text in strings(getattr(module, name))]
    assert len(found) > 100
    assert [text for text in found if special.search(text)] == []
