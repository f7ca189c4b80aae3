"""Reads of nappies and weighings, always scoped to her household: plain rows for the
logbook's history and for the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Subquery

from letdown.accounts.models import Baby, Household, Lactation

from .models import Nappy, Weighing


@dataclass(frozen=True)
class NappyRow:
    pk: int
    baby_id: int
    at: datetime
    wet: bool
    dirty: bool
    stool_colour: str


@dataclass(frozen=True)
class WeighingRow:
    pk: int
    baby_id: int
    at: datetime
    weight_g: float
    after_feed_g: float | None

    @property
    def intake_g(self) -> float | None:
        return None if self.after_feed_g is None else self.after_feed_g - self.weight_g


def current_babies(household: Household) -> list[Baby]:
    """The babies of her current lactation (twins: both), the ones she logs for now."""
    latest = Lactation.objects.filter(household=household).order_by("-number").values("pk")[:1]
    return list(
        Baby.objects.filter(household=household, lactation_id=Subquery(latest)).order_by(
            "birth_date", "pk"
        )
    )


def nappies_between(household: Household, start: datetime, stop: datetime) -> list[NappyRow]:
    return [
        NappyRow(*row)
        for row in Nappy.objects.filter(household=household, at__gte=start, at__lt=stop)
        .order_by("at")
        .values_list("pk", "baby_id", "at", "wet", "dirty", "stool_colour")
    ]


def weighings_between(household: Household, start: datetime, stop: datetime) -> list[WeighingRow]:
    return [
        WeighingRow(*row)
        for row in Weighing.objects.filter(household=household, at__gte=start, at__lt=stop)
        .order_by("at")
        .values_list("pk", "baby_id", "at", "weight_g", "after_feed_g")
    ]


def babies(household: Household) -> dict[int, Baby]:
    return {baby.pk: baby for baby in Baby.objects.filter(household=household)}


@dataclass(frozen=True)
class HistoryRow:
    """A nappy or a weighing as the history shows it."""

    kind: str  # "nappy" or "weighing"
    pk: int
    at: datetime
    baby_name: str
    wet: bool = False
    dirty: bool = False
    stool_colour: str = ""
    weight_g: float = 0.0
    after_feed_g: float | None = None
    created_by_id: int | None = None  # who logged it: a caregiver changes only her own


def history_rows(household: Household, start: datetime, stop: datetime) -> list[HistoryRow]:
    """Her nappies and weighings in [start, stop): two flat queries."""
    window = {"household": household, "at__gte": start, "at__lt": stop}
    rows = [
        HistoryRow("nappy", pk, at, name, wet, dirty, colour, created_by_id=by)
        for pk, at, name, wet, dirty, colour, by in Nappy.objects.filter(**window)
        .order_by()
        .values_list("pk", "at", "baby__name", "wet", "dirty", "stool_colour", "created_by")
    ]
    rows += [
        HistoryRow(
            "weighing", pk, at, name, weight_g=weight_g, after_feed_g=after_g, created_by_id=by
        )
        for pk, at, name, weight_g, after_g, by in Weighing.objects.filter(**window)
        .order_by()
        .values_list("pk", "at", "baby__name", "weight_g", "after_feed_g", "created_by")
    ]
    return rows
