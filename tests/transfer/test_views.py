"""Settings → Your data: export and import through the pages. Only the breastfeeding parent;
a stranger never reaches another household's upload; bad files get a 4xx and write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from letdown.logbook.models import BottleFeed, Segment, Session
from letdown.transfer.document import KINDS
from letdown.transfer.models import PendingImport
from letdown.transfer.services import preview_name

from ..conftest import Family
from ..factories import SessionFactory

SAMPLES = Path(__file__).parent / "samples"


def _upload(client: Client, content: bytes, name: str = "huckleberry.csv", **fields: str):  # type: ignore[no-untyped-def]
    data = {"source": "huckleberry", "time_zone": "Europe/London", "unit": "ml", **fields}
    return client.post(
        "/data/import/", {**data, "file": SimpleUploadedFile(name, content, "text/csv")}
    )


def _huckleberry() -> bytes:
    return (SAMPLES / "huckleberry.csv").read_bytes()


def test_owner_sees_the_page_and_settings_links_to_it(owner_client: Client) -> None:
    assert owner_client.get("/data/").status_code == 200
    assert 'href="/data/"' in owner_client.get("/account/household/").content.decode()


def test_a_caregiver_may_neither_export_nor_import(member_client: Client, family: Family) -> None:
    assert member_client.get("/data/").status_code == 403
    assert member_client.get("/data/export/?format=json").status_code == 403
    assert _upload(member_client, _huckleberry()).status_code == 403
    assert not PendingImport.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Client, db: None) -> None:
    response = client.get("/data/export/?format=json")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_export_downloads_her_data_only(
    owner_client: Client, family: Family, stranger_family: Family
) -> None:
    mine = SessionFactory(lactation=family.lactation)
    SessionFactory(lactation=stranger_family.lactation)
    response = owner_client.get("/data/export/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert [s["id"] for s in document["data"]["sessions"]] == [mine.pk]
    csv_zip = owner_client.get("/data/export/?format=csv&with_media=on")
    assert csv_zip.status_code == 200 and csv_zip.content[:2] == b"PK"


def test_export_with_an_unknown_format_is_a_400(owner_client: Client) -> None:
    assert owner_client.get("/data/export/?format=xlsx").status_code == 400


def test_preview_then_confirm_imports_once(owner_client: Client, family: Family) -> None:
    response = _upload(owner_client, _huckleberry())
    assert response.status_code == 200
    page = response.content.decode()
    assert "29 Apr 2025, 09:29" in page  # the first row as it will be stored, her time
    assert "Sleep" in page  # counted and skipped
    assert not Session.objects.filter(household=family.household).exists()
    pending = PendingImport.objects.get(household=family.household)
    confirmed = owner_client.post(f"/data/import/{pending.pk}/confirm/")
    assert confirmed.status_code == 302
    assert Session.objects.filter(household=family.household).count() == 3
    assert BottleFeed.objects.filter(household=family.household).count() == 2
    # Confirming twice: the upload is gone.
    assert owner_client.post(f"/data/import/{pending.pk}/confirm/").status_code == 404
    # Uploading the same file again previews nothing new.
    again = _upload(owner_client, _huckleberry())
    assert again.status_code == 200
    assert Session.objects.filter(household=family.household).count() == 3


def test_stranger_gets_404_for_her_upload(
    owner_client: Client, stranger_client: Client, family: Family
) -> None:
    _upload(owner_client, _huckleberry())
    pending = PendingImport.objects.get(household=family.household)
    assert stranger_client.post(f"/data/import/{pending.pk}/confirm/").status_code == 404
    assert not Session.objects.exists()
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_a_file_with_wrong_columns_is_a_400_naming_them(owner_client: Client) -> None:
    response = _upload(owner_client, b"Type,When\nFeed,yesterday\n")
    assert response.status_code == 400
    assert "the columns start, end, duration" in response.content.decode()
    assert not Session.objects.exists()


def test_bad_rows_are_listed_and_cannot_be_confirmed(owner_client: Client, family: Family) -> None:
    content = _huckleberry().replace(b"2025-04-29 12:00,", b"2025-13-45 12:00,")
    response = _upload(owner_client, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "line 6" in page and "is not a date and time we can read" in page
    assert "/confirm/" not in page
    pending = PendingImport.objects.get(household=family.household)
    assert owner_client.post(f"/data/import/{pending.pk}/confirm/").status_code == 400
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("language", "where", "message"),
    [
        ("es", "línea 6", "no es una fecha y hora que podamos leer"),
        ("de", "Zeile 6", "ist kein Datum mit Uhrzeit, das wir lesen können"),
    ],
)
def test_an_import_problem_is_told_in_her_language(
    owner_client: Client, family: Family, language: str, where: str, message: str
) -> None:
    family.owner.language = language
    family.owner.save()
    content = _huckleberry().replace(b"2025-04-29 12:00,", b"2025-13-45 12:00,")
    page = _upload(owner_client, content).content.decode()
    assert f"<strong>{where}</strong>: &#x27;2025-13-45 12:00&#x27; {message}" in page
    assert "line 6" not in page and "is not a date" not in page
    # A file that cannot be read at all, too.
    page = _upload(owner_client, b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "photo.png").content.decode()
    assert {"es": "no es texto UTF-8", "de": "ist kein UTF-8-Text"}[language] in page


def test_the_preview_names_every_column_in_her_language(
    owner_client: Client, family: Family
) -> None:
    family.owner.language = "es"
    family.owner.save()
    page = _upload(owner_client, _huckleberry()).content.decode()
    assert "lado: Derecho · inicio: 29 abr 2025, 9:29 · fin: 29 abr 2025, 9:32" in page
    assert "bebé: " in page
    for english in ("side:", "started at:", "ended at:", "baby:"):
        assert english not in page


def test_every_column_the_preview_shows_has_a_translated_name() -> None:
    """A model field named by Django alone ("started at") reads English in any language:
    the preview shows a field only under a translated name, and leaves out bookkeeping."""
    shown = {
        (spec.name, f.attname): preview_name(f)
        for spec in KINDS
        for f in spec.fields()
        if preview_name(f) is not None
    }
    assert ("segments", "side") in shown and ("nappies", "baby_id") in shown
    assert ("taps", "tap_id") not in shown and ("media", "size_bytes") not in shown
    with translation.override("de"):
        assert preview_name(Segment._meta.get_field("started_at")) == "Beginn"


def test_an_unknown_time_zone_is_a_400(owner_client: Client) -> None:
    response = _upload(owner_client, _huckleberry(), time_zone="Mars/Olympus_Mons")
    assert response.status_code == 400
    assert not PendingImport.objects.exists()


def test_an_unknown_source_is_a_400(owner_client: Client) -> None:
    assert _upload(owner_client, _huckleberry(), source="glow").status_code == 400


def test_a_binary_file_is_a_400(owner_client: Client) -> None:
    response = _upload(owner_client, b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "photo.png")
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


def test_a_100_mb_upload_is_refused_unread(owner_client: Client) -> None:
    response = _upload(owner_client, b"x" * (100 * 1024 * 1024), "big.csv")
    assert response.status_code == 413
    assert "too big" in response.content.decode()
    assert not PendingImport.objects.exists()
