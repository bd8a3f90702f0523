"""A CSV file uploaded to the API, read line by line so that bad rows are reported, not fatal.

Each physical line is decoded on its own (a line pasted from a GB18030 spreadsheet is reported
with its line number, the others still read); the header must name known columns, each once,
with the required ones; a record with the wrong number of fields is reported by the line it
starts on. Used by the staff import (console/crm/staff_csv.py) and the AUM snapshots
(console/crm/aum_csv.py).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from console.i18n import t


@dataclass
class ParsedCsv:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, cells)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    header_ok: bool = True


def _decoded_lines(data: bytes) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, None) or (line number, None, why it is not UTF-8)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # Excel writes a UTF-8 BOM
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            yield number, raw.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            yield number, None, t("crm.csv.not_utf8", byte=f"0x{raw[exc.start]:02x}", column=exc.start + 1)


def _header_problem(header: list[str], columns: Sequence[str], required: Sequence[str]) -> str | None:
    unknown = [h for h in header if h not in columns]
    if unknown:
        return t("crm.csv.unknown_columns", columns=", ".join(unknown), known=", ".join(columns))
    for column in required:
        if column not in header:
            return t("crm.csv.missing_column", column=column, known=", ".join(columns))
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        return t("crm.csv.repeated_columns", columns=", ".join(dupes))
    return None


def parse_csv(data: bytes, columns: Sequence[str], required: Sequence[str]) -> ParsedCsv:
    """The rows of ``data`` (cells stripped, blank records skipped) and the bad lines."""
    out = ParsedCsv()
    good: list[str] = []
    numbers: list[int] = []
    bad: dict[int, str] = {}
    for number, line, error in _decoded_lines(data):
        if line is None:
            bad[number] = error or ""
        else:
            good.append(line)
            numbers.append(number)
    if not numbers or 1 in bad:
        out.header_ok = False
        out.errors.append((1, t("crm.csv.no_header", columns=", ".join(columns))))
        return out
    reader = csv.reader(good, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        out.header_ok = False
        out.errors.append((1, t("crm.csv.bad_csv", reason=exc)))
        return out
    problem = _header_problem(header, columns, required)
    if problem:
        out.header_ok = False
        out.errors.append((1, problem))
        return out
    consumed = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.errors.append((numbers[min(reader.line_num, len(numbers)) - 1], t("crm.csv.bad_csv", reason=exc)))
            consumed = reader.line_num
            continue
        first = numbers[consumed]  # the record's first physical line
        consumed = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            out.errors.append((first, t("crm.csv.field_count", got=len(record), want=len(header))))
            continue
        out.rows.append((first, {name: cell.strip() for name, cell in zip(header, record, strict=True)}))
    out.errors.extend(bad.items())
    out.errors.sort()
    return out
