"""Export: the JSON document holds every row and field of hers (moments to the microsecond),
the CSV zip one file per kind, and export → import into an empty household → export gives the
same data again."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from letdown.accounts.models import Household, Lactation, User
from letdown.api.models import ApiToken
from letdown.babylog.models import Nappy, Weighing
from letdown.logbook.models import BottleFeed, JoinedStart, Leak, LetDown, Segment, Session, Tap
from letdown.logbook.services import record_tap, start_session
from letdown.routines.models import Media, Routine, RoutineRun, RunEvent
from letdown.share.models import ReportQuestions, Share, ShareVisit
from letdown.transfer.document import KIND_BY_NAME, KIND_OF_MODEL, KINDS
from letdown.transfer.export import export_csv_zip, export_json, export_json_zip
from letdown.transfer.formats import read
from letdown.transfer.services import import_rows

from ..conftest import Family
from ..factories import BabyFactory, HouseholdFactory, LactationFactory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _rich_household(family: Family) -> Household:
    """A bit of everything she can store, with awkward values: microseconds, a second
    lactation, a bottle topping up a session, notes with quotes and commas, a routine run."""
    household = family.household
    second = LactationFactory(household=household, number=2, started_on=date(2026, 11, 1))
    BabyFactory(household=household, lactation=second, name='Sky, "the second"')
    start = datetime(2026, 11, 20, 8, 0, 0, 123456, tzinfo=UTC)
    session = Session.objects.create(
        household=household,
        lactation=second,
        kind="pumping",
        started_at=start,
        ended_at=start + timedelta(minutes=20, microseconds=7),
        volume_left_ml=42.5,
        volume_right_ml=0.0,
        anxiety_before=3,
        aids=["warm_compress", "baby_cry"],
        notes='long, "hard" one\nsecond line',
        routine_steps=["warm_compress"],
    )
    Segment.objects.create(
        household=household,
        session=session,
        side="both",
        started_at=start,
        ended_at=session.ended_at,
    )
    for seconds in (95.000001, 95.000002, 400.5):
        LetDown.objects.create(
            household=household,
            session=session,
            at=start + timedelta(seconds=seconds),
            side="both",
            noticed=["pump_flow"],
            sensations=["tingling"],
            mood="fine",
        )
    nursing = Session.objects.create(
        household=household,
        lactation=family.lactation,
        kind="nursing",
        started_at=start - timedelta(days=20),
        ended_at=start - timedelta(days=20, minutes=-9),
    )
    Segment.objects.create(
        household=household,
        session=nursing,
        side="left",
        started_at=nursing.started_at,
        ended_at=nursing.ended_at,
    )
    BottleFeed.objects.create(
        household=household,
        lactation=family.lactation,
        at=start,
        milk="formula",
        volume_ml=60.25,
        session=nursing,
        notes="top-up",
    )
    Leak.objects.create(
        household=household,
        lactation=second,
        at=start + timedelta(hours=2),
        side="right",
        trigger="baby_crying",
        amount="wet",
        actions=["pads", "pressure"],
        notes="in the café",
    )
    Leak.objects.create(
        household=household, lactation=second, at=datetime(2026, 11, 21, tzinfo=UTC)
    )
    routine = Routine.objects.create(
        household=household,
        name="Morning",
        kind="pumping",
        steps=[{"slug": "warm_compress", "params": {}}],
    )
    run = RoutineRun.objects.create(
        household=household,
        routine=routine,
        name="Morning",
        kind="pumping",
        steps=routine.steps,
        started_at=start,
        finished_at=start + timedelta(minutes=5),
        session=session,
        usual_switch_s=118.25,
    )
    RunEvent.objects.create(household=household, run=run, at_s=3.0, type="pause")
    RunEvent.objects.create(household=household, run=run, at_s=12.5, type="next", position=1)
    # A live session, tapped by her: its taps, and the let-down a tap made.
    live = start_session(
        household=household,
        lactation=second,
        kind="nursing",
        side="left",
        at=start + timedelta(hours=5),
        now=NOW,
        by=family.owner,
    )
    for seconds, tap in ((70.25, "letdown"), (300, "switch"), (600, "end")):
        record_tap(
            household=household,
            session_pk=live.session.pk,
            type=tap,
            at=start + timedelta(hours=5, seconds=seconds),
            now=NOW,
            by=family.owner,
        )
    name = default_storage.save(f"h{household.pk}/abc123.webm", ContentFile(b"\x1aE\xdf\xa3cry"))
    Media.objects.create(
        household=household,
        kind="audio",
        name="Her cry",
        file=name,
        content_type="audio/webm",
        size_bytes=7,
        duration_s=3.5,
    )
    sky = second.babies.get()
    Nappy.objects.create(household=household, baby=sky, at=start, wet=True)
    Nappy.objects.create(
        household=household, baby=sky, at=start, wet=True, dirty=True, stool_colour="yellow"
    )
    Weighing.objects.create(
        household=household, baby=sky, at=start, weight_g=3512.5, after_feed_g=3560.0
    )
    ReportQuestions.objects.create(
        household=household, text='Is "10 minutes" to let-down normal?', updated_at=start
    )
    return household


def _canonical(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The data with each row's id replaced by its position, and references to match: ids
    are the database's, and differ between two households by nature."""
    positions = {
        kind: {row["id"]: n for n, row in enumerate(rows)}
        for kind, rows in document["data"].items()
    }
    canonical = {}
    for kind, rows in document["data"].items():
        refs = KIND_BY_NAME[kind].references()
        canonical[kind] = [
            {
                column: (
                    positions[kind][value]
                    if column == "id"
                    else positions[refs[column]][value]
                    if column in refs and value is not None
                    else value
                )
                for column, value in row.items()
            }
            for row in rows
        ]
    return canonical


