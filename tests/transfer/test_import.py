"""Importing the sample files of each format (written from each app's documentation): what is
stored, what is skipped, that importing twice adds nothing, and that a bad file writes
nothing and names its rows."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from letdown.accounts.models import Household
from letdown.babylog.models import Nappy, Weighing
from letdown.core import l10n
from letdown.core.units import ML_PER_OZ
from letdown.logbook.models import BottleFeed, Leak, LetDown, Segment, Session
from letdown.transfer.formats import FormatError, read
from letdown.transfer.services import Outcome, import_rows

from ..conftest import Family

SAMPLES = Path(__file__).parent / "samples"
LONDON = ZoneInfo("Europe/London")


def _import(
    household: Household,
    source: str,
    content: bytes,
    name: str = "file.csv",
    *,
    unit: str = "ml",
    weight_unit: str = "kg",
    dry_run: bool = False,
) -> Outcome:
    incoming = read(source, content, name, tz=LONDON, unit=unit, weight_unit=weight_unit)
    return import_rows(household=household, incoming=incoming, dry_run=dry_run)


def _zip(*paths: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in paths:
            archive.write(path, path.name)
    return buffer.getvalue()


def _sessions(household: Household) -> list[Session]:
    return list(Session.objects.filter(household=household).order_by("started_at"))


def _sides(session: Session) -> list[tuple[str, float]]:
    return [
        (s.side, (s.ended_at - s.started_at).total_seconds())  # type: ignore[operator]
        for s in Segment.objects.filter(session=session).order_by("started_at")
    ]


def _london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


def test_baby_buddy_feedings_and_pumpings(family: Family) -> None:
    folder = SAMPLES / "babybuddy"
    content = _zip(folder / "feeding.csv", folder / "pumping.csv", folder / "diaperchange.csv")
    outcome = _import(family.household, "babybuddy", content, "export.zip")
    assert outcome.ok and outcome.written, outcome.problems
    sessions = _sessions(family.household)
    nursing = [s for s in sessions if s.kind == "nursing"]
    pumping = [s for s in sessions if s.kind == "pumping"]
    assert [(_sides(s)[0][0], s.notes) for s in nursing] == [
        ("left", ""),
        ("right", "sleepy"),
        ("both", ""),
    ]
    # Naive times in her zone: 06:10 in London in April is 05:10 UTC.
    assert nursing[0].started_at == _london("2025-04-29 06:10")
    assert nursing[0].ended_at == _london("2025-04-29 06:32")
    assert all(s.source == "babybuddy" for s in sessions)
    assert [(s.volume_left_ml, s.volume_right_ml) for s in pumping] == [(70, 70), (47.75, 47.75)]
    feeds = list(BottleFeed.objects.filter(household=family.household).order_by("at"))
    assert [(f.milk, f.volume_ml) for f in feeds] == [("formula", 90), ("expressed", 120)]
    assert feeds[1].notes == 'from the freezer, "Tuesday" bag'
    assert outcome.skipped == {"feedings (solid food, parent fed)": 1, "dry nappies": 1}
    assert not LetDown.objects.filter(household=family.household).exists()


def _nappies(household: Household) -> list[tuple[datetime, bool, bool, str]]:
    return [
        (n.at, n.wet, n.dirty, n.stool_colour)
        for n in Nappy.objects.filter(household=household).order_by("at")
    ]


def test_baby_buddy_diaper_changes_and_weights(family: Family) -> None:
    """Baby Buddy's diaperchange and weight exports: wet and solid (1/0, as its export writes
    booleans), its colours mapped to letdown's, weights in the unit she names, on her baby."""
    folder = SAMPLES / "babybuddy"
    content = _zip(folder / "diaperchange.csv", folder / "weight.csv")
    outcome = _import(family.household, "babybuddy", content, "export.zip")
    assert outcome.ok and outcome.written, outcome.problems
    baby = family.lactation.babies.get()
    assert _nappies(family.household) == [
        (_london("2025-04-29 06:40"), True, False, ""),
        (_london("2025-04-29 09:30"), True, True, "yellow"),
        (_london("2025-04-29 13:10"), False, True, "green"),  # brown: a changing stool
    ]
    assert set(Nappy.objects.values_list("baby", flat=True)) == {baby.pk}
    weights = Weighing.objects.filter(household=family.household).order_by("at")
    # A date, no time: noon of that day, her time.
    assert [(w.at, w.weight_g, w.baby_id) for w in weights] == [
        (_london("2025-04-22 12:00"), 3620, baby.pk),
        (_london("2025-04-29 12:00"), 3810, baby.pk),
    ]
    assert outcome.skipped == {"dry nappies": 1}
    assert any("notes of 1 of them were left out" in n for n in outcome.notes)
    assert any("amount of 1 of them was left out" in n for n in outcome.notes)
    # The preview shows them as stored: the baby by name, weights in her unit.
    assert outcome.preview["weighings"][0]["weight"] == "3\u202f620 g"
    assert outcome.preview["nappies"][1]["stool colour"] == "Yellow"


