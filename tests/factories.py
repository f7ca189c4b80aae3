"""factory_boy factories for the logbook's models."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory
from django.utils import timezone

from letdown.accounts.models import Baby, Household, Lactation, Role, User
from letdown.accounts.services import changing
from letdown.logbook.models import BottleFeed, Kind, Leak, LetDown, Segment, Session, Side

PASSWORD = "correct horse battery staple"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    parent_name = factory.Sequence(lambda n: f"Parent {n}")
    time_zone = "Europe/London"
    onboarded = True


class LactationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lactation

    household = factory.SubFactory(HouseholdFactory)
    number = 1
    started_on = date(2026, 10, 1)


class BabyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baby

    lactation = factory.SubFactory(LactationFactory)
    household = factory.SelfAttribute("lactation.household")
    name = "Robin"
    birth_date = date(2026, 10, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    household = factory.SubFactory(HouseholdFactory)
    role = Role.PARENT
    # Seen just now, so the first page a test asks for writes no "last active" stamp.
    last_seen_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class _LoggedFactory(factory.django.DjangoModelFactory):
    """Logbook rows bump the household's data version, as every write of the app does: pages
    cached per version must see them."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        created = super()._create(model_class, *args, **kwargs)
        with changing(created.household):
            pass
        return created


class SessionFactory(_LoggedFactory):
    """An ended session with one segment on the given side."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    lactation = factory.SubFactory(LactationFactory)
    household = factory.SelfAttribute("lactation.household")
    kind = Kind.NURSING
    started_at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(minutes=15))

    @factory.post_generation
    def side(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create:
            Segment.objects.create(
                household=self.household,
                session=self,
                side=extracted or Side.LEFT,
                started_at=self.started_at,
                ended_at=self.ended_at,
            )


class LetDownFactory(_LoggedFactory):
    class Meta:
        model = LetDown

    session = factory.SubFactory(SessionFactory)
    household = factory.SelfAttribute("session.household")
    at = factory.LazyAttribute(lambda o: o.session.started_at + timedelta(seconds=100))
    side = Side.LEFT


class LeakFactory(_LoggedFactory):
    class Meta:
        model = Leak

    lactation = factory.SubFactory(LactationFactory)
    household = factory.SelfAttribute("lactation.household")
    at = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)


class BottleFeedFactory(_LoggedFactory):
    class Meta:
        model = BottleFeed

    lactation = factory.SubFactory(LactationFactory)
    household = factory.SelfAttribute("lactation.household")
    at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    milk = "expressed"
    volume_ml = 90


def start(lactation: Lactation, kind: str, side: str, at: datetime) -> Session:
    """A live session started through the logbook, as the Start button does."""
    from letdown.logbook.services import start_session

    return start_session(
        household=lactation.household,
        lactation=lactation,
        kind=kind,
        side=side,
        at=at,
        now=max(at, timezone.now()),
    ).session


def tap(session: Session, type: str, at: datetime, **fields: str):  # type: ignore[no-untyped-def]
    """A tap on the live screen, as the app stores it (End also records the routine)."""
    from letdown.live.services import tap as live_tap

    return live_tap(
        household=session.household,
        session_pk=session.pk,
        type=type,
        at=at,
        now=max(at, timezone.now()),
        **fields,
    )
