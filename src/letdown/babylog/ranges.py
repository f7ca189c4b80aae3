"""The usual number of wet and dirty nappies in 24 hours for a breastfed baby's age, as
UK and US guidance gives them (the sources are cited wherever the ranges are shown). Pure:
no Django. These are the least counts most babies reach, not a diagnosis."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NappyRange:
    first_day: int  # the baby's age in whole days (0 on the day of birth)
    last_day: int | None
    wet_at_least: int
    dirty_at_least: int | None  # None: no usual count at this age
    sources: tuple[str, ...]


# Days 1–2, 3–4, 5–6 and 7–28 from the Baby Friendly table an NHS maternity service
# publishes (elht_nappies); six or more wet nappies from about day five (who2009, aap_first_visit).
# After four weeks the guidance gives wet nappies only: stool patterns vary more.
RANGES = (
    NappyRange(0, 2, 1, 1, ("elht_nappies",)),
    NappyRange(3, 4, 3, 2, ("elht_nappies",)),
    NappyRange(5, 6, 5, 2, ("elht_nappies", "aap_first_visit")),
    NappyRange(7, 28, 6, 2, ("elht_nappies", "who2009")),
    NappyRange(29, None, 6, None, ("who2009", "aap_first_visit")),
)

NAPPY_SOURCES = ("elht_nappies", "who2009", "aap_first_visit")


def nappy_range(age_days: int) -> NappyRange | None:
    """The range for a baby `age_days` old; None before birth."""
    for row in RANGES:
        if age_days >= row.first_day and (row.last_day is None or age_days <= row.last_day):
            return row
    return None
