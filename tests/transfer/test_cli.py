"""`letdown export` and `letdown import` from the command line: same writer, same refusals,
exit codes a script can check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from letdown.cli import main
from letdown.logbook.models import Session

from ..conftest import Family
from ..factories import SessionFactory

SAMPLES = Path(__file__).parent / "samples"


def test_export_then_import_from_the_command_line(
    family: Family, stranger_family: Family, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    SessionFactory(lactation=family.lactation)
    out = tmp_path / "her.json"
    assert main(["export", "--household", str(family.household.pk), "-o", str(out)]) == 0
    assert len(json.loads(out.read_bytes())["data"]["sessions"]) == 1
    target = str(stranger_family.household.pk)
    assert (
        main(["import", "--household", target, str(out), "--source", "letdown", "--dry-run"]) == 0
    )
    assert "dry run: nothing written" in capsys.readouterr().out
    assert not Session.objects.filter(household=stranger_family.household).exists()
    assert main(["import", "--household", target, str(out), "--source", "letdown"]) == 0
    assert Session.objects.filter(household=stranger_family.household).count() == 1


def test_import_with_an_unknown_zone_is_refused(
    family: Family, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "import",
            "--household",
            str(family.household.pk),
            str(SAMPLES / "huckleberry.csv"),
            "--source",
            "huckleberry",
            "--tz",
            "Mars/Base",
        ]
    )
    assert code == 2
    assert "unknown time zone 'Mars/Base'" in capsys.readouterr().err
    assert not Session.objects.exists()


def test_import_of_a_file_with_bad_rows_exits_1_and_lists_them(
    family: Family, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("type,start,end\nnursing,2025-04-29 10:00,2025-04-29 09:00\n")
    code = main(["import", "--household", str(family.household.pk), str(bad), "--source", "csv"])
    assert code == 1
    assert "problem: line 2: it ends before it starts" in capsys.readouterr().err
    assert not Session.objects.exists()


def test_export_of_a_household_that_does_not_exist(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--household", "999999", "-o", str(tmp_path / "x.json")]) == 2
    assert "there is no household 999999" in capsys.readouterr().err