def test_baby_buddy_weights_in_pounds_when_she_says_so(family: Family) -> None:
    content = (SAMPLES / "babybuddy" / "weight.csv").read_bytes().replace(b"3.62", b"7.98")
    outcome = _import(family.household, "babybuddy", content, "weight.csv", weight_unit="lb")
    assert outcome.ok, outcome.problems
    first = Weighing.objects.filter(household=family.household).order_by("at").first()
    assert first is not None and first.weight_g == pytest.approx(7.98 * 453.59237, abs=0.1)


def test_a_weight_in_the_wrong_unit_is_a_problem_naming_its_line(family: Family) -> None:
    # 3.62 read as grams is no baby's weight: she chose the wrong unit.
    content = (SAMPLES / "babybuddy" / "weight.csv").read_bytes()
    outcome = _import(family.household, "babybuddy", content, "weight.csv", weight_unit="g")
    assert [str(p) for p in outcome.problems] == [
        "weight.csv line 2: 3.6 g is not a baby's weight we can store (300–30,000 g): "
        "is the weight unit right?",
        "weight.csv line 3: 3.8 g is not a baby's weight we can store (300–30,000 g): "
        "is the weight unit right?",
    ]
    assert not Weighing.objects.exists()


def test_twins_nappies_go_to_the_baby_the_file_names(family: Family) -> None:
    from ..factories import BabyFactory

    robin = family.lactation.babies.get()
    robin.name = "Robin"
    robin.save()
    sky = BabyFactory(lactation=family.lactation, name="Sky")
    content = (
        b"id,child_id,child_first_name,child_last_name,time,wet,solid,color,amount,notes\n"
        b"1,1,Robin,Lee,2025-04-29 06:40:00,1,0,,,\n"
        b"2,2,Sky,Lee,2025-04-29 06:45:00,1,1,black,,\n"
        b"3,3,Alex,Lee,2025-04-29 06:50:00,1,0,,,\n"
    )
    outcome = _import(family.household, "babybuddy", content, "diaperchange.csv")
    assert [str(p) for p in outcome.problems] == [
        "diaperchange.csv line 4: no baby here is called 'Alex Lee' (yours: "
        f"{', '.join(b.name for b in family.household.babies.order_by('birth_date', 'pk'))}"
        "); rename one in Settings"
    ]
    assert not Nappy.objects.exists()
    outcome = _import(family.household, "babybuddy", content.rsplit(b"3,3", 1)[0], "d.csv")
    assert outcome.ok, outcome.problems
    by_baby = dict(Nappy.objects.values_list("baby__name", "stool_colour"))
    assert by_baby == {"Robin": "", "Sky": "meconium"}
    assert sky.nappies.count() == 1


def test_nappies_need_a_baby(family: Family) -> None:
    family.lactation.babies.all().delete()
    content = (SAMPLES / "babybuddy" / "diaperchange.csv").read_bytes()
    outcome = _import(family.household, "babybuddy", content, "diaperchange.csv")
    assert outcome.problems and "add your baby in Settings first" in str(outcome.problems[0])
    assert len(outcome.problems) == 3  # every nappy row, by its line