def _csv_document(content: bytes) -> dict[str, Any]:
    """A CSV export read back as the JSON document's shape: kind -> rows of text, ids (and
    references) as numbers so `_canonical` can replace them."""
    data = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for spec in KINDS:
            refs = {"id", *spec.references()}
            rows = csv.DictReader(io.StringIO(archive.read(f"{spec.name}.csv").decode()))
            data[spec.name] = [
                {k: int(v) if k in refs and v else v for k, v in row.items()} for row in rows
            ]
    return {"data": data}


def _empty_household() -> Household:
    return HouseholdFactory(parent_name="Empty", time_zone="America/New_York", unit="oz")


def test_every_model_that_belongs_to_a_household_is_exported() -> None:
    belongs = {
        model
        for model in apps.get_models()
        if any(f.name == "household" and f.is_relation for f in model._meta.concrete_fields)
    }
    # Accounts, import bookkeeping and the links she gave out are not her log. Reminders stay
    # with the server: a device's subscription only works with this server's VAPID key, and
    # the reminders and their log are settings and delivery records. API tokens are
    # credentials: a new server gets new tokens. A Start that joined a running session only
    # routes the taps a phone kept offline, for minutes.
    not_hers = (
        {User, Share, ShareVisit, ApiToken, JoinedStart}
        | set(apps.get_app_config("transfer").get_models())
        | set(apps.get_app_config("reminders").get_models())
    )
    assert belongs - not_hers == set(KIND_OF_MODEL)


def test_json_export_holds_every_field_to_the_microsecond(family: Family) -> None:
    household = _rich_household(family)
    document = json.loads(export_json(household, now=NOW))
    assert document["schema_version"] == 1
    assert document["household"] == {
        "parent_name": household.parent_name,
        "unit": "ml",
        "time_zone": "Europe/London",
    }
    letdowns = document["data"]["letdowns"]
    assert [row["at"] for row in letdowns] == [
        "2026-11-20T08:01:35.123457Z",
        "2026-11-20T08:01:35.123458Z",
        "2026-11-20T08:06:40.623456Z",
        "2026-11-20T13:01:10.373456Z",
    ]
    # A moment on the second still has its six digits.
    assert document["data"]["leaks"][0]["at"] == "2026-11-20T10:00:00.123456Z"
    assert document["data"]["leaks"][1]["at"] == "2026-11-21T00:00:00.000000Z"
    (pumping,) = [s for s in document["data"]["sessions"] if s["kind"] == "pumping"]
    assert pumping["ended_at"] == "2026-11-20T08:20:00.123463Z"
    assert pumping["volume_left_ml"] == 42.5 and pumping["aids"] == ["warm_compress", "baby_cry"]
    for spec in KINDS:
        for row in document["data"][spec.name]:
            assert list(row) == spec.columns()


def test_export_is_scoped_to_her_household(family: Family, stranger_family: Family) -> None:
    _rich_household(stranger_family)
    document = json.loads(export_json(family.household, now=NOW))
    assert [len(document["data"][k.name]) for k in KINDS] == [1, 1] + [0] * (len(KINDS) - 2)
    assert Leak.objects.filter(household=stranger_family.household).exists()


