"""Editing the log: bad input gets a clear message and a 4xx, and never loses what was saved."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from letdown.logbook.models import BottleFeed, Leak, LetDown, Segment, Session

from ..factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory


def local(dt: datetime) -> str:
    return timezone.localtime(dt, timezone=UTC).strftime("%Y-%m-%dT%H:%M")


def form_data(session: Session, **changes: object) -> dict[str, object]:
    # The family's zone is Europe/London: in November that is UTC.
    data: dict[str, object] = {
        "started_at": local(session.started_at),
        "ended_at": local(session.ended_at),
        "notes": "",
    }
    data.update(changes)
    return data


def test_end_before_start_is_refused_and_nothing_changes(owner_client, family):
    session = SessionFactory(lactation=family.lactation, kind="pumping")
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(
            session, ended_at=local(session.started_at - timedelta(minutes=5)), volume_left="80"
        ),
    )
    assert response.status_code == 400
    assert b"The end must be after the start." in response.content
    session.refresh_from_db()
    assert session.volume_left_ml is None
    assert session.ended_at == session.started_at + timedelta(minutes=15)


def test_future_times_are_refused(owner_client, family):
    session = SessionFactory(lactation=family.lactation)
    future = timezone.now() + timedelta(days=1)
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(session, ended_at=local(future)),
    )
    assert response.status_code == 400
    assert b"in the future" in response.content


def test_absurd_volume_is_refused_with_the_limit(owner_client, family):
    session = SessionFactory(lactation=family.lactation, kind="pumping")
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]), form_data(session, volume_left="5000")
    )
    assert response.status_code == 400
    assert b"not a plausible volume" in response.content


def test_volumes_and_details_are_saved_in_ml_from_oz(owner_client, family):
    family.household.unit = "oz"
    family.household.save()
    session = SessionFactory(lactation=family.lactation, kind="pumping")
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(
            session,
            volume_left="2",
            volume_right="1.5",
            anxiety_before="7",
            aids=["warm_compress", "baby_cry"],
            notes="at work",
        ),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert round(session.volume_left_ml, 1) == 59.1
    assert round(session.volume_right_ml, 1) == 44.4
    assert session.anxiety_before == 7
    assert session.aids == ["warm_compress", "baby_cry"]
    page = owner_client.get(reverse("session_edit", args=[session.pk]))
    assert b'value="2.0"' in page.content  # shown back in her unit


def test_overlapping_session_is_refused_with_a_link_to_the_other(owner_client, family):
    other = SessionFactory(lactation=family.lactation)
    response = owner_client.post(
        reverse("session_new"),
        {
            "kind": "pumping",
            "side": "both",
            "started_at": local(other.started_at + timedelta(minutes=5)),
            "ended_at": local(other.started_at + timedelta(minutes=25)),
        },
    )
    assert response.status_code == 400
    assert reverse("session_edit", args=[other.pk]).encode() in response.content
    assert Session.objects.count() == 1


def test_a_past_session_can_be_added(owner_client, family):
    start = timezone.now().replace(microsecond=0, second=0) - timedelta(hours=3)
    response = owner_client.post(
        reverse("session_new"),
        {
            "kind": "pumping",
            "side": "both",
            "started_at": local(start),
            "ended_at": local(start + timedelta(minutes=20)),
            "volume_left": "70",
            "volume_right": "65",
        },
    )
    assert response.status_code == 302
    session = Session.objects.with_details().get()
    assert session.current_side() == "both" and session.volume_right_ml == 65


def test_letdown_outside_its_session_is_refused(owner_client, family):
    letdown = LetDownFactory(session=SessionFactory(lactation=family.lactation))
    response = owner_client.post(
        reverse("letdown_edit", args=[letdown.pk]),
        {"at": local(letdown.session.started_at - timedelta(hours=1)), "side": "left"},
    )
    assert response.status_code == 400
    assert b"within its session" in response.content


def test_a_forgotten_letdown_can_be_added(owner_client, family):
    session = SessionFactory(lactation=family.lactation)
    response = owner_client.post(
        reverse("letdown_add", args=[session.pk]),
        {"at": local(session.started_at + timedelta(minutes=3)), "side": "left"},
    )
    assert response.status_code == 302
    assert LetDown.objects.get().session == session


def test_quick_leak_then_details_and_tips(owner_client, family):
    response = owner_client.post(reverse("leak_quick"))
    leak = Leak.objects.get()
    assert response.url == reverse("leak_detail", args=[leak.pk])
    page = owner_client.get(response.url)
    for tip in (b"Breast pads", b"Firm pressure", b"Regular feeds"):
        assert tip in page.content
    owner_client.post(
        response.url,
        {
            "at": local(leak.at),
            "side": "left",
            "trigger": "baby_crying",
            "amount": "wet",
            "actions": ["pads", "pressure"],
        },
    )
    leak.refresh_from_db()
    assert (leak.trigger, leak.amount, leak.actions) == ("baby_crying", "wet", ["pads", "pressure"])


def test_leak_in_the_future_is_refused(owner_client):
    response = owner_client.post(
        reverse("leak_new"), {"at": local(timezone.now() + timedelta(hours=2))}
    )
    assert response.status_code == 400
    assert not Leak.objects.exists()


def test_bottle_feed_tops_up_a_nursing_session(owner_client, family):
    session = SessionFactory(
        lactation=family.lactation, started_at=timezone.now() - timedelta(hours=1)
    )
    page = owner_client.get(reverse("feed_new") + f"?session={session.pk}")
    assert page.status_code == 200
    response = owner_client.post(
        reverse("feed_new"),
        {"at": local(timezone.now()), "milk": "formula", "volume": "60", "session": session.pk},
    )
    assert response.status_code == 302
    feed = BottleFeed.objects.get()
    assert feed.session == session and feed.volume_ml == 60


def test_feed_cannot_top_up_a_strangers_session(owner_client, family, stranger_family):
    theirs = SessionFactory(
        lactation=stranger_family.lactation, started_at=timezone.now() - timedelta(hours=1)
    )
    response = owner_client.post(
        reverse("feed_new"),
        {"at": local(timezone.now()), "milk": "formula", "volume": "60", "session": theirs.pk},
    )
    assert response.status_code == 400
    assert not BottleFeed.objects.exists()


def test_feed_without_volume_is_refused(owner_client):
    response = owner_client.post(
        reverse("feed_new"), {"at": local(timezone.now()), "milk": "formula", "volume": ""}
    )
    assert response.status_code == 400
    assert b"This field is required" in response.content


def test_delete_needs_a_post_and_removes_only_that(owner_client, family):
    keep = LeakFactory(lactation=family.lactation)
    gone = LeakFactory(lactation=family.lactation)
    assert owner_client.get(reverse("delete", args=["leak", gone.pk])).status_code == 200
    assert Leak.objects.count() == 2
    owner_client.post(reverse("delete", args=["leak", gone.pk]))
    assert list(Leak.objects.all()) == [keep]


def test_the_delete_screen_names_a_sessions_kind_time_and_sides(owner_client, family):
    session = SessionFactory(lactation=family.lactation, kind="pumping", side="right")
    Segment.objects.create(
        household=family.household,
        session=session,
        side="left",
        started_at=session.ended_at,
        ended_at=session.ended_at + timedelta(minutes=5),
    )
    html = owner_client.get(reverse("delete", args=["session", session.pk])).content.decode()
    assert "Delete this session?" in html
    card = html[html.index("data-deleting") : html.index("</p>", html.index("data-deleting"))]
    assert "Pumping · Fri 20 Nov · 08:00–08:15 · Right, Left" in " ".join(card.split())


def test_history_shows_letdown_offsets(owner_client, family):
    session = SessionFactory(lactation=family.lactation, kind="pumping")
    LetDownFactory(session=session, at=session.started_at + timedelta(seconds=102))
    LetDownFactory(session=session, at=session.started_at + timedelta(seconds=370))
    BottleFeedFactory(lactation=family.lactation)
    page = owner_client.get(reverse("history") + "?until=2026-11-20")
    assert b"first at 1:42" in page.content and b"6:10" in page.content
    assert b"Expressed milk" in page.content


def test_history_rejects_a_bad_date(owner_client):
    response = owner_client.get(reverse("history") + "?until=yesterday")
    assert response.status_code == 400


def test_a_date_in_year_one_is_refused_not_a_crash(owner_client, family):
    family.household.time_zone = "Asia/Tokyo"
    family.household.save()
    response = owner_client.post(reverse("leak_new"), {"at": "0001-01-01T01:00:00"})
    assert response.status_code == 400
    assert b"too far in the past" in response.content
    response = owner_client.post(
        reverse("session_new"),
        {
            "kind": "nursing",
            "side": "left",
            "started_at": "0001-01-01T00:00:00",
            "ended_at": "0001-01-01T00:10:00",
        },
    )
    assert response.status_code == 400
    assert not Session.objects.exists() and not Leak.objects.exists()


def test_history_at_the_ends_of_the_calendar_is_not_a_crash(owner_client):
    assert owner_client.get(reverse("history") + "?until=9999-12-31").status_code == 200
    assert owner_client.get(reverse("history") + "?until=0001-01-01").status_code == 200


def test_history_escapes_what_she_typed(owner_client, family):
    # Entries are rendered in Python; the kind label is ours, but nothing may be trusted.
    from letdown.logbook.selectors import Entry
    from letdown.logbook.templatetags.logbook import history_entries

    html = history_entries(
        [Entry(at=timezone.now(), css="leak", title="<script>x</script>", url="/l/1/")], set()
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- A session's edges and what it holds ------------------------------------------------------


def _at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 20, hour, minute, second, tzinfo=UTC)


def _clock(dt: datetime) -> str:
    return timezone.localtime(dt, timezone=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def test_an_edit_that_would_leave_a_letdown_outside_is_refused_and_names_it(owner_client, family):
    session = SessionFactory(lactation=family.lactation, started_at=_at(10, 0))
    session.ended_at = _at(10, 20)
    session.save()
    LetDownFactory(session=session, at=_at(10, 5))
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(session, started_at=_clock(_at(10, 10)), ended_at=_clock(_at(10, 12))),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "the let-down at 10:05:00" in page and "would fall outside the session" in page
    session.refresh_from_db()
    assert (session.started_at, session.ended_at) == (_at(10, 0), _at(10, 20))


def test_the_sides_at_the_edges_follow_a_shorter_session(owner_client, family):
    session = SessionFactory(lactation=family.lactation, started_at=_at(10, 0), side="left")
    session.ended_at = _at(10, 20)
    session.save()
    session.segments.update(ended_at=_at(10, 8))
    session.segments.create(
        household=family.household, side="right", started_at=_at(10, 9), ended_at=_at(10, 20)
    )
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(session, started_at=_clock(_at(10, 5)), ended_at=_clock(_at(10, 15))),
    )
    assert response.status_code == 302
    assert list(session.segments.order_by("started_at").values_list("started_at", "ended_at")) == [
        (_at(10, 5), _at(10, 8)),
        (_at(10, 9), _at(10, 15)),
    ]


def test_a_session_logged_afterwards_can_be_shortened(owner_client, family):
    session = SessionFactory(lactation=family.lactation, started_at=_at(10, 0), side="right")
    session.ended_at = _at(10, 30)
    session.save()
    session.segments.update(ended_at=_at(10, 30))
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(session, started_at=_clock(_at(10, 10)), ended_at=_clock(_at(10, 20))),
    )
    assert response.status_code == 302
    facts = Session.objects.with_details().get().facts(timezone.now())
    assert facts.right_s == facts.active_s == 10 * 60


def test_an_edit_that_would_cut_a_side_in_between_is_refused_and_names_it(owner_client, family):
    session = SessionFactory(lactation=family.lactation, started_at=_at(10, 0), side="left")
    session.ended_at = _at(10, 20)
    session.save()
    session.segments.update(ended_at=_at(10, 5))
    session.segments.create(
        household=family.household, side="right", started_at=_at(10, 5), ended_at=_at(10, 20)
    )
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(session, started_at=_clock(_at(10, 7)), ended_at=_clock(_at(10, 20))),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "the left side from 10:00:00 to 10:05:00" in page and "would fall outside" in page
    session.refresh_from_db()
    assert session.started_at == _at(10, 0)


def test_an_edit_that_keeps_everything_inside_is_saved(owner_client, family):
    session = SessionFactory(lactation=family.lactation, started_at=_at(10, 0))
    session.ended_at = _at(10, 20)
    session.save()
    LetDownFactory(session=session, at=_at(10, 5))
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        form_data(session, started_at=_clock(_at(9, 58)), ended_at=_clock(_at(10, 25))),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.started_at, session.ended_at) == (_at(9, 58), _at(10, 25))
    assert session.facts(timezone.now()).time_to_first_letdown_s == 7 * 60
