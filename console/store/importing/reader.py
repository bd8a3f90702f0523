"""Reading a customer CSV: each physical line decoded on its own, so that one bad line
(non-UTF-8 bytes, e.g. a row pasted from a GB18030 spreadsheet) is reported with its line
number and the rest of the file still imports.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from console.errors import CalldeskError
from console.i18n import t

REQUIRED = ("client_no", "name")
COLUMNS = (
    "client_no", "name", "phones", "id_number", "gender", "birth_date", "branch", "manager",
    "tier", "aum", "risk_level", "risk_assessed_on", "investor_type", "margin", "star", "chinext",
    "status", "do_not_call",
)


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    fields: dict[str, str] | None
    error: str | None = None


def read_rows(path: Path, label: str | None = None) -> Iterator[RawRow]:
    """The data rows of ``path`` (header checked first), with their line numbers in the file.
    ``label``: the file's name in messages (default ``path``: the server names the uploaded file)."""
    name = label if label is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CalldeskError(t("import.file.cannot_read", file=name, reason=exc.strerror)) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # Excel writes a UTF-8 BOM
    good_lines: list[str] = []
    line_numbers: list[int] = []
    bad: dict[int, str] = {}
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            good_lines.append(raw.decode("utf-8"))
            line_numbers.append(number)
        except UnicodeDecodeError as exc:
            bad[number] = t("import.row.not_utf8", byte=f"{raw[exc.start]:02x}", column=exc.start + 1)
    if not line_numbers or 1 in bad:
        raise CalldeskError(t("import.file.no_header", file=name, required=", ".join(REQUIRED))
                            + (f": {bad[1]}" if 1 in bad else ""))
    reader = csv.reader(good_lines, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise CalldeskError(t("import.file.header_csv", file=name, reason=exc)) from None
    _check_header(name, header)
    pending_bad = sorted(bad)
    consumed = 1  # good lines consumed by the reader so far
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = line_numbers[min(reader.line_num, len(line_numbers)) - 1]
            yield from _flush(pending_bad, line, bad)
            yield RawRow(line, None, t("import.row.not_csv", reason=exc))
            consumed = reader.line_num
            continue
        first = line_numbers[consumed]  # the record's first physical line
        consumed = reader.line_num
        yield from _flush(pending_bad, first, bad)
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            yield RawRow(first, None, t("import.row.fields", n=len(record), header=len(header)))
            continue
        yield RawRow(first, dict(zip(header, (cell.strip() for cell in record), strict=True)))
    yield from _flush(pending_bad, 10**12, bad)


def _flush(pending: list[int], before: int, bad: dict[int, str]) -> Iterator[RawRow]:
    """Report undecodable lines in file order, interleaved with the decoded ones."""
    while pending and pending[0] < before:
        line = pending.pop(0)
        yield RawRow(line, None, bad[line])


def _check_header(name: str, header: list[str]) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise CalldeskError(t("import.file.unknown_column", file=name, columns=", ".join(map(repr, unknown)),
                              known=", ".join(COLUMNS)))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CalldeskError(t("import.file.missing_column", file=name, columns=", ".join(missing)))
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise CalldeskError(t("import.file.column_twice", file=name, columns=", ".join(dupes)))
