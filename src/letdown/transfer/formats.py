"""Readers for the files she brings: letdown's own export, Baby Buddy's admin export,
Huckleberry's CSV, Baby Tracker's per-activity CSVs and letdown's generic CSV
(docs/import.md). Each turns bytes into `Incoming` rows in the export document's shape; none
touches the database, so they are tested on the sample files alone."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext, ngettext, pgettext

from letdown.core.l10n import format_number
from letdown.core.units import ML_PER_OZ

from .document import FORMAT, KIND_BY_NAME, SCHEMA_VERSION
from .export import JSON_NAME
from .incoming import SOURCES, Incoming

MAX_ROWS = 200_000  # far more than years of use; a bigger file is not hers
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class FormatError(ValueError):
    """The file as a whole cannot be read (not CSV, wrong columns): nothing to import."""


# Every message here is shown to her (the import preview, the pull form) in her language,
# so each goes through gettext as it is raised. The names of her file's columns and values
# ("amount", "Wet") stay as her file writes them: they are what she looks for in it.


def _ends_before_start() -> str:
    return gettext("it ends before it starts")


def _too_many_rows(name: str) -> FormatError:
    return FormatError(
        gettext("%(file)s has more than %(rows)s rows")
        % {"file": name, "rows": format_number(MAX_ROWS)}
    )


# --- shared helpers ---------------------------------------------------------------------------


def _text(content: bytes, name: str) -> str:
    try:
        # utf-8-sig drops the byte-order mark Excel and Huckleberry put first.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(
            gettext("%(file)s is not UTF-8 text (is it a CSV file?)") % {"file": name}
        ) from None


def _csv_rows(content: bytes, name: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header (stripped, lower case) and (line number, row) pairs; CRLF or LF alike."""
    reader = csv.reader(io.StringIO(_text(content, name), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FormatError(gettext("%(file)s is empty") % {"file": name}) from None
    except csv.Error as error:
        raise FormatError(_not_csv(name, error)) from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for number, values in enumerate(reader, start=2):
                if number > MAX_ROWS:
                    raise _too_many_rows(name)
                if not any(v.strip() for v in values):
                    continue
                yield number, {h: v.strip() for h, v in zip(header, values, strict=False)}
        except csv.Error as error:
            raise FormatError(_not_csv(name, error)) from None

    return header, rows()


def _not_csv(name: str, error: Exception) -> str:
    return gettext("%(file)s is not a CSV file (%(error)s)") % {"file": name, "error": error}


def _require(header: list[str], columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise FormatError(
            ngettext(
                "%(file)s: the column %(columns)s is missing (found: %(found)s)",
                "%(file)s: the columns %(columns)s are missing (found: %(found)s)",
                len(missing),
            )
            % {
                "file": name,
                "columns": ", ".join(missing),
                "found": ", ".join(header) or pgettext("no columns", "none"),
            }
        )


def _local(value: str, formats: tuple[str, ...], tz: ZoneInfo) -> datetime:
    """A naive local time in one of `formats`, in her zone (ISO 8601 with an offset is taken
    as it says)."""
    value = value.strip()
    if value[:4].isdigit():
        # ISO 8601 (2025-04-29 09:29, with or without seconds or an offset): the fast path,
        # strptime costs ten times as much and a 3 MB file holds 50,000 times.
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    for pattern in formats:
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            gettext("%(value)s is not a date and time we can read") % {"value": repr(value)}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _ml(amount: float, unit: str) -> float:
    return amount * ML_PER_OZ if unit == "oz" else amount


def _not_a_number(value: str, what: str) -> ValueError:
    return ValueError(
        gettext("%(column)s %(value)s is not a number") % {"column": what, "value": repr(value)}
    )


def _number(value: str, what: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise _not_a_number(value, what) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _not_a_number(value, what)
    return number


def _digest(*values: str) -> str:
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:24]


class _Ids:
    """Source ids for rows that have none: a digest of the row, with its occurrence number,
    so the same file gives the same ids and two identical rows stay two rows."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def __call__(self, *values: str) -> str:
        digest = _digest(*values)
        self.seen[digest] += 1
        return f"{digest}.{self.seen[digest]}"


def _add_session(
    incoming: Incoming,
    *,
    where: str,
    source_id: str,
    kind: str,
    started_at: datetime,
    ended_at: datetime,
    sides: list[tuple[str, float]],
    volume_left_ml: float | None = None,
    volume_right_ml: float | None = None,
    notes: str = "",
) -> None:
    """One session and its segments: `sides` as (side, seconds) in the order she used them,
    laid end to end from the start (cut at the session's end)."""
    if ended_at == started_at:
        ended_at = started_at + timedelta(seconds=1)  # a zero-length entry: keep it, positive
    incoming.add(
        "sessions",
        {
            "id": source_id,
            "_where": where,
            "lactation_id": None,
            "kind": kind,
            "started_at": started_at,
            "ended_at": ended_at,
            "volume_left_ml": volume_left_ml,
            "volume_right_ml": volume_right_ml,
            "notes": notes[:2000],
            "source": incoming.source,
        },
    )
    at = started_at
    for number, (side, seconds) in enumerate(sides, start=1):
        end = min(at + timedelta(seconds=seconds), ended_at) if seconds else ended_at
        if end <= at:
            continue
        incoming.add(
            "segments",
            {
                "id": f"{source_id}/{number}",
                "_where": where,
                "session_id": source_id,
                "side": side,
                "started_at": at,
                "ended_at": end,
            },
        )
        at = end


def _add_feed(
    incoming: Incoming,
    *,
    where: str,
    source_id: str,
    at: datetime,
    milk: str,
    volume_ml: float,
    notes: str = "",
) -> None:
    incoming.add(
        "bottle_feeds",
        {
            "id": source_id,
            "_where": where,
            "lactation_id": None,
            "at": at,
            "milk": milk,
            "volume_ml": volume_ml,
            "notes": notes[:2000],
        },
    )


# Stool colours as the apps name them, to letdown's four (babylog.models.StoolColour): black
# is meconium, green and brown the changing stools, yellow and mustard the milk stools, grey
# and white pale.
_STOOL = {
    "meconium": "meconium",  # letdown's own names (the generic CSV)
    "black": "meconium",
    "green": "green",
    "brown": "green",
    "yellow": "yellow",
    "mustard": "yellow",
    "gray": "pale",
    "grey": "pale",
    "white": "pale",
    "pale": "pale",
}
_G_PER = {"kg": 1000.0, "g": 1.0, "lb": 453.59237, "lbs": 453.59237, "oz": 28.349523125}
WEIGHT_UNITS = ("kg", "g", "lb", "oz")
_WEIGHT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(kg|g|lbs?|oz)\.?\s*$", re.IGNORECASE)
_POUNDS_OUNCES = re.compile(r"^\s*(\d+)\s*lbs?\.?\s*(\d+(?:[.,]\d+)?)\s*oz\.?\s*$", re.IGNORECASE)
_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n", ""}


def default_weight_unit(unit: str) -> str:
    """Weights with no unit: kilograms for her who counts in mL, pounds for ounces."""
    return "lb" if unit == "oz" else "kg"


def _grams(value: str, unit: str) -> float:
    """A weight as written (`4.09kg`, `8 lb 4 oz`, or a bare number in `unit`) in grams."""
    if match := _POUNDS_OUNCES.match(value):
        return int(match[1]) * _G_PER["lb"] + float(match[2].replace(",", ".")) * _G_PER["oz"]
    if match := _WEIGHT.match(value):
        return float(match[1].replace(",", ".")) * _G_PER[match[2].lower()]
    return _number(value, "weight") * _G_PER[unit]


def _flag(value: str, what: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(
        gettext("%(column)s %(value)s is not true or false")
        % {"column": what, "value": repr(value)}
    )


def _add_nappy(
    incoming: Incoming,
    *,
    where: str,
    source_id: str,
    baby: str,
    at: datetime,
    wet: bool,
    dirty: bool,
    colour: str = "",
) -> None:
    """A nappy for the baby the file names (`baby`, matched to hers by the writer). A dry
    one is counted and skipped: letdown logs wet or dirty nappies."""
    if not (wet or dirty):
        incoming.skipped[gettext("dry nappies")] += 1
        return
    stool = ""
    if dirty and colour:
        stool = _STOOL.get(colour.strip().lower(), "")
        if not stool:
            unknown = gettext("stool colours letdown does not list (%(colour)s)")
            incoming.skipped[unknown % {"colour": colour.lower()}] += 1
    incoming.add(
        "nappies",
        {
            "id": source_id,
            "_where": where,
            "_baby": baby,
            "baby_id": None,
            "at": at,
            "wet": wet,
            "dirty": dirty,
            "stool_colour": stool,
        },
    )


def _add_weighing(
    incoming: Incoming,
    *,
    where: str,
    source_id: str,
    baby: str,
    at: datetime,
    grams: float,
    after_g: float | None = None,
) -> None:
    incoming.add(
        "weighings",
        {
            "id": source_id,
            "_where": where,
            "_baby": baby,
            "baby_id": None,
            "at": at,
            "weight_g": round(grams, 1),
            "after_feed_g": None if after_g is None else round(after_g, 1),
        },
    )


def _left_out_notes(incoming: Incoming, count: int, what: str) -> None:
    """A note for `count` rows of `what` ("nappies", "weights", "nappies and weights") whose
    notes were left out: one sentence each, so that every language can word it whole."""
    if not count:
        return
    if what == "nappies":
        note = ngettext(
            "letdown's nappies have no notes: the notes of %(count)d of them were left out.",
            "letdown's nappies have no notes: the notes of %(count)d of them were left out.",
            count,
        )
    elif what == "weights":
        note = ngettext(
            "letdown's weights have no notes: the notes of %(count)d of them were left out.",
            "letdown's weights have no notes: the notes of %(count)d of them were left out.",
            count,
        )
    else:
        note = ngettext(
            "letdown's nappies and weights have no notes: the notes of %(count)d of them "
            "were left out.",
            "letdown's nappies and weights have no notes: the notes of %(count)d of them "
            "were left out.",
            count,
        )
    incoming.notes.append(note % {"count": count})


def _files(content: bytes, name: str) -> list[tuple[str, bytes]]:
    """A zip's CSV files (by base name), or the one file she gave."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return [(name.rsplit("/", 1)[-1], content)]
    files = []
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # What it says it unpacks to, checked before unpacking: no zip bombs.
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise FormatError(
                    gettext("%(file)s unpacks to more than %(mb)d MB")
                    % {"file": name, "mb": MAX_UNPACKED_BYTES >> 20}
                )
            for info in archive.infolist():
                if info.is_dir() or info.filename.startswith("__MACOSX"):
                    continue
                files.append((info.filename.rsplit("/", 1)[-1], archive.read(info)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as error:
        raise FormatError(
            gettext("%(file)s is a damaged zip file (%(error)s)") % {"file": name, "error": error}
        ) from None
    return files


# --- letdown's own export ---------------------------------------------------------------------


def read_letdown(content: bytes, name: str, **_: Any) -> Incoming:
    incoming = Incoming(source="letdown")
    if zipfile.is_zipfile(io.BytesIO(content)):
        files = dict(_files(content, name))
        if JSON_NAME not in files:
            raise FormatError(
                gettext("this zip has no %(name)s: is it a letdown JSON export?")
                % {"name": JSON_NAME}
            )
        content = files.pop(JSON_NAME)
        incoming.media_files = {n: c for n, c in files.items()}
    try:
        document = json.loads(_text(content, name))
    except json.JSONDecodeError as error:
        raise FormatError(
            gettext("%(file)s is not JSON (%(error)s)") % {"file": name, "error": error}
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FormatError(gettext("%(file)s is not a letdown export") % {"file": name})
    if document.get("schema_version") != SCHEMA_VERSION:
        raise FormatError(
            gettext("%(file)s has schema version %(found)s; this letdown reads version %(version)s")
            % {"file": name, "found": document.get("schema_version"), "version": SCHEMA_VERSION}
        )
    data = document.get("data")
    if not isinstance(data, dict):
        raise FormatError(gettext("%(file)s has no data") % {"file": name})
    for kind, rows in data.items():
        if kind not in KIND_BY_NAME:
            unknown = gettext("unknown kind %(kind)s") % {"kind": kind}
            incoming.skipped[unknown] += len(rows) if isinstance(rows, list) else 1
            continue
        if not isinstance(rows, list):
            raise FormatError(gettext("%(kind)s is not a list") % {"kind": kind})
        ids = set()
        for number, row in enumerate(rows, start=1):
            where = f"{kind} #{number}"
            if not isinstance(row, dict) or "id" not in row:
                incoming.problem(where, gettext("a row needs an id"))
                continue
            if row["id"] in ids:
                incoming.problem(
                    where, gettext("id %(id)s appears twice") % {"id": repr(row["id"])}
                )
                continue
            ids.add(row["id"])
            incoming.add(kind, {**row, "_where": where})
    if data.get("media") and not incoming.media_files:
        incoming.notes.append(
            gettext("Media files are not in a JSON file: export with media to move them.")
        )
    return incoming


# --- Baby Buddy -------------------------------------------------------------------------------

_BB_TIMES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
_BB_SIDES = {"left breast": "left", "right breast": "right", "both breasts": "both"}
_BB_MILK = {"breast milk": "expressed", "fortified breast milk": "expressed", "formula": "formula"}


def _bb_feeding(
    incoming: Incoming, content: bytes, name: str, tz: ZoneInfo, unit: str, new_id: _Ids
) -> None:
    header, rows = _csv_rows(content, name)
    _require(header, ("start", "end", "type", "method"), name)
    line_at = gettext("%(file)s line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"file": name, "line": number}
        try:
            start = _local(row["start"], _BB_TIMES, tz)
            end = _local(row["end"], _BB_TIMES, tz) if row.get("end") else start
            amount = _number(row["amount"], "amount") if row.get("amount") else None
        except ValueError as error:
            incoming.problem(where, str(error))
            continue
        source_id = row.get("id") or new_id(*row.values())
        method, milk = row["method"].lower(), row["type"].lower()
        if method in _BB_SIDES:
            if end < start:
                incoming.problem(where, _ends_before_start())
                continue
            _add_session(
                incoming,
                where=where,
                source_id=f"feeding/{source_id}",
                kind="nursing",
                started_at=start,
                ended_at=end,
                sides=[(_BB_SIDES[method], 0)],
                notes=row.get("notes", ""),
            )
        elif method == "bottle" and milk in _BB_MILK:
            if amount is None:
                incoming.skipped[gettext("bottle feeds without an amount")] += 1
                continue
            _add_feed(
                incoming,
                where=where,
                source_id=f"feeding/{source_id}",
                at=start,
                milk=_BB_MILK[milk],
                volume_ml=_ml(amount, unit),
                notes=row.get("notes", ""),
            )
        else:
            feedings = gettext("feedings (%(type)s, %(method)s)") % {
                "type": milk or gettext("no type"),
                "method": method or gettext("no method"),
            }
            incoming.skipped[feedings] += 1


def _bb_pumping(
    incoming: Incoming, content: bytes, name: str, tz: ZoneInfo, unit: str, new_id: _Ids
) -> None:
    header, rows = _csv_rows(content, name)
    _require(header, ("amount",), name)
    if "start" not in header and "time" not in header:
        raise FormatError(
            gettext("%(file)s: the columns start and end (or time) are missing") % {"file": name}
        )
    line_at = gettext("%(file)s line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"file": name, "line": number}
        try:
            start = _local(row.get("start") or row.get("time", ""), _BB_TIMES, tz)
            end = _local(row["end"], _BB_TIMES, tz) if row.get("end") else start
            amount = _number(row["amount"], "amount") if row.get("amount") else None
        except ValueError as error:
            incoming.problem(where, str(error))
            continue
        if end < start:
            incoming.problem(where, _ends_before_start())
            continue
        half = None if amount is None else _ml(amount, unit) / 2
        _add_session(
            incoming,
            where=where,
            source_id=f"pumping/{row.get('id') or new_id(*row.values())}",
            kind="pumping",
            started_at=start,
            ended_at=end,
            sides=[("both", 0)],
            volume_left_ml=half,
            volume_right_ml=half,
            notes=row.get("notes", ""),
        )
    incoming.notes.append(
        gettext(
            "Baby Buddy keeps one amount per pumping: it is split evenly between the two sides."
        )
    )


def _bb_child(row: dict[str, str]) -> str:
    return f"{row.get('child_first_name', '')} {row.get('child_last_name', '')}".strip()


def _bb_changes(incoming: Incoming, content: bytes, name: str, tz: ZoneInfo, new_id: _Ids) -> None:
    """Diaper changes: `time,wet,solid,color,amount,notes`, per child. letdown's nappy has no
    amount or notes: those are left out, and the preview says how many."""
    header, rows = _csv_rows(content, name)
    _require(header, ("time", "wet", "solid"), name)
    notes = amounts = 0
    line_at = gettext("%(file)s line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"file": name, "line": number}
        try:
            at = _local(row["time"], _BB_TIMES, tz)
            wet, solid = _flag(row["wet"], "wet"), _flag(row["solid"], "solid")
        except ValueError as error:
            incoming.problem(where, str(error))
            continue
        notes += bool(row.get("notes"))
        amounts += bool(row.get("amount"))
        _add_nappy(
            incoming,
            where=where,
            source_id=f"diaperchange/{row.get('id') or new_id(*row.values())}",
            baby=_bb_child(row),
            at=at,
            wet=wet,
            dirty=solid,
            colour=row.get("color", ""),
        )
    _left_out_notes(incoming, notes, "nappies")
    if amounts:
        incoming.notes.append(
            ngettext(
                "letdown's nappies have no amount: the amount of %(count)d of them was left out.",
                "letdown's nappies have no amount: the amounts of %(count)d of them were left out.",
                amounts,
            )
            % {"count": amounts}
        )


def _bb_weight(
    incoming: Incoming, content: bytes, name: str, tz: ZoneInfo, weight_unit: str, new_id: _Ids
) -> None:
    """Weights: `weight,date,notes`, per child, the weight with no unit (she says which).
    Baby Buddy keeps a date, no time: it is stored at noon of that day, her time."""
    header, rows = _csv_rows(content, name)
    _require(header, ("weight", "date"), name)
    notes = 0
    line_at = gettext("%(file)s line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"file": name, "line": number}
        try:
            day = datetime.strptime(row["date"][:10], "%Y-%m-%d")
            grams = _grams(row["weight"], weight_unit)
        except ValueError as error:
            message = str(error)
            if "does not match format" in message or "unconverted data" in message:
                message = gettext("%(value)s is not a date we can read (YYYY-MM-DD)") % {
                    "value": repr(row["date"])
                }
            incoming.problem(where, message)
            continue
        notes += bool(row.get("notes"))
        _add_weighing(
            incoming,
            where=where,
            source_id=f"weight/{row.get('id') or new_id(*row.values())}",
            baby=_bb_child(row),
            at=day.replace(hour=12, tzinfo=tz),
            grams=grams,
        )
    _left_out_notes(incoming, notes, "weights")


def _is_xlsx(content: bytes) -> bool:
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _xlsx_as_csv(content: bytes, name: str) -> bytes:
    """The first sheet of an Excel file as CSV text, moments written as Baby Buddy writes
    them in CSV (its XLSX export holds the same columns)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FormatError(
            gettext("%(file)s is not an Excel file we can read (%(error)s)")
            % {"file": name, "error": error}
        ) from None
    text = io.StringIO()
    writer = csv.writer(text)
    sheet = book.worksheets[0]
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            raise _too_many_rows(name)
        writer.writerow(
            [
                value.strftime("%Y-%m-%d %H:%M:%S")
                if isinstance(value, datetime)
                else ""
                if value is None
                else value
                for value in cells
            ]
        )
    book.close()
    return text.getvalue().encode()


def _babybuddy_files(content: bytes, name: str) -> list[tuple[str, bytes]]:
    """Her CSV files, with any Excel file (one export, or one in a zip) turned into CSV."""
    if _is_xlsx(content):
        return [(name.rsplit(".", 1)[0] + ".csv", _xlsx_as_csv(content, name))]
    return [
        (n.rsplit(".", 1)[0] + ".csv", _xlsx_as_csv(data, n))
        if n.lower().endswith(".xlsx")
        else (n, data)
        for n, data in _files(content, name)
    ]


def _not_tracked(name: str, kind: str) -> str:
    return gettext("%(file)s: letdown does not track %(kind)s; skipped.") % {
        "file": name,
        "kind": kind,
    }


def read_babybuddy(
    content: bytes, name: str, *, tz: ZoneInfo, unit: str, weight_unit: str = "kg"
) -> Incoming:
    incoming = Incoming(source="babybuddy")
    new_id = _Ids()
    for file_name, data in _babybuddy_files(content, name):
        header, _ = _csv_rows(data, file_name)
        lower = file_name.lower()
        # Each of Baby Buddy's models exports to its own file, named after it; a renamed file
        # is told by its columns (a diaper change has an amount and a time too, but no method
        # and it has "wet").
        if "feeding" in lower or "method" in header:
            _bb_feeding(incoming, data, file_name, tz, unit, new_id)
        elif "diaper" in lower or ("wet" in header and "solid" in header):
            _bb_changes(incoming, data, file_name, tz, new_id)
        elif lower.startswith("weight") or (
            "weight" in header and "date" in header and "bmi" not in header
        ):
            _bb_weight(incoming, data, file_name, tz, weight_unit, new_id)
        elif "pumping" in lower or (
            "amount" in header and ("start" in header or "time" in header) and "wet" not in header
        ):
            _bb_pumping(incoming, data, file_name, tz, unit, new_id)
        elif lower.endswith(".csv"):
            kind = file_name.rsplit(".", 1)[0]
            incoming.skipped[kind] += sum(1 for _ in _csv_rows(data, file_name)[1])
            incoming.notes.append(_not_tracked(file_name, kind))
        else:
            raise FormatError(
                gettext("%(file)s is not a Baby Buddy CSV export") % {"file": file_name}
            )
    return incoming


# --- Huckleberry ------------------------------------------------------------------------------

_HB_TIMES = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
_HB_COLUMNS = ("type", "start", "end", "duration", "start condition", "end condition", "notes")
_SIDE_MINUTES = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*([LR])\s*$", re.IGNORECASE)
_VOLUME = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(ml|oz)\.?\s*$", re.IGNORECASE)


def _clock_seconds(first: int, second: int, hours_first: bool) -> int:
    return first * 3600 + second * 60 if hours_first else first * 60 + second


def _hb_sides(values: list[str], span_s: float | None) -> list[tuple[str, float]] | None:
    """Per-side times like 00:03R / 00:07L, read as HH:MM, or as MM:SS when HH:MM cannot fit
    the session (Huckleberry writes both)."""
    parts = [m for v in values if (m := _SIDE_MINUTES.match(v))]
    if not parts:
        return None
    pairs = [(int(m[1]), int(m[2]), "left" if m[3].upper() == "L" else "right") for m in parts]
    as_hours = sum(_clock_seconds(a, b, True) for a, b, _ in pairs)
    hours_first = as_hours <= (span_s + 60 if span_s is not None else 3 * 3600)
    return [(side, _clock_seconds(a, b, hours_first)) for a, b, side in pairs]


def _hb_duration(value: str) -> float | None:
    match = re.match(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$", value)
    if not match:
        return None
    if match[3] is not None:
        return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])
    # HH:MM, unless that would be longer than a feed can be: then MM:SS.
    hours = _clock_seconds(int(match[1]), int(match[2]), True)
    return hours if hours <= 4 * 3600 else _clock_seconds(int(match[1]), int(match[2]), False)


def _volume_ml(value: str) -> float | None:
    match = _VOLUME.match(value)
    if not match:
        return None
    return _ml(float(match[1].replace(",", ".")), match[2].lower())


def _hb_nappy(
    incoming: Incoming, row: dict[str, str], where: str, at: datetime, source_id: str
) -> None:
    """A `Diaper` row: what was in it in `End Condition` (`Pee:large`, `Poo`, `Both, pee:small
    poo:medium`, `Dry`), the stool's colour in `Duration` (or, in some exports, `End`)."""
    contents = row["end condition"].strip().lower()
    wet = contents.startswith(("pee", "both")) or "pee:" in contents
    dirty = contents.startswith(("poo", "both")) or "poo:" in contents
    if not (wet or dirty) and contents not in ("dry", ""):
        unread = gettext("nappies we cannot read (%(contents)s)")
        incoming.skipped[unread % {"contents": row["end condition"]}] += 1
        return
    colour = row["duration"] if not row["duration"][:1].isdigit() else ""
    if not colour and row["end"] and not row["end"][:1].isdigit():
        colour = row["end"]
    _add_nappy(
        incoming,
        where=where,
        source_id=source_id,
        baby="",
        at=at,
        wet=wet,
        dirty=dirty,
        colour=colour,
    )


def read_huckleberry(
    content: bytes, name: str, *, tz: ZoneInfo, unit: str, weight_unit: str = "kg"
) -> Incoming:
    incoming = Incoming(source="huckleberry")
    header, rows = _csv_rows(content, name)
    _require(header, _HB_COLUMNS, name)
    new_id = _Ids()
    notes = 0
    line_at = gettext("line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"line": number}
        kind = row["type"].strip().lower()
        if kind in ("diaper", "growth"):
            try:
                at = _local(row["start"], _HB_TIMES, tz)
                # Growth: weight in Start Condition (`4.09kg`), length and head after it.
                grams = (
                    _grams(row["start condition"], weight_unit)
                    if kind == "growth" and row["start condition"]
                    else None
                )
            except ValueError as error:
                incoming.problem(where, str(error))
                continue
            notes += bool(row["notes"])
            if kind == "diaper":
                _hb_nappy(incoming, row, where, at, new_id(*row.values()))
            elif grams is None:
                incoming.skipped[gettext("growth without a weight (length, head)")] += 1
            else:
                _add_weighing(
                    incoming,
                    where=where,
                    source_id=new_id(*row.values()),
                    baby="",
                    at=at,
                    grams=grams,
                )
            continue
        if kind not in ("feed", "pump"):
            incoming.skipped[row["type"] or gettext("rows with no type")] += 1
            continue
        conditions = [row["start condition"], row["end condition"]]
        try:
            start = _local(row["start"], _HB_TIMES, tz)
            duration = _hb_duration(row["duration"]) if row["duration"] else None
            if row["end"]:
                end = _local(row["end"], _HB_TIMES, tz)
            else:
                end = start + timedelta(seconds=duration or 0)
        except ValueError as error:
            incoming.problem(where, str(error))
            continue
        if end < start:
            incoming.problem(where, _ends_before_start())
            continue
        source_id = new_id(*row.values())
        span = (end - start).total_seconds()
        location = row.get("start location", "").lower()
        if kind == "pump":
            volumes = [_volume_ml(v) for v in conditions]
            if any(v is None for v, raw in zip(volumes, conditions, strict=True) if raw):
                incoming.problem(
                    where,
                    gettext("cannot read the volumes %(first)s, %(second)s")
                    % {"first": repr(conditions[0]), "second": repr(conditions[1])},
                )
                continue
            _add_session(
                incoming,
                where=where,
                source_id=source_id,
                kind="pumping",
                started_at=start,
                ended_at=end,
                sides=[("both", 0)],
                volume_left_ml=volumes[0],
                volume_right_ml=volumes[1],
                notes=row["notes"],
            )
            continue
        sides = _hb_sides(conditions, span)
        if sides is not None or "breast" in location:
            if not row["end"] and sides:
                end = start + timedelta(seconds=sum(s for _, s in sides))
            _add_session(
                incoming,
                where=where,
                source_id=source_id,
                kind="nursing",
                started_at=start,
                ended_at=end,
                sides=sides or [],
                notes=row["notes"],
            )
            continue
        text = " ".join(conditions).lower()
        volume = next((v for c in conditions if (v := _volume_ml(c)) is not None), None)
        if "bottle" in location or volume is not None:
            if volume is None:
                incoming.skipped[gettext("bottle feeds without an amount")] += 1
                continue
            milk = "formula" if "formula" in text else "expressed"
            _add_feed(
                incoming,
                where=where,
                source_id=source_id,
                at=start,
                milk=milk,
                volume_ml=volume,
                notes=row["notes"],
            )
            continue
        feeds = gettext("feeds (%(location)s)")
        incoming.skipped[feeds % {"location": row.get("start location") or gettext("other")}] += 1
    _left_out_notes(incoming, notes, "nappies and weights")
    return incoming


# --- Baby Tracker (Nighp) ---------------------------------------------------------------------

_BT_TIMES = (
    "%m/%d/%y, %H:%M",
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y, %H:%M",
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M %p",
)
_BT_NAPPY = {
    "wet": (True, False),
    "dirty": (False, True),
    "mixed": (True, True),
    "dry": (False, False),
}


def _bt_nappies(
    incoming: Incoming,
    rows: Iterator[tuple[int, dict[str, str]]],
    name: str,
    tz: ZoneInfo,
    new_id: _Ids,
) -> None:
    """diaper.csv: `Baby,Time,Status,Note`, the status `Wet`, `Dirty`, `Mixed` or `Dry` (no
    colour in this export)."""
    notes = 0
    line_at = gettext("%(file)s line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"file": name, "line": number}
        status = row.get("status", "").strip().lower()
        if status not in _BT_NAPPY:
            incoming.problem(
                where,
                gettext("status %(status)s is not Wet, Dirty, Mixed or Dry")
                % {"status": repr(row.get("status"))},
            )
            continue
        try:
            at = _local(row["time"], _BT_TIMES, tz)
        except ValueError as error:
            incoming.problem(where, str(error))
            continue
        notes += bool(row.get("note"))
        wet, dirty = _BT_NAPPY[status]
        _add_nappy(
            incoming,
            where=where,
            source_id=new_id(name, *row.values()),
            baby=row.get("baby", ""),
            at=at,
            wet=wet,
            dirty=dirty,
        )
    _left_out_notes(incoming, notes, "nappies")


def _column(header: list[str], *words: str) -> str | None:
    return next((h for h in header if all(w in h for w in words)), None)


def _unit_of(column: str | None, default: str) -> str:
    if column and "oz" in column:
        return "oz"
    if column and "ml" in column:
        return "ml"
    return default


def _bt_file(
    incoming: Incoming, content: bytes, name: str, tz: ZoneInfo, unit: str, new_id: _Ids
) -> None:
    header, rows = _csv_rows(content, name)
    left_min, right_min = _column(header, "left", "duration"), _column(header, "right", "duration")
    total_min = _column(header, "total", "duration")
    left_amt, right_amt = _column(header, "left", "amount"), _column(header, "right", "amount")
    amount = _column(header, "amount")
    total_amt = _column(header, "total", "amount") if left_amt else None
    base = name.lower().rsplit(".", 1)[0]
    if "time" not in header:
        raise FormatError(
            gettext("%(file)s: the column Time is missing (found: %(found)s)")
            % {"file": name, "found": ", ".join(header) or pgettext("no columns", "none")}
        )
    if "status" in header and "diaper" in base:
        _bt_nappies(incoming, rows, name, tz, new_id)
        return
    if left_min and right_min:
        kind = "pumping" if ("pump" in base or left_amt) else "nursing"
    elif amount and (
        "formula" in base or "pumped" in base or "expressed" in base or "bottle" in base
    ):
        kind = "bottle"
    else:
        incoming.skipped[base] += sum(1 for _ in rows)
        if "growth" in base:
            incoming.notes.append(
                gettext(
                    "%(file)s: we have not seen Baby Tracker's growth export to read its "
                    "weights safely; skipped. Add her weights in letdown, or send us a sample "
                    "file."
                )
                % {"file": name}
            )
        else:
            incoming.notes.append(_not_tracked(name, base))
        return
    line_at = gettext("%(file)s line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"file": name, "line": number}
        try:
            start = _local(row["time"], _BT_TIMES, tz)
            if kind == "bottle":
                assert amount
                volume = _number(row[amount], "amount") if row.get(amount) else None
                if volume is None:
                    incoming.skipped[gettext("bottle feeds without an amount")] += 1
                    continue
                milk = "formula" if "formula" in base else "expressed"
                _add_feed(
                    incoming,
                    where=where,
                    source_id=new_id(name, *row.values()),
                    at=start,
                    milk=milk,
                    volume_ml=_ml(volume, _unit_of(amount, unit)),
                    notes=row.get("note", ""),
                )
                continue
            assert left_min and right_min
            left = _number(row[left_min], "left duration") * 60 if row.get(left_min) else 0.0
            right = _number(row[right_min], "right duration") * 60 if row.get(right_min) else 0.0
            total = (
                _number(row[total_min], "total duration") * 60
                if total_min and row.get(total_min)
                else left + right
            )
            volumes = [
                _ml(_number(row[c], "amount"), _unit_of(c, unit)) if c and row.get(c) else None
                for c in (left_amt, right_amt)
            ]
            if volumes == [None, None] and total_amt and row.get(total_amt):
                # Only the total written: on the one side she pumped, or half on each.
                whole = _ml(_number(row[total_amt], "total amount"), _unit_of(total_amt, unit))
                volumes = (
                    [whole, None]
                    if not right
                    else [None, whole]
                    if not left
                    else [whole / 2, whole / 2]
                )
        except ValueError as error:
            incoming.problem(where, str(error))
            continue
        order = [("left", left), ("right", right)]
        if row.get("start side", "").lower().startswith("r"):
            order.reverse()
        sides = [(side, s) for side, s in order if s > 0]
        if left and right and total < left + right - 60:
            sides = [("both", total)]  # both sides at once: double pumping
        _add_session(
            incoming,
            where=where,
            source_id=new_id(name, *row.values()),
            kind=kind,
            started_at=start,
            ended_at=start + timedelta(seconds=max(total, sum(s for _, s in sides))),
            sides=sides,
            volume_left_ml=volumes[0],
            volume_right_ml=volumes[1],
            notes=row.get("note", ""),
        )


def read_babytracker(
    content: bytes, name: str, *, tz: ZoneInfo, unit: str, weight_unit: str = "kg"
) -> Incoming:
    incoming = Incoming(source="babytracker")
    new_id = _Ids()
    for file_name, data in _files(content, name):
        _bt_file(incoming, data, file_name, tz, unit, new_id)
    return incoming


# --- letdown's generic CSV (docs/import.md) ---------------------------------------------------

_GENERIC_TYPES = ("nursing", "pumping", "hand_expression", "bottle", "leak", "nappy", "weight")


def _generic_baby_log(
    incoming: Incoming, row: dict[str, str], where: str, source_id: str, at: datetime, unit: str
) -> None:
    """A generic CSV's `nappy` (wet, dirty, colour) or `weight` (weight, after_feed_weight)."""
    baby = row.get("baby", "")
    if row.get("notes"):
        incoming.skipped[gettext("notes on nappies and weights (letdown keeps none)")] += 1
    try:
        if row["type"].lower() == "weight":
            if not row.get("weight"):
                raise ValueError(gettext("a weight row needs a weight"))
            after = row.get("after_feed_weight")
            _add_weighing(
                incoming,
                where=where,
                source_id=source_id,
                baby=baby,
                at=at,
                grams=_grams(row["weight"], unit),
                after_g=_grams(after, unit) if after else None,
            )
            return
        wet, dirty = _flag(row.get("wet", ""), "wet"), _flag(row.get("dirty", ""), "dirty")
    except ValueError as error:
        incoming.problem(where, str(error))
        return
    colour = row.get("colour", "").strip().lower()
    if not (wet or dirty):
        incoming.problem(where, gettext("a nappy is wet, dirty or both"))
    elif colour and (colour not in _STOOL or not dirty):
        incoming.problem(
            where,
            gettext("colour %(colour)s is not meconium, green, yellow or pale on a dirty nappy")
            % {"colour": repr(colour)},
        )
    else:
        _add_nappy(
            incoming,
            where=where,
            source_id=source_id,
            baby=baby,
            at=at,
            wet=wet,
            dirty=dirty,
            colour=colour,
        )


_GENERIC_TIMES = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def read_generic_csv(
    content: bytes, name: str, *, tz: ZoneInfo, unit: str, weight_unit: str = "kg"
) -> Incoming:
    incoming = Incoming(source="csv")
    header, rows = _csv_rows(content, name)
    _require(header, ("type", "start"), name)
    new_id = _Ids()
    line_at = gettext("line %(line)d")  # once per file, not per row
    for number, row in rows:
        where = line_at % {"line": number}
        kind = row["type"].lower()
        if kind not in _GENERIC_TYPES:
            incoming.skipped[row["type"] or gettext("rows with no type")] += 1
            continue
        source_id = row.get("id") or new_id(*row.values())
        try:
            start = _local(row["start"], _GENERIC_TIMES, tz)
            end = _local(row["end"], _GENERIC_TIMES, tz) if row.get("end") else None
            numbers = {
                c: _number(row[c], c) if row.get(c) else None
                for c in ("left_minutes", "right_minutes", "left_volume", "right_volume", "volume")
            }
        except ValueError as error:
            incoming.problem(where, str(error))
            continue
        if kind in ("nappy", "weight"):
            _generic_baby_log(incoming, row, where, source_id, start, weight_unit)
            continue
        side = row.get("side", "").lower()
        if side not in ("", "left", "right", "both"):
            incoming.problem(
                where,
                gettext("side %(side)s is not left, right or both") % {"side": repr(row["side"])},
            )
            continue
        if kind == "bottle":
            milk = row.get("milk", "expressed").lower() or "expressed"
            if milk not in ("expressed", "formula") or numbers["volume"] is None:
                incoming.problem(
                    where, gettext("a bottle needs a volume and milk expressed or formula")
                )
                continue
            _add_feed(
                incoming,
                where=where,
                source_id=source_id,
                at=start,
                milk=milk,
                volume_ml=_ml(numbers["volume"], unit),
                notes=row.get("notes", ""),
            )
        elif kind == "leak":
            incoming.add(
                "leaks",
                {
                    "id": source_id,
                    "_where": where,
                    "lactation_id": None,
                    "at": start,
                    "side": side,
                    "notes": row.get("notes", "")[:2000],
                },
            )
        else:
            if end is None:
                incoming.problem(where, gettext("a session needs an end"))
                continue
            if end < start:
                incoming.problem(where, _ends_before_start())
                continue
            sides = [
                (s, numbers[f"{s}_minutes"] * 60)  # type: ignore[operator]
                for s in ("left", "right")
                if numbers[f"{s}_minutes"]
            ]
            if row.get("first_side", "").lower() == "right":
                sides.reverse()
            if not sides and side:
                sides = [(side, 0)]
            _add_session(
                incoming,
                where=where,
                source_id=source_id,
                kind=kind,
                started_at=start,
                ended_at=end,
                sides=sides,
                volume_left_ml=None
                if numbers["left_volume"] is None
                else _ml(numbers["left_volume"], unit),
                volume_right_ml=None
                if numbers["right_volume"] is None
                else _ml(numbers["right_volume"], unit),
                notes=row.get("notes", ""),
            )
    return incoming


READERS: dict[str, Callable[..., Incoming]] = {
    "letdown": read_letdown,
    "babybuddy": read_babybuddy,
    "huckleberry": read_huckleberry,
    "babytracker": read_babytracker,
    "csv": read_generic_csv,
}


def read(
    source: str, content: bytes, name: str, *, tz: ZoneInfo, unit: str, weight_unit: str = "kg"
) -> Incoming:
    """Her file as rows to import. Raises FormatError when the file cannot be read at all;
    problems with single rows are in the answer's `problems`, with their line. `unit` is for
    volumes written without one, `weight_unit` (kg, g, lb, oz) for weights."""
    if source not in READERS:
        raise FormatError(
            gettext("unknown source %(source)s; choose one of %(sources)s")
            % {"source": repr(source), "sources": ", ".join(SOURCES)}
        )
    if weight_unit not in WEIGHT_UNITS:
        raise FormatError(
            gettext("unknown weight unit %(unit)s; choose one of %(units)s")
            % {"unit": repr(weight_unit), "units": ", ".join(WEIGHT_UNITS)}
        )
    return READERS[source](content, name, tz=tz, unit=unit, weight_unit=weight_unit)
