"""The model against the published figures: every check must pass, and the table must say so."""

from __future__ import annotations

import pytest

from letdown.reflex.validation import Check, format_table, run_validation


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    return run_validation()


def test_every_published_target_is_met(checks: list[Check]) -> None:
    failed = [f"{c.name}: {c.model:.3g} not in [{c.low}, {c.high}]" for c in checks if not c.passed]
    assert not failed, "\n".join(failed)


def test_the_table_covers_the_studies_the_model_addresses(checks: list[Check]) -> None:
    sources = " ".join(c.source for c in checks)
    for study in (
        "Ramsay 2004",
        "Kent 2008",
        "Prime 2009",
        "Prime 2012",
        "McNeilly 1983",
        "Ueda 1994",
        "Yigit 2012",
        "JCEM 1986",
        "Gardner 2015",
        "McNeilly 1978",
    ):
        assert study in sources
    assert len(checks) >= 40


def test_a_check_passes_only_inside_its_tolerance() -> None:
    inside = Check("x", "s", "1", 1.0, 0.5, 1.5, "t")
    assert inside.passed
    assert not Check("x", "s", "1", 2.0, 0.5, 1.5, "t").passed
    assert not Check("x", "s", "1", float("nan"), 0.5, 1.5, "t").passed


def test_the_table_marks_failures_and_counts_passes() -> None:
    table = format_table(
        [Check("good", "A 2000", "1", 1.0, 0, 2, "t"), Check("bad", "B 2001", "1", 5.0, 0, 2, "t")]
    )
    good, bad = table.splitlines()[1:3]
    assert good.startswith("good") and good.endswith("pass")
    assert bad.startswith("bad") and bad.endswith("FAIL")
    assert table.splitlines()[-1] == "1 of 2 checks pass"
