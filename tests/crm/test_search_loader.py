"""The index loads from the real Customer/CustomerPhone tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlmodel import Session

from console.crm.names import initials_of, pinyin_of
from console.crm.search import load_index
from console.store.models import Customer, CustomerPhone


def _customer(name: str, client_no: str, id_last4: str) -> Customer:
    return Customer(client_no=client_no, name=name, name_pinyin=pinyin_of(name), name_initials=initials_of(name),
                    id_number="11010119800101" + id_last4, id_last4=id_last4)


def test_load_index_reads_customers_and_all_their_phones(migrated_engine) -> None:
    with Session(migrated_engine) as session:
        shan, zhang, lone = (_customer("单田芳", "310000000001", "1234"), _customer("张三", "310000000002", "567X"),
                             _customer("李四", "310000000003", "0000"))
        session.add_all([shan, zhang, lone])
        session.flush()
        session.add_all([
            CustomerPhone(customer_id=shan.id, e164="+8613812345678"),
            CustomerPhone(customer_id=shan.id, e164="+862161234567", kind="landline"),
            CustomerPhone(customer_id=zhang.id, e164="+8613812345678"),  # a shared family line
        ])
        session.commit()
        shan_id, zhang_id, lone_id = shan.id, zhang.id, lone.id

    index = load_index(migrated_engine)

    assert len(index) == 3
    assert [hit.customer_id for hit in index.search("shantianfang")] == [shan_id]
    assert [hit.customer_id for hit in index.search("61234567")] == [shan_id]
    assert sorted(hit.customer_id for hit in index.search("13812345678")) == sorted([shan_id, zhang_id])
    assert [hit.customer_id for hit in index.search("567x")] == [zhang_id]
    assert [hit.customer_id for hit in index.search("李四")] == [lone_id]  # no phones, still loaded
    assert [hit.customer_id for hit in index.search("310000000003")] == [lone_id]