def test_round_trip_export_import_export_gives_identical_data(family: Family) -> None:
    original = json.loads(export_json(_rich_household(family), now=NOW))
    content = export_json_zip(family.household, now=NOW)
    target = _empty_household()
    # Who tapped travels as a username: she has moved to the new household.
    family.owner.household = target
    family.owner.save()
    incoming = read("letdown", content, "letdown.zip", tz=target.tz, unit=target.unit)
    outcome = import_rows(household=target, incoming=incoming, dry_run=False)
    assert outcome.written, outcome.problems
    again = json.loads(export_json(target, now=NOW))
    assert _canonical(again) == _canonical(original)
    assert len(again["data"]["nappies"]) == 2 and len(again["data"]["weighings"]) == 1
    # The CSV export of the copy is the original's too, nappies and weights included.
    csv_original = _csv_document(export_csv_zip(family.household, now=NOW))
    csv_again = _csv_document(export_csv_zip(target, now=NOW))
    assert _canonical(csv_again) == _canonical(csv_original)
    assert csv_again["data"]["weighings"][0]["weight_g"] == "3512.5"
    assert original["data"]["taps"][0]["by"] == family.owner.username
    assert len(original["data"]["taps"]) == 4
    assert Tap.objects.filter(household=target, by=family.owner).count() == 4
    (media,) = Media.objects.filter(household=target)
    assert media.file.name.startswith(f"h{target.pk}/")
    with media.file.open("rb") as stored:  # closed, or the file is left open
        assert stored.read() == b"\x1aE\xdf\xa3cry"
    # And once more: the same file again adds nothing.
    outcome = import_rows(
        household=target,
        incoming=read("letdown", content, "letdown.zip", tz=target.tz, unit=target.unit),
        dry_run=False,
    )
    assert sum(outcome.created.values()) == 0
    assert _canonical(json.loads(export_json(target, now=NOW))) == _canonical(original)


def test_a_letdown_file_with_a_broken_row_writes_nothing(family: Family) -> None:
    document = json.loads(export_json(_rich_household(family), now=NOW))
    document["data"]["letdowns"][1]["at"] = "yesterday"
    document["data"]["sessions"][0]["volume_left_ml"] = 900
    target = _empty_household()
    incoming = read("letdown", json.dumps(document).encode(), "x.json", tz=target.tz, unit="ml")
    outcome = import_rows(household=target, incoming=incoming, dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "sessions #1: 900 mL is not a volume we can store (0–500 mL)",
        "letdowns #2: at cannot be 'yesterday'",
    ]
    assert not Lactation.objects.filter(household=target).exists()
    assert not Session.objects.filter(household=target).exists()


def test_csv_export_is_a_zip_with_one_file_per_kind(family: Family) -> None:
    household = _rich_household(family)
    with zipfile.ZipFile(io.BytesIO(export_csv_zip(household, now=NOW, media=True))) as archive:
        names = set(archive.namelist())
        assert {f"{k.name}.csv" for k in KINDS} | {"export.json", "media/abc123.webm"} == names
        leaks = list(csv.DictReader(io.StringIO(archive.read("leaks.csv").decode())))
        sessions = list(csv.DictReader(io.StringIO(archive.read("sessions.csv").decode())))
    assert leaks[0]["actions"] == '["pads", "pressure"]'
    assert leaks[0]["notes"] == "in the café"
    assert list(sessions[0]) == KIND_BY_NAME["sessions"].columns()
    pumping = next(s for s in sessions if s["kind"] == "pumping")
    assert pumping["notes"] == 'long, "hard" one\nsecond line'
    assert pumping["anxiety_before"] == "3"


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_every_csv_column_is_documented(kind: str) -> None:
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "export.md").read_text()
    section = docs.split(f"### {kind}.csv", 1)[1].split("###", 1)[0]
    for column in KIND_BY_NAME[kind].columns():
        assert f"| `{column}` |" in section, f"{kind}.csv: {column} is not documented"


def test_a_media_file_that_is_not_a_sound_or_photo_is_refused(family: Family) -> None:
    """Media are served with their stored content type: an imported file is checked like an
    upload, so a page cannot come in dressed as a sound."""
    _rich_household(family)
    buffer = io.BytesIO()
    exported = io.BytesIO(export_json_zip(family.household, now=NOW))
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("letdown.json", source.read("letdown.json"))
        archive.writestr("media/abc123.webm", b"<html><script>alert(1)</script>")
    target = _empty_household()
    incoming = read("letdown", buffer.getvalue(), "x.zip", tz=target.tz, unit="ml")
    outcome = import_rows(household=target, incoming=incoming, dry_run=False)
    assert [str(p) for p in outcome.problems] == [
        "media #1: abc123.webm is not a sound or photo we play"
    ]
    assert not Media.objects.filter(household=target).exists()
    assert not Session.objects.filter(household=target).exists()
    assert not default_storage.exists(f"h{target.pk}")
