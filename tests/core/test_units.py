"""One module for units and durations: what every page shows of a volume, a weight or a time."""

import pytest

from letdown.core import units


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (45, "45 s"),
        (59.6, "1 min"),
        (85, "1 min 25 s"),
        (120, "2 min"),
        (3600, "1 h"),
        (3900, "1 h 5 min"),
        (3929, "1 h 5 min"),  # seconds are dropped from an hour
    ],
)
def test_a_duration_in_words(seconds, words):
    assert units.duration(seconds) == words


def test_a_time_into_a_session_reads_as_a_clock():
    assert [units.clock(s) for s in (0, 102, 725, 3723)] == ["0:00", "1:42", "12:05", "1:02:03"]


def test_volumes_go_to_ounces_and_back():
    assert units.format_volume(units.to_ml(4, "oz"), "oz") == "4 oz"
    assert units.format_volume(118.3, "ml") == "118 mL"
    assert units.from_ml(None, "oz") is None and units.format_volume(None, "ml") == ""


def test_weights_in_pounds_and_ounces():
    assert units.format_weight(3500, "ml") == "3\u202f500 g"
    assert units.format_weight(3500, "oz") == "7 lb 11.5 oz"
    assert units.format_change(units.to_g(1.5, "oz"), "oz") == "+1.5 oz"
    assert units.weight_unit("oz") == "oz" and units.weight_unit("ml") == "g"
