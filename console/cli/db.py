"""`calldesk db upgrade|downgrade|status`: the store's schema.

`db upgrade` is the only command that accepts a database whose schema is behind; every
other command refuses it and names this one.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="create, upgrade or inspect the database schema")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="create the schema or bring it to the newest revision")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(func=_upgrade)
    down = actions.add_parser("downgrade", help="step the schema back (default: one revision)")
    down.add_argument("revision", nargs="?", default="-1", help="target revision, or -N steps (default: -1)")
    down.set_defaults(func=_downgrade)
    status = actions.add_parser("status", help="print the schema revision of the database and of this calldesk")
    status.set_defaults(func=_status)


def _engine(args: argparse.Namespace):
    from console.config import load_settings
    from console.store.db import open_engine

    return open_engine(load_settings(args.config).database.url, check=False)


def _upgrade(args: argparse.Namespace) -> int:
    from console.store.db import describe
    from console.store.migrate import current_revision, upgrade

    engine = _engine(args)
    try:
        before = current_revision(engine)
        after = upgrade(engine, args.revision)
    finally:
        engine.dispose()
    if before == after:
        print(f"{describe(engine)}: schema already at {after}")
    else:
        print(f"{describe(engine)}: schema upgraded {before or 'empty'} -> {after}")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    from console.store.db import describe
    from console.store.migrate import current_revision, downgrade

    engine = _engine(args)
    try:
        before = current_revision(engine)
        after = downgrade(engine, args.revision)
    finally:
        engine.dispose()
    print(f"{describe(engine)}: schema downgraded {before or 'empty'} -> {after or 'empty'}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from console.store.db import describe
    from console.store.migrate import current_revision, head_revision

    engine = _engine(args)
    try:
        current, head = current_revision(engine), head_revision()
    finally:
        engine.dispose()
    state = "current" if current == head else "behind: run `calldesk db upgrade`"
    print(f"{describe(engine)}: schema {current or 'empty'}, newest {head} ({state})")
    return 0 if current == head else 1
