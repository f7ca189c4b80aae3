"""Reads for the routine pages: the run to show, the steps as the player draws them, and the
run that goes with a Logbook session."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from letdown.accounts.models import Household
from letdown.logbook.models import Kind, Session, Side

from .catalogue import STEP_TYPES
from .models import Media, RoutineRun
from .services import RUN_BEFORE_SESSION_WINDOW, run_state, state_as_json


def _still_playing(run: RoutineRun | None) -> RoutineRun | None:
    # A run whose last step ran out has no finish row until someone taps; the engine knows.
    if run is None or run_state(run, timezone.now()).finished:
        return None
    return run


def active_run(household: Household) -> RoutineRun | None:
    """The run still playing; `start_run` keeps it to one per household."""
    return _still_playing(
        RoutineRun.objects.filter(household=household, finished_at__isnull=True).first()
    )


def start_sides(kind: str) -> list[tuple[str, str]]:
    """The sides a session started from the player can begin on."""
    if kind == Kind.NURSING:
        return [(Side.LEFT, _("Left")), (Side.RIGHT, _("Right"))]
    return [(Side.BOTH, _("Both sides")), (Side.LEFT, _("Left")), (Side.RIGHT, _("Right"))]


def player_steps(run: RoutineRun) -> list[dict[str, Any]]:
    """Each step of the run with what the player needs to draw it: its catalogue entry, its
    settings and, for a step with a file of hers, the file's private URL and kind."""
    media_ids = [step["params"].get("media_id") for step in run.steps]
    media = {
        m.pk: m
        for m in Media.objects.filter(
            household_id=run.household_id, pk__in=[i for i in media_ids if isinstance(i, int)]
        )
    }
    steps = []
    for index, step in enumerate(run.steps):
        step_type = STEP_TYPES[step["slug"]]
        own = media.get(step["params"].get("media_id"))
        steps.append(
            {
                "index": index,
                "type": step_type,
                "params": step["params"],
                "media_url": reverse("routines:media_file", args=[own.pk]) if own else "",
                "media_missing": step_type.media_required and own is None,
            }
        )
    return steps


def run_to_follow(session: Session) -> RoutineRun | None:
    """A routine still playing, not yet in a session, that she could carry into this one."""
    since = session.started_at - RUN_BEFORE_SESSION_WINDOW
    return _still_playing(
        RoutineRun.objects.filter(
            household_id=session.household_id,
            session__isnull=True,
            finished_at__isnull=True,
            started_at__gte=since,
        )
        .order_by("-started_at")
        .first()
    )


def live_step(session: Session) -> dict[str, Any]:
    """What the session screen shows of the routine: the run carried into it and its state,
    or a run she could carry into it."""
    run = RoutineRun.objects.filter(session=session).first()
    if run is None:
        return {"session": session, "follow": run_to_follow(session) if session.is_active else None}
    state = run_state(run, timezone.now())
    return {
        "session": session,
        "run": run,
        "state": state,
        "state_json": state_as_json(run, state),
        "step": STEP_TYPES[state.step_slug] if state.step_slug else None,
        "player_text": player_text(),
    }


def player_text() -> dict[str, str]:
    """The sentences the player's script shows, translated here so the script holds none."""
    return {
        "stimulation": _("Stimulation: the fast, light setting. Tap Let-down when the milk flows."),
        "switch_to_expression": _("Switch the pump to expression: slower and stronger."),
        "back_to_stimulation": _("No let-down for a while: switch back to stimulation."),
        "left": _("Left breast"),
        "right": _("Right breast"),
        "breathe_in": _("Breathe in"),
        "breathe_out": _("Breathe out"),
        "done": _("Routine done"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "step_of": _("step {n} of {total}"),
        "switch_in": _("Cue to switch in {t} if no let-down comes first"),
        "recording": _("Recording… {t}"),
        "start_recording": _("Start recording"),
        "record_again": _("Record again"),
        "stop_recording": _("Stop recording"),
        "no_microphone": _(
            "The microphone could not be opened. Allow it for this site, or upload a file below."
        ),
        "saving": _("Saving…"),
        "save_failed": _("That did not save. Check the connection and try again."),
    }