def test_baby_buddy_excel_export(family: Family) -> None:
    """Baby Buddy's XLSX export holds the CSV's columns; times as Excel dates or as text."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows = list(csv.reader(io.StringIO((SAMPLES / "babybuddy" / "feeding.csv").read_text())))
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([datetime.fromisoformat(v) if i in (4, 5) else v for i, v in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = _import(family.household, "babybuddy", buffer.getvalue(), "feeding.xlsx")
    assert outcome.ok, outcome.problems
    assert outcome.created["sessions"] == 3 and outcome.created["bottle_feeds"] == 2
    first = _sessions(family.household)[0]
    assert first.started_at == _london("2025-04-29 06:10")
    # The same rows from the CSV file are the same rows: nothing new.
    again = _import(
        family.household,
        "babybuddy",
        (SAMPLES / "babybuddy" / "feeding.csv").read_bytes(),
        "feeding.csv",
    )
    assert sum(again.created.values()) == 0


def test_a_damaged_excel_file_is_refused(family: Family) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not a workbook")
    damaged = buffer.getvalue()
    with pytest.raises(FormatError, match="not an Excel file"):
        read("babybuddy", damaged, "feeding.xlsx", tz=LONDON, unit="ml")


def test_baby_buddy_amounts_in_ounces_when_she_says_so(family: Family) -> None:
    content = (
        b"id,child_id,child_first_name,child_last_name,start,end,type,method,amount,notes\n"
        b"1,1,Robin,Lee,2025-04-29 15:30:00,2025-04-29 15:40:00,formula,bottle,3,\n"
    )
    assert _import(family.household, "babybuddy", content, "feeding.csv", unit="oz").ok
    (feed,) = BottleFeed.objects.filter(household=family.household)
    assert feed.volume_ml == pytest.approx(3 * ML_PER_OZ)
    # The same file read as mL would be 3 mL: her unit matters, and 120 oz is refused.
    another = content.replace(b",3,", b",120,").replace(b"\n1,", b"\n2,")
    refused = _import(family.household, "babybuddy", another, "feeding.csv", unit="oz")
    assert [p.message for p in refused.problems] == [
        "3,548.82 mL is not a volume we can store (0–500 mL)"
    ]


def test_baby_buddy_legacy_pumping_with_a_time_only(family: Family) -> None:
    content = (SAMPLES / "babybuddy" / "pumping_legacy.csv").read_bytes()
    assert _import(family.household, "babybuddy", content, "pumping.csv").ok
    (session,) = _sessions(family.household)
    assert session.started_at == datetime(2024, 1, 2, 8, 0, tzinfo=UTC)
    assert session.volume_left_ml == 30


def test_huckleberry_with_bom_crlf_side_minutes_and_bottles(family: Family) -> None:
    content = (SAMPLES / "huckleberry.csv").read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content
    outcome = _import(family.household, "huckleberry", content, "huckleberry.csv")
    assert outcome.ok, outcome.problems
    nursing = [s for s in _sessions(family.household) if s.kind == "nursing"]
    # 00:03R then 00:07L as hours:minutes in a 12-minute feed.
    assert _sides(nursing[0]) == [("right", 180), ("left", 420)]
    assert nursing[0].notes == "Sleepy feed"
    # 04:30L cannot be hours in a 5-minute feed: minutes and seconds.
    assert _sides(nursing[1]) == [("left", 270), ("right", 30)]
    (pump,) = [s for s in _sessions(family.household) if s.kind == "pumping"]
    assert (pump.volume_left_ml, pump.volume_right_ml) == (30, 10)
    feeds = BottleFeed.objects.filter(household=family.household).order_by("at")
    assert [(f.milk, round(f.volume_ml, 2)) for f in feeds] == [
        ("expressed", round(3 * ML_PER_OZ, 2)),
        ("formula", 200),
    ]
    assert outcome.skipped == {"Sleep": 1, "Solids": 1, "dry nappies": 1}
    # Diaper rows: contents in End Condition, the colour in Duration; Growth: the weight.
    assert _nappies(family.household) == [
        (_london("2025-04-29 11:35"), True, True, "yellow"),
        (_london("2025-04-29 16:30"), True, False, ""),
    ]
    (weighing,) = Weighing.objects.filter(household=family.household)
    assert (weighing.at, weighing.weight_g) == (_london("2025-04-29 11:40"), 4090)


def test_baby_tracker_per_activity_files(family: Family) -> None:
    folder = SAMPLES / "babytracker"
    content = _zip(*sorted(folder.glob("*.csv")))
    outcome = _import(family.household, "babytracker", content, "babytracker.zip")
    assert outcome.ok, outcome.problems
    sessions = _sessions(family.household)
    pump, first, second = sessions
    assert first.started_at == _london("2025-04-29 09:29")
    assert _sides(first) == [("left", 720), ("right", 480)]
    assert _sides(second) == [("right", 900)]
    assert second.notes == "short one"
    # 15 minutes on each side in 15 minutes: both at once.
    assert _sides(pump) == [("both", 900)]
    assert pump.volume_left_ml == pytest.approx(2.5 * ML_PER_OZ)
    assert pump.volume_right_ml == pytest.approx(3 * ML_PER_OZ)
    (feed,) = BottleFeed.objects.filter(household=family.household)
    assert (feed.milk, feed.volume_ml) == ("formula", pytest.approx(4 * ML_PER_OZ))
    assert outcome.skipped == {"dry nappies": 1}
    assert _nappies(family.household) == [
        (_london("2025-04-29 10:00"), True, False, ""),
        (_london("2025-04-29 14:00"), True, True, ""),  # Mixed; this export has no colour
        (_london("2025-04-29 17:20"), False, True, ""),
    ]


def test_generic_csv(family: Family) -> None:
    content = (SAMPLES / "generic.csv").read_bytes()
    outcome = _import(family.household, "csv", content, "generic.csv")
    assert outcome.ok, outcome.problems
    nursing, pumping, hand = _sessions(family.household)
    assert _sides(nursing) == [("right", 720), ("left", 600)]
    assert (pumping.volume_left_ml, pumping.volume_right_ml, pumping.notes) == (
        60,
        55,
        "morning pump",
    )
    # A time with its own offset is taken as written.
    assert hand.started_at == datetime(2025, 4, 29, 8, 0, tzinfo=UTC)
    (leak,) = Leak.objects.filter(household=family.household)
    assert (leak.side, leak.notes) == ("left", "in the shower")
    assert _nappies(family.household) == [
        (_london("2025-04-29 14:40"), True, True, "yellow"),
        (_london("2025-04-29 15:30"), True, False, ""),
    ]
    (weighing,) = Weighing.objects.filter(household=family.household)
    assert (weighing.weight_g, weighing.after_feed_g) == (3620, 3680)  # a weighed feed, in kg
    assert outcome.skipped == {
        "diaper": 1,
        "notes on nappies and weights (letdown keeps none)": 1,
    }


def test_generic_csv_nappies_and_weights_with_bad_values_name_their_lines(
    family: Family,
) -> None:
    content = (
        b"type,start,wet,dirty,colour,weight\n"
        b"nappy,2025-04-29 14:40,no,no,,\n"
        b"nappy,2025-04-29 14:50,yes,no,yellow,\n"
        b"nappy,2025-04-29 15:00,maybe,yes,,\n"
        b"weight,2025-04-29 16:00,,,,\n"
        b"weight,2025-04-29 16:10,,,,heavy\n"
        b"weight,2025-04-29 16:20,,,,8 lb 4 oz\n"
    )
    outcome = _import(family.household, "csv", content, "mine.csv")
    assert [str(p) for p in outcome.problems] == [
        "line 2: a nappy is wet, dirty or both",
        "line 3: colour 'yellow' is not meconium, green, yellow or pale on a dirty nappy",
        "line 4: wet 'maybe' is not true or false",
        "line 5: a weight row needs a weight",
        "line 6: weight 'heavy' is not a number",
    ]
    assert not Weighing.objects.exists() and not Nappy.objects.exists()
    ok = b"\n".join(content.split(b"\n")[:1] + content.split(b"\n")[6:])
    assert _import(family.household, "csv", ok, "mine.csv").ok
    assert Weighing.objects.get().weight_g == pytest.approx(8 * 453.59237 + 4 * 28.3495, abs=0.1)


@pytest.mark.parametrize(
    ("source", "sample"),
    [
        ("babybuddy", "babybuddy/feeding.csv"),
        ("babybuddy", "babybuddy/diaperchange.csv"),
        ("babybuddy", "babybuddy/weight.csv"),
        ("huckleberry", "huckleberry.csv"),
        ("babytracker", "babytracker/nursing.csv"),
        ("babytracker", "babytracker/diaper.csv"),
        ("csv", "generic.csv"),
    ],
)
def test_importing_the_same_file_again_creates_nothing(
    family: Family, source: str, sample: str
) -> None:
    content = (SAMPLES / sample).read_bytes()
    first = _import(family.household, source, content, Path(sample).name)
    assert first.written and sum(first.created.values()) > 0
    counts = (
        Session.objects.filter(household=family.household).count(),
        BottleFeed.objects.filter(household=family.household).count(),
        Segment.objects.filter(household=family.household).count(),
        Nappy.objects.filter(household=family.household).count(),
        Weighing.objects.filter(household=family.household).count(),
    )
    version = Household.objects.get(pk=family.household.pk).data_version
    again = _import(family.household, source, content, Path(sample).name)
    assert again.ok and sum(again.created.values()) == 0
    assert sum(again.already.values()) == sum(first.created.values())
    assert counts == (
        Session.objects.filter(household=family.household).count(),
        BottleFeed.objects.filter(household=family.household).count(),
        Segment.objects.filter(household=family.household).count(),
        Nappy.objects.filter(household=family.household).count(),
        Weighing.objects.filter(household=family.household).count(),
    )
    assert Household.objects.get(pk=family.household.pk).data_version == version


def test_an_import_bumps_the_data_version_once(family: Family) -> None:
    before = Household.objects.get(pk=family.household.pk).data_version
    _import(family.household, "csv", (SAMPLES / "generic.csv").read_bytes())
    assert Household.objects.get(pk=family.household.pk).data_version == before + 1


def test_a_dry_run_writes_nothing_but_previews_the_rows(family: Family) -> None:
    # In her language and region, as the preview page shows it (a UK household: 24 h).
    with l10n.override(l10n.for_household("en", "Europe/London")):
        outcome = _import(
            family.household,
            "huckleberry",
            (SAMPLES / "huckleberry.csv").read_bytes(),
            dry_run=True,
        )
    assert outcome.ok and not outcome.written
    assert outcome.created["sessions"] == 3
    assert outcome.preview["sessions"][0]["started"] == "29 Apr 2025, 09:29"
    assert not Session.objects.filter(household=family.household).exists()


# --- refused files ----------------------------------------------------------------------------


def _nothing_written(household: Household) -> bool:
    return not (
        Session.objects.filter(household=household).exists()
        or BottleFeed.objects.filter(household=household).exists()
    )


def test_wrong_columns_are_refused_with_the_missing_ones_named() -> None:
    with pytest.raises(FormatError, match="columns start condition, end condition"):
        read(
            "huckleberry",
            b"Type,Start,End,Duration,Notes\nFeed,2025-04-29 09:00,,,\n",
            "h.csv",
            tz=LONDON,
            unit="ml",
        )


def test_a_file_with_bad_rows_writes_nothing_and_names_every_row(family: Family) -> None:
    content = (
        b"id,type,start,end,volume,milk\n"
        b"a,bottle,2025-04-29 12:00,,90,formula\n"
        b"b,nursing,29/04/2025 noon,2025-04-29 13:00,,\n"
        b"c,bottle,2025-04-29 14:00,,5000,expressed\n"
        b"d,nursing,2025-04-29 16:00,2025-04-29 15:00,,\n"
    )
    outcome = _import(family.household, "csv", content)
    assert not outcome.written
    assert [(p.where, p.message) for p in outcome.problems] == [
        ("line 3", "'29/04/2025 noon' is not a date and time we can read"),
        ("line 5", "it ends before it starts"),
    ]
    assert _nothing_written(family.household)
    # The volume is checked once the dates are fixed.
    fixed = content.replace(b"29/04/2025 noon", b"2025-04-29 12:30").replace(
        b"2025-04-29 15:00", b"2025-04-29 16:30"
    )
    outcome = _import(family.household, "csv", fixed)
    assert [(p.where, p.message) for p in outcome.problems] == [
        ("line 4", "5,000 mL is not a volume we can store (0–500 mL)")
    ]
    assert _nothing_written(family.household)


def test_a_damaged_zip_is_refused() -> None:
    broken = _zip(SAMPLES / "generic.csv").replace(b"PK\x03\x04", b"XX\x03\x04")
    with pytest.raises(FormatError, match="damaged zip"):
        read("babytracker", broken, "export.zip", tz=LONDON, unit="ml")


def test_a_file_that_is_not_text_is_refused() -> None:
    with pytest.raises(FormatError, match="not UTF-8"):
        read("babybuddy", b"\xff\xfe\x00\x00binary", "feeding.csv", tz=LONDON, unit="ml")


def test_imported_sessions_are_loaded_marked_as_without_letdowns(family: Family) -> None:
    from letdown.insights.selectors import load_records

    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    logged = Session.objects.create(
        household=family.household,
        lactation=family.lactation,
        kind="nursing",
        started_at=start,
        ended_at=start + timedelta(minutes=15),
    )
    Session.objects.create(
        household=family.household,
        lactation=family.lactation,
        kind="nursing",
        started_at=start + timedelta(hours=3),
        ended_at=start + timedelta(hours=3, minutes=15),
        source="huckleberry",
    )
    sessions, _, feeds = load_records(family.household)
    recorded = {s.id: s.letdowns_recorded for s in sessions}
    assert recorded[logged.pk] is True and sorted(recorded.values()) == [False, True]
    assert len(feeds) == 2  # both are feeds


def test_baby_tracker_pumping_with_only_a_total_keeps_the_volume(family: Family) -> None:
    """Baby Tracker often writes only `Total amount` (as in its real exports): the volume is
    kept, on the one side pumped, or half on each."""
    content = (
        b"Time,Start Side,Left duration (min),Right duration (min),Total Duration (min),"
        b"Left amount (oz.),Right amount (oz.),Total amount (oz.),Note\n"
        b'"6/28/25, 20:47",,7,7,14,,,4.5\n'
        b'"6/5/25, 14:47",,31,,31,,,3\n'
    )
    outcome = _import(family.household, "babytracker", content, "pump.csv")
    assert outcome.ok, outcome.problems
    one_side, both = _sessions(family.household)
    assert one_side.volume_left_ml == pytest.approx(3 * ML_PER_OZ)
    assert one_side.volume_right_ml is None
    assert both.volume_left_ml == both.volume_right_ml == pytest.approx(2.25 * ML_PER_OZ)


def test_huckleberry_nappy_colours_wherever_the_export_puts_them(family: Family) -> None:
    content = (
        b"Type,Start,End,Duration,Start Condition,Start Location,End Condition,Notes\n"
        b"Diaper,2025-10-01 10:00,,black,Loose,Diaper rash,Poo:medium,\n"
        b"Diaper,2025-10-01 11:00,brown,,,,Poo,\n"
        b"Diaper,2025-10-01 12:00,,gray,,,Both,\n"
        b"Diaper,2025-10-01 13:00,,purple,,,Poo:small,odd one\n"
        b"Diaper,2025-10-01 14:00,,,,,Sparkles,\n"
        b"Growth,2025-10-01 15:00,,,8.5lbs,52cm,37.5cm,\n"
        b"Growth,2025-10-01 16:00,,,,,37.5cm,\n"
    )
    outcome = _import(family.household, "huckleberry", content, "huckleberry.csv")
    assert outcome.ok, outcome.problems
    assert [colour for *_, colour in _nappies(family.household)] == [
        "meconium",
        "green",
        "pale",
        "",
    ]
    assert outcome.skipped == {
        "stool colours letdown does not list (purple)": 1,
        "nappies we cannot read (Sparkles)": 1,
        "growth without a weight (length, head)": 1,
    }
    assert any("notes of 1 of them were left out" in n for n in outcome.notes)
    (weighing,) = Weighing.objects.filter(household=family.household)
    assert weighing.weight_g == pytest.approx(8.5 * 453.59237, abs=0.1)
