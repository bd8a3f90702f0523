"""The well-known demo customers: numbers the simulator, the docs and the tests rely on.

* 13800138000 — 李明华, platinum VIP; client number 310012345678 is also the account a
  caller enters in the IVR.
* 021 6123 4567 — one landline of TWO customers (单丽华 and 单志强, a family): an ambiguous pop.
* 13911140014 — 曾国华, gold, risk assessment expired.
* 13816160016 — 张三丰.
* 13719190019 — 解晓东, diamond, margin account.
* 021 8818 0001 — 区美玲's landline.
* 13918180002 — 欧阳娜, with an open complaint.
"""

from __future__ import annotations

from decimal import Decimal

from console.store.seed.customers import Overrides

SHARED_LANDLINE = ("+862161234567", "021-61234567", "landline")

DEMO_CUSTOMERS: tuple[Overrides, ...] = (
    Overrides(name="李明华", client_no="310012345678", aum=Decimal("3560000.00"), risk_level="C4",
              risk_age_days=100, branch=0, margin=False, do_not_call=False,
              phones=[("+8613800138000", "13800138000", "mobile")]),
    Overrides(name="单丽华", aum=Decimal("820000.00"), risk_level="C3", risk_age_days=200, branch=0,
              do_not_call=False,
              phones=[("+8613661234501", "136 6123 4501", "mobile"), SHARED_LANDLINE]),
    Overrides(name="单志强", aum=Decimal("45000.00"), risk_level="C2", risk_age_days=300, branch=0,
              do_not_call=False, phones=[SHARED_LANDLINE]),
    Overrides(name="曾国华", aum=Decimal("1200000.00"), risk_level="C3", risk_age_days=900, branch=3,
              do_not_call=False, phones=[("+8613911140014", "13911140014", "mobile")]),
    Overrides(name="张三丰", aum=Decimal("150000.00"), risk_level="C2", risk_age_days=60, branch=5,
              do_not_call=False, phones=[("+8613816160016", "13816160016", "mobile")]),
    Overrides(name="解晓东", aum=Decimal("12500000.00"), risk_level="C5", risk_age_days=30, branch=4,
              margin=True, do_not_call=False, phones=[("+8613719190019", "13719190019", "mobile")]),
    Overrides(name="区美玲", aum=Decimal("300000.00"), risk_level="C3", risk_age_days=400, branch=1,
              do_not_call=False, phones=[("+862188180001", "021-88180001", "landline")]),
    Overrides(name="欧阳娜", aum=Decimal("25000.00"), risk_level="C1", risk_age_days=500, branch=2,
              do_not_call=False, phones=[("+8613918180002", "13918180002", "mobile")]),
)

RESERVED_NUMBERS = frozenset(e164 for c in DEMO_CUSTOMERS for e164, _, _ in c.phones)
VIP_DEMO_ID = 1  # 李明华: gets an open ticket and a due callback
COMPLAINT_DEMO_ID = 8  # 欧阳娜: gets an open complaint
