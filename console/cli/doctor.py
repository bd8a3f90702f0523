"""`calldesk doctor`: checks that calldesk has everything it needs, one line each; exit 0 when
it has, 1 otherwise (each failure says what to fix). docs/asterisk.md walks through the fixes."""

from __future__ import annotations

import argparse
import sys

MARKS = {"ok": "✓", "info": "·", "warn": "!", "fail": "✗"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="check the PBXs, the database and the dialer's window")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import datetime as dt

    from console.config import load_settings
    from console.doctor import examine
    from console.i18n import set_locale, t

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    sections = asyncio.run(examine(settings, dt.datetime.now(dt.UTC)))
    failures = 0
    for title, findings in sections:
        print(title)
        for finding in findings:
            print(f"  {MARKS[finding.status]} {finding.text}")
            if finding.fix:
                print(f"      → {finding.fix}")
            failures += finding.failed
    print(t("doctor.summary.fail", count=failures) if failures else t("doctor.summary.ok"))
    sys.stdout.flush()
    return 1 if failures else 0
