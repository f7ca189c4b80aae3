"""The report to bring: its figures, its period, and the PDF of the demo household."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from letdown.accounts.models import User
from letdown.demo import DEMO_USERNAME, create_demo_household
from letdown.share.report import build_report

from ..factories import BottleFeedFactory, LetDownFactory, SessionFactory

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_report_figures_for_a_known_day(owner_client, family):
    # Two nursing sessions: let-down at 100 s, and none in 15 minutes (censored, not dropped).
    start = NOW - timedelta(hours=3)
    first = SessionFactory(lactation=family.lactation, started_at=start, anxiety_before=4)
    LetDownFactory(session=first)
    SessionFactory(
        lactation=family.lactation, started_at=start + timedelta(hours=1), anxiety_before=6
    )
    BottleFeedFactory(
        lactation=family.lactation, at=start + timedelta(hours=2), milk="formula", volume_ml=60
    )
    report = build_report(family.household, NOW.date(), NOW.date(), NOW)
    day = report.summary
    assert (day.nursing, day.bottle_feeds, day.letdowns, day.letdown_sessions) == (2, 1, 1, 2)
    # Kaplan–Meier: half had let down by 100 s and the curve stays flat to the censored 900 s,
    # so the median is the midpoint (as R's survival package and Insights read it).
    assert day.median_first_s == 500.0
    assert day.formula_ml == 60 and day.anxiety_mean == 5
    page = owner_client.get(reverse("report")).content.decode()
    assert "Feeding report" in page and "60 mL formula" in page
    # The default period (the last seven days) is in the fields, to change from.
    assert 'name="start" value="2026-11-21"' in page and 'name="end" value="2026-11-27"' in page


@time_machine.travel(NOW, tick=False)
def test_days_with_nothing_logged_are_one_line_and_not_counted_as_zero(owner_client, family):
    # Two feeds a day on the period's first and last days, nothing in the eight between.
    last = NOW.date()
    first = last - timedelta(days=9)
    for day in (first, last):
        for hour in (6, 8):
            BottleFeedFactory(
                lactation=family.lactation,
                at=datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
                milk="formula",
                volume_ml=60,
            )
    report = build_report(family.household, first, last, NOW)
    assert report.summary.days == 2 and report.summary.feeds_per_day == 2.0
    assert [(row.gap, row.first if row.gap else row.date) for row in report.days] == [
        (False, last),
        (True, first + timedelta(days=1)),
        (False, first),
    ]
    assert report.days[1].last == last - timedelta(days=1)
    page = owner_client.get(reverse("report"), {"start": first, "end": last}).content.decode()
    assert "2 of the period's 10 days" in page and "nothing logged" in page


def test_a_period_over_three_months_is_a_400(owner_client, family):
    response = owner_client.get(reverse("report"), {"start": "2026-01-01", "end": "2026-06-01"})
    assert response.status_code == 400
    assert "at most three months" in response.content.decode()
    assert owner_client.get(reverse("report"), {"start": "nonsense"}).status_code == 400


def test_questions_are_saved_and_printed(owner_client, member_client, family):
    response = owner_client.post(reverse("report_questions"), {"questions": "Is 8 feeds enough?"})
    assert response.status_code == 302
    assert "Is 8 feeds enough?" in owner_client.get(reverse("report")).content.decode()
    assert member_client.post(reverse("report_questions"), {"questions": "x"}).status_code == 403


def test_stranger_sees_only_her_own_report(stranger_client, family):
    SessionFactory(
        lactation=family.lactation,
        started_at=datetime.now(UTC) - timedelta(hours=2),
        notes="Alex's private note",
    )
    for name in ("report", "report_pdf"):
        response = stranger_client.get(reverse(name))
        assert response.status_code == 200
        assert b"private note" not in response.content


def test_demo_report_pdf_is_a_pdf_with_the_glance_on_page_one(db, client):
    create_demo_household()
    client.force_login(
        User.objects.get(username=DEMO_USERNAME),
        backend="letdown.accounts.backends.HouseholdModelBackend",
    )
    html = client.get(reverse("report"))
    today = html.context["report"].last
    longest = {"start": today - timedelta(days=91), "end": today}
    for paper, period in (("a4", {}), ("letter", {}), ("a4", longest), ("letter", longest)):
        response = client.get(reverse("report_pdf"), {"paper": paper, **period})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) >= 2
        first = reader.pages[0].extract_text()
        for heading in (
            "Feeding report",
            "At a glance",
            "Nappies and weight",
            "Week by week",
            "Questions for the specialist",
        ):
            assert heading in first, (paper, heading)
        assert "Day by day" not in first
        rest = "".join(page.extract_text() for page in reader.pages[1:])
        assert "Day by day" in rest and "Weights and weighed feeds" in rest
        if period:
            # Three months: the weeks before the demo began are one line, on the first page.
            assert "nothing logged" in first
            continue
        # The same figures as the page: the period's median time to first let-down.
        median = html.context["report"].summary.median_first_s
        minutes, seconds = divmod(round(median), 60)
        assert f"{minutes}:{seconds:02d}" in first
        assert f"{html.context['report'].summary.letdowns} in" in first


def test_without_pango_the_pdf_is_a_clear_503_and_the_page_still_works(owner_client, monkeypatch):
    import sys

    # A server without WeasyPrint's libraries: importing it fails (Pango's are missing).
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    answer = owner_client.get(reverse("report_pdf"))
    assert answer.status_code == 503
    assert "Pango" in answer.content.decode()
    assert owner_client.get(reverse("report")).status_code == 200
