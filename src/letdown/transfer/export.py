"""Her data out: letdown's JSON document (complete and lossless), a zip of CSV files (one per
kind, described column by column in docs/export.md), and optionally her media files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage

from letdown.accounts.models import Household
from letdown.routines.models import Media

from .document import KIND_BY_NAME, export_document

JSON_NAME = "letdown.json"


def export_json(household: Household, *, now: datetime) -> bytes:
    # No indentation: Python's JSON encoder only uses its C speed-up for compact output
    # (`bench/bench_choices.py` prints both).
    return json.dumps(export_document(household, exported_at=now), ensure_ascii=False).encode()


def _csv_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)  # aids, steps: JSON inside the cell
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _add_media(archive: zipfile.ZipFile, household: Household) -> None:
    for name in Media.objects.filter(household=household).values_list("file", flat=True):
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as f:
                archive.writestr(f"media/{name.rsplit('/', 1)[-1]}", f.read())


def export_csv_zip(household: Household, *, now: datetime, media: bool = False) -> bytes:
    document = export_document(household, exported_at=now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in document["data"].items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            columns = KIND_BY_NAME[name].columns()
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv_value(row[c]) for c in columns])
            archive.writestr(f"{name}.csv", text.getvalue())
        about = {k: v for k, v in document.items() if k != "data"}
        archive.writestr("export.json", json.dumps(about, indent=1))
        if media:
            _add_media(archive, household)
    return buffer.getvalue()


def export_json_zip(household: Household, *, now: datetime) -> bytes:
    """The JSON document and her media files together: what `letdown import` takes back whole."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, export_json(household, now=now))
        _add_media(archive, household)
    return buffer.getvalue()
