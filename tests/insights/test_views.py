"""The Insights page: a member sees every section with its summary and chart, a stranger sees
only their own (empty) insights, warm requests do no statistics, and the query count is fixed."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letdown.accounts.models import Baby, Household, User
from letdown.core import l10n
from letdown.demo import create_demo_household
from letdown.insights import selectors, views, words
from letdown.insights.stats import Insights
from letdown.insights.templatetags.insights import duration
from letdown.logbook import selectors as logbook_selectors
from letdown.share import services as share_services

from ..factories import LactationFactory, LeakFactory, LetDownFactory, SessionFactory, tap
from .test_selectors import Spy, _regular_feeds, start_session
from .test_stats_edge_cases import _all_summaries

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
URL = "/insights/"
SECTION_IDS = (
    "first-letdown",
    "what-helps",
    "anxiety",
    "letdowns",
    "over-time",
    "leaks",
    "rhythm",
    "pump-switch",
)
LEARN_URLS = (
    "/learn/what-is-let-down/",
    "/learn/helping-let-down/",
    "/learn/anxiety-and-let-down/",
    "/learn/first-time-parents/",
    "/learn/leaks/",
    "/learn/when-to-ask-for-help/",
)


def add_history(family, *, days: int, now: datetime = NOW, per_day: int = 6) -> None:
    """`days` of varied sessions ending before `now`, from the baby's birth: nursing and
    pumping, techniques, anxiety scores, sessions without a let-down, pumped volumes, and
    leaks that fade. Let-down comes sooner with a warm compress, later after anxiety 5 or
    more, and sooner as the weeks pass. Numbers follow fixed cycles, not random draws."""
    start = (now - timedelta(days=days)).replace(hour=0, minute=30)
    Baby.objects.filter(lactation=family.lactation).update(birth_date=start.date())
    index = 0
    # Up to today, so that her rhythm has a recent feed to predict the next one from.
    for day in range(days + 1):
        for slot in range(per_day):
            index += 1
            started_at = start + timedelta(days=day, hours=slot * 24 / per_day + (day % 3) * 0.4)
            if started_at >= now - timedelta(hours=1):
                continue
            _add_session(family, index, started_at, progress=day / max(days - 1, 1))
        for leak_hour in (10, 15, 20)[: max(0, 3 - day // 7)]:
            LeakFactory(lactation=family.lactation, at=start + timedelta(days=day, hours=leak_hour))


def _add_session(family, index: int, started_at: datetime, progress: float) -> None:
    # A fixed scramble of the index, so kinds, techniques, anxiety and censoring do not line
    # up with each other or with the time of day (as cycles of the index would).
    mix = (index * 2654435761) % 2**32 >> 8
    kind = "pumping" if (mix >> 5) % 3 == 0 else "nursing"
    aids = [
        slug
        for slug, present in (
            ("warm_compress", mix & 1),
            ("breast_massage", (mix >> 1) & 3 == 0),
            ("relaxing_music", (mix >> 3) & 3 == 0),
        )
        if present
    ]
    anxiety = (mix >> 7) % 11 if (mix >> 11) & 3 else None
    first_s = (70 + 110 * (1 - progress)) * (0.6 if "warm_compress" in aids else 1.0)
    if anxiety is not None and anxiety >= 5:
        first_s *= 1.4
    first_s += (mix >> 17) % 45
    second_s = first_s + 240 + (mix >> 13) % 90
    offsets = [] if (mix >> 13) % 12 == 0 else [first_s, second_s][: 1 + (mix >> 23) % 2]
    session = SessionFactory(
        lactation=family.lactation,
        kind=kind,
        started_at=started_at,
        ended_at=started_at + timedelta(minutes=20 if kind == "pumping" else 15),
        aids=aids,
        anxiety_before=anxiety,
        volume_left_ml=35 + 15 * len(offsets) + index % 7 if kind == "pumping" else None,
        volume_right_ml=30 + 15 * len(offsets) + index % 5 if kind == "pumping" else None,
    )
    for offset_s in offsets:
        LetDownFactory(session=session, at=started_at + timedelta(seconds=offset_s))


def _text(response) -> str:
    return response.content.decode()


def _visible(page: str, text: str) -> bool:
    return html.escape(text, quote=True) in page or html.escape(text, quote=False) in page


@pytest.fixture
def history(family):
    add_history(family, days=42)
    return family


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_member_sees_every_section_with_its_summary_chart_and_learn_link(
    history, member_client, pinned
):
    response = member_client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    insights: Insights = response.context["insights"]
    assert insights.n_sessions > 200
    for section_id in SECTION_IDS:
        assert f'id="{section_id}"' in page
    # Times in the words as her household's locale writes them, as the page did.
    with l10n.override(l10n.for_household("en", history.household.time_zone)):
        summaries = _all_summaries(insights) + [
            words.factor_summary(f) for f in insights.what_helps.factors
        ]
    for summary in summaries:
        assert _visible(page, summary), summary
    # Each summary sits above its chart: the paragraph comes before the <svg> in the section.
    first = page[page.index('id="first-letdown"') :]
    assert first.index('class="summary"') < first.index("<svg")
    # Seven charts, and the forest plot of what helps: a row per comparison, named in HTML.
    assert page.count('role="img"') >= 7
    assert page.count('<li class="forest-row') == sum(
        1 for f in insights.what_helps.factors if f.status == "estimated"
    )
    for url in LEARN_URLS:
        assert f'href="{url}"' in page
    assert "no substitute for a doctor or a lactation specialist" in page
    # Every health statement cites its source from the one references file.
    for key in ("gardner2015", "ueda1994", "ramsay2004", "mcneilly1983", "mcneilly1978"):
        assert f'href="/learn/sources/#ref-{key}"' in page, key


def test_her_data_gives_real_answers_in_honest_words(history, member_client, pinned):
    insights = member_client.get(URL).context["insights"]
    compress = next(f for f in insights.what_helps.factors if f.slug == "warm_compress")
    # The builder made let-down come sooner with a warm compress: the page says so, as a
    # pattern in her sessions, not as a cause.
    assert compress.status == "estimated"
    assert compress.hazard_ratio_lower > 1
    assert words.factor_summary(compress).startswith(
        "Sessions with a warm compress let down sooner"
    )
    assert insights.pump_switch.switch_time_s is not None
    page = _text(member_client.get(URL))
    assert "not proof of cause" in page
    # It says, in plain words, what she is compared with and why.
    assert _visible(page, "Each comparison is with your own sessions at the same stage")
    assert _visible(page, "anything you took up later could look helpful even if it did nothing")
    for claim in ("works", "causes", "caused"):
        assert claim not in html.unescape(re.sub(r"<[^>]+>", " ", page)).split()


def test_a_comparison_below_the_minimum_says_how_many_more_sessions_are_needed(
    family, member_client, pinned
):
    for index in range(1, 9):
        started_at = NOW - timedelta(hours=4 * index)
        session = SessionFactory(
            lactation=family.lactation,
            started_at=started_at,
            aids=["warm_compress"] if index <= 2 else [],
        )
        LetDownFactory(session=session, at=started_at + timedelta(seconds=90 + index))
    response = member_client.get(URL)
    page = html.unescape(_text(response))
    assert "Not enough sessions yet: needs 3 more sessions with a warm compress" in page
    waiting = response.context["factors"]["waiting"]
    assert "warm_compress" in [factor.effect.slug for factor in waiting]
    assert f"Not enough sessions yet: {len(waiting)} comparison" in page
    assert "Sessions with a warm compress let down" not in page
    # She has not pumped: no pump switch time at a glance.
    assert "Pump switch time</dt>" not in page


def test_stranger_sees_only_their_own_empty_insights(
    history, member_client, stranger_client, pinned
):
    family_page = member_client.get(URL)
    family_insights = family_page.context["insights"]
    response = stranger_client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert response.context["insights"].n_sessions == 0
    assert "Nothing to show yet" in page
    assert "<svg" not in page
    for secret in (
        words.first_letdown_summary(family_insights.first_letdown),
        words.next_feed_summary(
            family_insights.rhythm.next_feed, ZoneInfo(family_insights.time_zone)
        ),
        words.pump_switch_summary(family_insights.pump_switch),
        "warm compress",
    ):
        assert not _visible(page, secret)
    # None of the family's medians appear on the stranger's page.
    medians = [c.median.value_s for c in family_insights.first_letdown.curves]
    assert all(m is not None for m in medians)
    for median_s in medians:
        assert duration(median_s) in _text(family_page)
        assert duration(median_s) not in page


def test_an_empty_household_gets_sensible_text(owner_client, pinned):
    response = owner_client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert "Nothing to show yet" in page
    assert f'href="{reverse("home")}"' in page
    assert "no substitute for a doctor or a lactation specialist" in page
    assert "Traceback" not in page


def test_a_running_session_alone_shows_the_page_and_says_it_is_left_out(
    family, owner_client, pinned
):
    start_session(family, NOW - timedelta(minutes=3))
    page = _text(owner_client.get(URL))
    assert "A session still running is left out until it ends." in page
    assert "No finished sessions yet" in page


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_household_not_onboarded_is_sent_to_onboarding(family, owner_client):
    family.household.onboarded = False
    family.household.save()
    response = owner_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("onboarding")


def test_the_page_refuses_post(owner_client):
    assert owner_client.post(URL).status_code == 405


def test_the_page_stays_small(history, owner_client, pinned):
    size = len(owner_client.get(URL).content)
    assert size < 100_000, size


def test_a_second_request_does_not_recompute_and_a_new_letdown_does(
    family, owner_client, monkeypatch, pinned
):
    add_history(family, days=7)
    compute = Spy(selectors.compute_insights)
    charts = Spy(selectors.render_charts)
    monkeypatch.setattr(selectors, "compute_insights", compute)
    monkeypatch.setattr(selectors, "render_charts", charts)

    first = owner_client.get(URL)
    second = owner_client.get(URL)
    assert (compute.calls, charts.calls) == (1, 1)
    # The same page, but for the menu's Log out form's CSRF token, masked anew each time.
    assert _unmasked(second.content) == _unmasked(first.content)

    session = start_session(family, NOW - timedelta(minutes=10), kind="pumping", side="both")
    tap(session, "letdown", NOW - timedelta(minutes=9))
    owner_client.get(URL)
    assert (compute.calls, charts.calls) == (2, 2)
    owner_client.get(URL)
    assert (compute.calls, charts.calls) == (2, 2)


def _unmasked(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def _query_count(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def test_query_count_is_fixed_whatever_the_history(family, owner_client, pinned):
    add_history(family, days=2, now=NOW - timedelta(days=20))
    _clear_cache()
    cold_small = _query_count(owner_client)
    warm_small = _query_count(owner_client)
    add_history(family, days=12)
    _clear_cache()
    assert _query_count(owner_client) == cold_small
    assert _query_count(owner_client) == warm_small
    assert warm_small < cold_small


def test_a_later_lactation_is_not_offered_the_first_baby_article(family, owner_client, pinned):
    LactationFactory(household=family.household, number=2, started_on=NOW.date())
    add_history(family, days=3)
    page = _text(owner_client.get(URL))
    assert 'href="/learn/leaks/"' in page
    assert 'href="/learn/first-time-parents/"' not in page


def test_the_demo_households_page_is_small_and_complete(db, client):
    username, _password = create_demo_household(now=NOW)
    client.force_login(User.objects.get(username=username))
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    page = _text(response)
    assert response.context["insights"].n_sessions > 100
    assert page.count('role="img"') >= 7
    assert 'class="forest-row' in page
    assert len(response.content) < 150_000, len(response.content)


def test_home_and_insights_give_the_same_7_day_median_on_the_demo(db):
    username, _password = create_demo_household(now=NOW)
    household = User.objects.get(username=username).household
    home = logbook_selectors.median_first_letdown(household, NOW)
    insights = selectors.insights_page_for(household, NOW).insights.first_letdown
    assert home.sessions == insights.recent_n_sessions > 20
    assert home.median_s is not None and insights.recent_median_s is not None
    # One function on the same sessions: equal, not merely close.
    assert home.median_s == insights.recent_median_s
    assert round(home.median_s) == round(insights.recent_median_s)


def test_a_warm_page_neither_reads_the_results_nor_words_them(
    family, owner_client, monkeypatch, pinned
):
    add_history(family, days=7)
    first = owner_client.get(URL)
    page_for = Spy(selectors.insights_page_for)
    page_words = Spy(views.page_words)
    monkeypatch.setattr(selectors, "insights_page_for", page_for)
    monkeypatch.setattr(views, "page_words", page_words)
    with CaptureQueriesContext(connection) as queries:
        second = owner_client.get(URL)
    assert (page_for.calls, page_words.calls) == (0, 0)
    assert not [q for q in queries.captured_queries if "letdown_cache" in q["sql"]]
    assert _unmasked(second.content) == _unmasked(first.content)


def test_the_page_shows_new_data_at_once(family, owner_client, pinned):
    add_history(family, days=7)
    before = _text(owner_client.get(URL))
    finished = re.search(r"From (\d+) finished sessions", before)
    assert finished is not None
    assert "A session still running is left out" not in before
    session = start_session(family, NOW - timedelta(minutes=10), kind="pumping", side="both")
    tap(session, "letdown", NOW - timedelta(minutes=9))
    running = _text(owner_client.get(URL))
    assert "A session still running is left out" in running
    tap(session, "end", NOW - timedelta(minutes=1))
    ended = _text(owner_client.get(URL))
    assert f"From {int(finished.group(1)) + 1} finished sessions" in ended
    assert "A session still running is left out" not in ended


def test_the_next_feed_is_predicted_again_once_its_time_has_come(family, owner_client, monkeypatch):
    last_feed_at = NOW - timedelta(minutes=30)
    _regular_feeds(family, last_feed_at)
    compute = Spy(selectors.compute_insights)
    monkeypatch.setattr(selectors, "compute_insights", compute)
    with time_machine.travel(NOW, tick=False):
        first = owner_client.get(URL)
    earliest_at = first.context["insights"].rhythm.next_feed.earliest_at
    assert earliest_at is not None
    with time_machine.travel(earliest_at - timedelta(minutes=1), tick=False):
        owner_client.get(URL)
    assert compute.calls == 1
    with time_machine.travel(earliest_at + timedelta(minutes=1), tick=False):
        later = owner_client.get(URL)
    assert compute.calls == 2
    assert later.context["insights"].computed_at == earliest_at + timedelta(minutes=1)


def test_each_language_and_a_share_link_get_their_own_page(
    family, owner_client, member_client, pinned
):
    add_history(family, days=7)
    made = share_services.create_share(
        household=family.household, name="Anna", now=NOW, days=2, shows_insights=True
    )
    own = _text(owner_client.get(URL))
    assert "At a glance" in own and 'href="/routines/"' in own
    family.member.language = "de"
    family.member.save(update_fields=["language"])
    german = _text(member_client.get(URL))
    assert "Auf einen Blick" in german and "At a glance" not in german
    shared = _text(Client().get(reverse("share_insights", args=[made.token])))
    assert "At a glance" in shared and 'href="/routines/"' not in shared
    # Her own links are not offered through a link, even in the language and formats of a
    # page of hers rendered just before.
    household = Household.objects.get(pk=family.household.pk)
    assert 'href="/routines/"' in views.page_content(household, share=False)
    assert 'href="/routines/"' not in views.page_content(household, share=True)
