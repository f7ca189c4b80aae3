"""Factories for routines, runs and media."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from letdown.routines.models import Routine, RoutineRun

from ..factories import HouseholdFactory


class RoutineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Routine

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"Routine {n}")
    kind = "pumping"
    steps = factory.LazyFunction(
        lambda: [
            {"slug": "warm_drink", "params": {"duration_s": 60, "per_side": False}},
            {"slug": "pump_phases", "params": {"per_side": False}},
        ]
    )


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutineRun

    routine = factory.SubFactory(RoutineFactory)
    household = factory.SelfAttribute("routine.household")
    name = factory.SelfAttribute("routine.name")
    kind = factory.SelfAttribute("routine.kind")
    steps = factory.SelfAttribute("routine.steps")
    started_at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
