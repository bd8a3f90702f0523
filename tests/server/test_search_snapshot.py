"""The search index kept on disk between starts ([search] snapshot; console.crm.search.snapshot),
on real SQLite and PostgreSQL databases: a start loads it and takes in what was written since;
a snapshot that does not fit the database, is cut short or names a foreign callable is refused
and the index rebuilt; a snapshot that cannot be written costs nothing but the file."""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session

from console.config import Settings
from console.crm import customer_edit
from console.crm.search import load_index
from console.crm.search.build_process import frame
from console.crm.search.snapshot import MAGIC, SnapshotHeader
from console.crm.search.transfer import restricted_loads
from console.server.search_build import build_in_process
from console.store.models import Customer
from tests.crm.test_search_transfer import assert_same_answers

QUERIES = ["王", "zhang", "138", "0001", "李娜", "lw", "1100"]


@pytest.fixture
def seeded_store(migrated_engine: Any) -> Any:
    from console.store.seed import seed_database

    seed_database(migrated_engine, Settings(), customers=400, agents=2)
    return migrated_engine


def _ended_pid() -> int:
    """The pid of a child that has ended and been reaped (free until the kernel reuses it)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ids(index: Any, query: str) -> list[int]:
    return [hit.customer_id for hit in index.search(query)]


def _rename(engine: Any, customer_id: int, name: str, at: dt.datetime | None = None, phone: str | None = None) -> None:
    with Session(engine) as session:
        version = session.get(Customer, customer_id).version
        changes: dict[str, Any] = {"name": name}
        if phone:
            changes["phones"] = [phone]
        customer_edit.update_customer(session, customer_id, version, changes, None, at or _now())
        session.commit()


async def test_a_restart_loads_the_snapshot_and_takes_in_what_was_written_since(seeded_store, tmp_path: Path) -> None:
    snapshot = tmp_path / "var" / "index.snapshot"
    first, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "database" and snapshot.exists()
    assert snapshot.stat().st_mode & 0o777 == 0o600

    _rename(seeded_store, 7, "单田芳", phone="13912345678")
    with Session(seeded_store) as session:
        added = customer_edit.create(session, {"client_no": "990000000001", "name": "诸葛明月",
                                               "phones": ["13700001111"], "id_last4": "123X"}, None, _now())
        session.commit()
        added_id = added.id

    second, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "snapshot" and meta["caught_up"] >= 2
    assert 7 in _ids(second, "单田芳") and 7 in _ids(second, "shantianfang") and 7 in _ids(second, "13912345678")
    assert _ids(second, "zhugemingyue") == [added_id] and _ids(second, "13700001111") == [added_id]
    rebuilt = load_index(seeded_store)
    assert len(second) == len(rebuilt) == len(first) + 1
    assert_same_answers(rebuilt, second, [*QUERIES, "单田芳", "诸葛"])

    # What the second start took in is in the file it wrote: a third start catches up no more.
    third, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "snapshot" and _ids(third, "zhugemingyue") == [added_id]


async def test_a_snapshot_of_another_database_is_not_used(seeded_store, tmp_path: Path) -> None:
    snapshot = tmp_path / "index.snapshot"
    await build_in_process(seeded_store, snapshot=snapshot)
    data = snapshot.read_bytes()
    header = SnapshotHeader.decode(data[len(MAGIC) + 8 : len(MAGIC) + 8 + int.from_bytes(data[len(MAGIC):][:8], "big")])
    header.database = "postgresql+psycopg://elsewhere/other"
    rest = data[len(MAGIC) + 8 + int.from_bytes(data[len(MAGIC):][:8], "big"):]
    snapshot.write_bytes(MAGIC + frame(header.encode()) + rest)

    index, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "database" and "is of postgresql+psycopg://elsewhere/other" in meta["refused"]
    assert len(index) == len(load_index(seeded_store))
    _, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "snapshot"  # the rebuild wrote this database's snapshot


async def test_other_people_under_the_same_ids_are_noticed(seeded_store, tmp_path: Path) -> None:
    # A database seeded again under the same URL: the probed customers are someone else, and
    # were written before the snapshot's watermark, so no catching up would take them in.
    snapshot = tmp_path / "index.snapshot"
    await build_in_process(seeded_store, snapshot=snapshot)
    long_ago = _now() - dt.timedelta(days=30)
    with seeded_store.begin() as connection:
        connection.execute(update(Customer).values(name="欧阳某某", updated_at=long_ago))
    index, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "database" and "is someone else in the database" in meta["refused"]
    assert len(_ids(index, "欧阳某某")) == 20  # the search's limit: everyone is now 欧阳某某


async def test_customers_the_catch_up_cannot_see_make_a_rebuild(seeded_store, tmp_path: Path) -> None:
    # A customer added with an old updated_at (a bulk load dating its rows) is not caught up:
    # counting the customers notices it.
    snapshot = tmp_path / "index.snapshot"
    await build_in_process(seeded_store, snapshot=snapshot)
    with Session(seeded_store) as session:
        added = customer_edit.create(session, {"client_no": "990000000002", "name": "司马光明"}, None,
                                     _now() - dt.timedelta(days=2))
        session.commit()
        added_id = added.id
    index, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "database" and "customers in the database" in meta["refused"]
    assert _ids(index, "simaguangming") == [added_id]


async def test_a_snapshot_cut_short_is_refused_and_written_whole_again(seeded_store, tmp_path: Path) -> None:
    snapshot = tmp_path / "index.snapshot"
    first, _ = await build_in_process(seeded_store, snapshot=snapshot)
    whole = snapshot.read_bytes()
    snapshot.write_bytes(whole[: len(whole) // 2])
    index, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "database" and "cut short" in meta["refused"]
    assert_same_answers(first, index, QUERIES)
    assert len(snapshot.read_bytes()) == len(whole)


async def test_a_piece_naming_a_callable_is_refused_not_run(seeded_store, tmp_path: Path) -> None:
    snapshot = tmp_path / "index.snapshot"
    await build_in_process(seeded_store, snapshot=snapshot)
    whole = snapshot.read_bytes()
    marker = tmp_path / "ran"

    class Hostile:
        def __reduce__(self) -> tuple[Any, ...]:
            return (Path.touch, (marker,))

    hostile = pickle.dumps(("_ids", Hostile()))
    with pytest.raises(pickle.UnpicklingError, match="may not name pathlib"):
        restricted_loads(hostile)
    cut = whole.rindex(frame(b""))
    snapshot.write_bytes(whole[:cut] + frame(hostile) + frame(b""))
    index, meta = await build_in_process(seeded_store, snapshot=snapshot)
    assert meta["source"] == "database" and "may not name pathlib" in meta["refused"]
    assert not marker.exists() and len(index) == len(load_index(seeded_store))


async def test_a_dead_writers_temporary_file_is_removed(seeded_store, tmp_path: Path) -> None:
    # A build killed while writing leaves its temporary file; the next writer removes it (a live
    # writer's, another server's on this machine, is left alone).
    snapshot = tmp_path / "index.snapshot"
    orphan = tmp_path / f".index.snapshot.{_ended_pid()}.tmp"
    orphan.write_bytes(b"half a snapshot")
    alive = tmp_path / f".index.snapshot.{os.getppid()}.tmp"
    alive.write_bytes(b"someone else's, being written")
    await build_in_process(seeded_store, snapshot=snapshot)
    assert snapshot.exists() and not orphan.exists() and alive.exists()


async def test_a_snapshot_that_cannot_be_written_costs_only_the_file(seeded_store, tmp_path: Path, caplog) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    with caplog.at_level(logging.WARNING, logger="console.server.search_build"):
        index, meta = await build_in_process(seeded_store, snapshot=blocked / "index.snapshot")
    assert meta["source"] == "database" and "snapshot_error" in meta
    assert len(index) == len(load_index(seeded_store))
    assert any("not written" in record.getMessage() for record in caplog.records)
