"""Reads for shares: the open share behind a token, and her shares with their last visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from letdown.accounts.models import Household

from .models import ReportQuestions, Share, ShareVisit
from .services import token_hash

VISITS_SHOWN = 5


def open_share(token: str, now: datetime) -> Share | None:
    """The share behind a token, with its household, if it is neither revoked nor expired."""
    if not token or len(token) > 100:
        return None
    share = Share.objects.select_related("household").filter(token_hash=token_hash(token)).first()
    if share is None or not share.is_open(now):
        return None
    return share


@dataclass(frozen=True)
class ShareLine:
    share: Share
    is_open: bool
    visits: list[datetime]
    visit_count: int


def shares_of(household: Household, now: datetime) -> list[ShareLine]:
    """Her shares, newest first, each with its last few visits: two queries."""
    shares = list(Share.objects.filter(household=household))
    visits: dict[int, list[datetime]] = {share.pk: [] for share in shares}
    for share_id, at in (
        ShareVisit.objects.filter(household=household).order_by("-at").values_list("share_id", "at")
    ):
        visits[share_id].append(at)
    return [
        ShareLine(
            share=share,
            is_open=share.is_open(now),
            visits=visits[share.pk][:VISITS_SHOWN],
            visit_count=len(visits[share.pk]),
        )
        for share in shares
    ]


def questions_of(household: Household) -> str:
    row = ReportQuestions.objects.filter(household=household).values_list("text", flat=True)
    return row.first() or ""
