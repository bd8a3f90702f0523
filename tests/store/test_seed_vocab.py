from console.crm.wrapup import DISPOSITIONS
from console.i18n import has
from console.store.seed import vocab


def test_seeded_dispositions_are_the_products_own_and_translated():
    codes = {code for code, _, _ in vocab.DISPOSITIONS}
    assert codes <= set(DISPOSITIONS)
    assert all(notes for _, _, notes in vocab.DISPOSITIONS)
    for code in codes:
        assert has(f"crm.disposition.{code}"), code
