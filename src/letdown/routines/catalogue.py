"""The routine's step catalogue as data: every kind of step a let-down routine can hold, with
its how-to, why it helps (and the source), its parameters and their ranges, and the defaults."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

# Session kinds of the Logbook (logbook.models.Kind); a routine is built for one of them.
SESSION_KINDS: tuple[str, ...] = ("nursing", "pumping", "hand_expression")

LEARN_HELPING_URL = "/learn/helping-let-down/"
LEARN_ANXIETY_URL = "/learn/anxiety-and-let-down/"

# Citation keys of the shared references file (letdown/learn/references.yaml), named once so
# every step cites a source the same way; a test checks that each key resolves.
_YIGIT_2012 = "yigit2012"
_MORTON_2009 = "morton2009"
_KEITH_2012 = "keith2012"
_MCNEILLY_1983 = "mcneilly1983"
_LULLABY_PHOTO_2022 = "sefidhaji2022"
_UEDA_1994 = "ueda1994"
_BECKER_COCHRANE = "becker2016"
_KENT_2008 = "kent2008"
_GARDNER_2015 = "gardner2015"
_MIZUNO_2006 = "mizuno2006"
_ABM_MASTITIS_2022 = "abm2022"


def gettext_noop(text: str) -> str:
    """Marks a text for the translation catalogues (makemessages reads the name) without
    importing Django into this data module; pages translate it with gettext(step.title)."""
    return text


class StepError(ValueError):
    """A step or setting the catalogue refuses. `template` is marked for the catalogues with
    named placeholders, `params` fill them, and `step` is a step's title (itself a message):
    the Django side shows `message(gettext)` in her language; str() is the English."""

    def __init__(self, template: str, *, step: str = "", **params: object) -> None:
        self.template, self.step, self.params = template, step, params
        super().__init__(self.message(lambda text: text))

    def message(self, translate: Callable[[str], str]) -> str:
        return translate(self.template) % {
            "step": translate(self.step) if self.step else "",
            **self.params,
        }


@dataclass(frozen=True)
class NumberParam:
    """A whole-number setting of a step (seconds), with its default and allowed range."""

    name: str
    default: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class ImageryLine:
    """One line of the guided imagery script and how long it stays on screen."""

    text: str
    duration_s: int


@dataclass(frozen=True)
class StepType:
    """One kind of step. A step without a `duration_s` setting is open-ended (pump phases)."""

    slug: str
    title: str
    how_to: str
    why: str
    # Keys of the shared references file: every sentence of how_to and why rests on them.
    sources: tuple[str, ...]
    learn_url: str
    # The technique slug written onto the session (logbook Aid); None when it is no technique.
    aid: str | None
    number_params: tuple[NumberParam, ...]
    per_side_allowed: bool = False
    per_side_default: bool = False
    # None: nothing to show or play beyond what the browser generates; "audio" / "image": a file
    # of hers. media_required says whether the step cannot play without that file.
    media: str | None = None
    media_required: bool = False
    for_kinds: tuple[str, ...] = SESSION_KINDS
    # A static-files path (for Django's `static`) of a drawing of ours, where one helps.
    illustration: str | None = None

    @property
    def open_ended(self) -> bool:
        return self.number_param("duration_s") is None

    def number_param(self, name: str) -> NumberParam | None:
        for param in self.number_params:
            if param.name == name:
                return param
        return None


@dataclass(frozen=True)
class StepConfig:
    """A step as placed in a routine: its kind and its settings (see `validate_params`)."""

    slug: str
    params: Mapping[str, Any]


IMAGERY_SCRIPT: tuple[ImageryLine, ...] = (
    ImageryLine(gettext_noop("Settle in where you are, and let your shoulders drop."), 10),
    ImageryLine(
        gettext_noop("Breathe in slowly through your nose; breathe out even more slowly."), 12
    ),
    ImageryLine(
        gettext_noop("Picture warm water running over your shoulders and down your chest."), 12
    ),
    ImageryLine(gettext_noop("Feel that warmth spread into your breasts and soften them."), 12),
    ImageryLine(
        gettext_noop("Think of your baby: the weight in your arms, the small hands, the smell."), 14
    ),
    ImageryLine(gettext_noop("See your baby feeding calmly, with slow, deep swallows."), 12),
    ImageryLine(
        gettext_noop("Imagine the milk inside you as little streams beginning to move."), 12
    ),
    ImageryLine(gettext_noop("The streams join and flow toward the nipple, steady and easy."), 12),
    ImageryLine(gettext_noop("Nothing needs to hurry. Whatever comes today is enough."), 10),
    ImageryLine(gettext_noop("Breathe out, loosen your hands, and let the milk come."), 10),
)
IMAGERY_DURATION_S: int = sum(line.duration_s for line in IMAGERY_SCRIPT)


def _duration(default: int, minimum: int, maximum: int) -> NumberParam:
    return NumberParam("duration_s", default, minimum, maximum)


_STEP_TYPE_LIST: tuple[StepType, ...] = (
    StepType(
        slug="warm_drink",
        title=gettext_noop("Warm drink"),
        how_to=gettext_noop(
            "Make yourself a warm drink you like (water, milk or a caffeine-free tea) and sip "
            "it slowly. Sit somewhere comfortable, with everything you need within reach, and "
            "give yourself this minute before you start."
        ),
        why=gettext_noop(
            "Warmth and a calm moment help you relax, and a relaxed body lets the let-down "
            "reflex work; stress can hold oxytocin back. No study has tested a drink alone."
        ),
        sources=(_BECKER_COCHRANE, _UEDA_1994),
        learn_url=LEARN_HELPING_URL,
        aid="warm_drink",
        number_params=(_duration(60, 15, 600),),
    ),
    StepType(
        slug="warm_compress",
        title=gettext_noop("Warm compress"),
        how_to=gettext_noop(
            "Soak a clean cloth in warm (not hot) water, wring it out and lay it over your "
            "breast; a towel on top keeps the heat in. Check the temperature on your wrist "
            "first, and warm the cloth again if it cools down. Skip this step if part of the "
            "breast is hot, red, swollen or painful: that can be mastitis, which calls for cold "
            "packs instead, and a doctor if you feel unwell."
        ),
        why=gettext_noop(
            "In a small trial, a warm compress on one breast for 20 minutes before pumping gave "
            "more milk from that breast in 15 minutes than from the other one (about 47 mL "
            "against 33 mL). Our default is shorter; you can set up to 20 minutes."
        ),
        sources=(_YIGIT_2012, _ABM_MASTITIS_2022),
        learn_url=LEARN_HELPING_URL,
        aid="warm_compress",
        number_params=(_duration(300, 60, 1200),),
        per_side_allowed=True,
    ),
    StepType(
        slug="breast_massage",
        title=gettext_noop("Breast massage"),
        how_to=gettext_noop(
            "With the flat of your fingers, make small, gentle circles on one spot, then move "
            "to the next, working all the way round from the outside of the breast in toward "
            "the nipple. Use light pressure; it should never hurt. Do not massage a part of "
            "the breast that is hot, red, swollen or painful: firm massage can make mastitis "
            "worse, so use only a feather-light stroke there and see a doctor if you feel unwell."
        ),
        why=gettext_noop(
            "In one study without a comparison group, parents who learned to use their hands on "
            "the breast along with pumping (massage and hand expression) made about 48% more "
            "milk a day than before. A Cochrane review also linked massage with more milk, but "
            "rated that evidence as low in quality."
        ),
        sources=(_MORTON_2009, _BECKER_COCHRANE, _ABM_MASTITIS_2022),
        learn_url=LEARN_HELPING_URL,
        aid="breast_massage",
        number_params=(_duration(60, 15, 600),),
        per_side_allowed=True,
        per_side_default=True,
        illustration="letdown/routines/breast_massage.svg",
    ),
    StepType(
        slug="hand_expression",
        title=gettext_noop("Hand expression"),
        how_to=gettext_noop(
            "Hold your hand in a C shape: four fingers under the breast to support it, the thumb "
            "on top, a few centimetres back from the nipple. Press gently back toward your "
            "chest, then roll the thumb and fingers toward the nipple, and let go. Repeat in a "
            "steady rhythm, moving your hand round the breast now and then."
        ),
        why=gettext_noop(
            "Hand expression before or along with pumping was part of the hands-on routine "
            "that gave about 48% more milk a day in one study; it also teaches you how your "
            "breast responds."
        ),
        sources=(_MORTON_2009,),
        learn_url=LEARN_HELPING_URL,
        aid="hand_expression",
        number_params=(_duration(120, 30, 900),),
        per_side_allowed=True,
        per_side_default=True,
        illustration="letdown/routines/hand_expression.svg",
    ),
    StepType(
        slug="breathing",
        title=gettext_noop("Breathing"),
        how_to=gettext_noop(
            "Follow the circle: breathe in slowly while it grows, and out while it shrinks. "
            "Let the breath out be the longer one. If your mind wanders, bring it back to the "
            "circle without judging yourself."
        ),
        why=gettext_noop(
            "Stress can hold the reflex back: in one study, mental arithmetic or noise during a "
            "feed cut the oxytocin pulses from about 2.3 to about 1.2 per 20 minutes. Slow "
            "breathing is a simple way to calm down first."
        ),
        sources=(_UEDA_1994, _BECKER_COCHRANE),
        learn_url=LEARN_ANXIETY_URL,
        aid="breathing",
        number_params=(
            _duration(180, 60, 1800),
            NumberParam("inhale_s", 4, 2, 10),
            NumberParam("exhale_s", 6, 2, 10),
        ),
    ),
    StepType(
        slug="imagery",
        title=gettext_noop("Positive imagery"),
        how_to=gettext_noop(
            "Read each line as it comes, or close your eyes and listen if you turned on the "
            "voice. Let the pictures form in your own way; there is no wrong way to do this."
        ),
        why=gettext_noop(
            "The reflex can start from cues alone: oxytocin rose before the baby latched in "
            "every mother of one study, in some of them when they were only getting ready. "
            "Thinking of the baby and of the milk flowing uses that path."
        ),
        sources=(_MCNEILLY_1983, _UEDA_1994),
        learn_url=LEARN_ANXIETY_URL,
        aid="imagery",
        # The script sets the length; it cannot be stretched.
        number_params=(_duration(IMAGERY_DURATION_S, IMAGERY_DURATION_S, IMAGERY_DURATION_S),),
    ),
    StepType(
        slug="relaxing_sound",
        title=gettext_noop("Relaxing sound"),
        how_to=gettext_noop(
            "Listen to a calm sound made on your phone, or to a track you uploaded. Turn the "
            "volume to a comfortable level and let your jaw and shoulders loosen."
        ),
        why=gettext_noop(
            "In a trial of 162 mothers, those who listened to music while pumping expressed "
            "more milk, with more fat in it; in another, mothers who heard a lullaby each "
            "morning saw their milk rise a little more from the first to the sixth day."
        ),
        sources=(_KEITH_2012, _LULLABY_PHOTO_2022),
        learn_url=LEARN_ANXIETY_URL,
        aid="relaxing_music",
        number_params=(_duration(300, 60, 3600),),
        media="audio",
    ),
    StepType(
        slug="baby_cry",
        title=gettext_noop("Your baby's cry"),
        how_to=gettext_noop(
            "Listen to the recording of your baby you made. If you are apart, picture your "
            "baby while it plays."
        ),
        why=gettext_noop(
            "In one study, oxytocin rose 3 to 10 minutes before the baby latched in all ten "
            "mothers; in five of them the rise came as the baby cried. A recording builds on "
            "what was seen there: it has not itself been tested."
        ),
        sources=(_MCNEILLY_1983,),
        learn_url=LEARN_ANXIETY_URL,
        aid="baby_cry",
        # The player sets this to the recording's length when it knows it.
        number_params=(_duration(60, 5, 600),),
        media="audio",
        media_required=True,
    ),
    StepType(
        slug="baby_photo",
        title=gettext_noop("Your baby's photo"),
        how_to=gettext_noop(
            "Look at your baby's photo. Notice the small details: the hair, the hands, the "
            "expression. Think of holding your baby close."
        ),
        why=gettext_noop(
            "In a study of mothers of premature babies, the milk rose from the first to the "
            "sixth day by about 66 mL with usual care, 71 mL with a lullaby each morning and "
            "76 mL with the lullaby and the baby's photo."
        ),
        sources=(_LULLABY_PHOTO_2022,),
        learn_url=LEARN_ANXIETY_URL,
        aid="baby_photo",
        number_params=(_duration(60, 10, 600),),
        media="image",
        media_required=True,
    ),
    StepType(
        slug="scent_cloth",
        title=gettext_noop("Scent cloth"),
        how_to=gettext_noop(
            "Hold a cloth, a vest or a blanket that smells of your baby close to your face and "
            "breathe in slowly. Keep one in your bag for when you pump away from home."
        ),
        why=gettext_noop(
            "The reflex learns the cues that come before a feed, and oxytocin can rise before "
            "any touch; your baby's smell is one of those cues. Scent by itself has not been "
            "measured in a trial."
        ),
        sources=(_MCNEILLY_1983,),
        learn_url=LEARN_ANXIETY_URL,
        aid="scent_cloth",
        number_params=(_duration(60, 10, 600),),
    ),
    StepType(
        slug="pump_phases",
        title=gettext_noop("Pump phases"),
        how_to=gettext_noop(
            "Start the pump on its fast, light stimulation setting. Tap Let-down when you feel "
            "it or see milk spraying, then switch the pump to its slower, stronger expression "
            "setting; we will remind you when your usual time has passed, and suggest going "
            "back to stimulation if the milk stops for a while."
        ),
        why=gettext_noop(
            "Before a let-down a baby sucks fast and light, and after it slow and deep; pumps "
            "copy this with a short stimulation pattern (about 2 minutes or until milk flows) "
            "and then an expression pattern. Each parent's timing is much the same from one "
            "session to the next, so we use yours once we know it."
        ),
        sources=(_MIZUNO_2006, _KENT_2008, _GARDNER_2015),
        learn_url=LEARN_HELPING_URL,
        aid=None,
        number_params=(),
        for_kinds=("pumping",),
    ),
)

STEP_TYPES: Mapping[str, StepType] = MappingProxyType({s.slug: s for s in _STEP_TYPE_LIST})

# What a routine holds when she starts from a default, by session kind. Short on purpose: at
# night with a hungry baby, a long routine is one she will skip. Steps that need a file of hers
# (cry, photo) are left out because a new household has none yet.
_DEFAULT_ROUTINE_SLUGS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "nursing": ("warm_drink", "breast_massage", "breathing"),
        "pumping": ("warm_drink", "warm_compress", "breast_massage", "imagery", "pump_phases"),
        "hand_expression": ("warm_drink", "warm_compress", "breast_massage", "breathing"),
    }
)


def _number(step: StepType, param: NumberParam, value: Any) -> int:
    """One numeric setting, as whole seconds clamped into its range."""
    if value is None:
        return param.default
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError
        number = float(value)
    except ValueError:
        raise StepError(
            gettext_noop("%(step)s: %(setting)s must be a number of seconds, not %(value)s"),
            step=step.title,
            setting=param.name,
            value=repr(value),
        ) from None
    if not math.isfinite(number):
        raise StepError(
            gettext_noop("%(step)s: %(setting)s must be a finite number, not %(value)s"),
            step=step.title,
            setting=param.name,
            value=repr(value),
        )
    return min(max(round(number), param.minimum), param.maximum)


def _media_id(step: StepType, value: Any) -> int | str | None:
    if value is None or value == "":
        return None
    if step.media is None:
        raise StepError(
            gettext_noop("%(step)s plays no file of yours, so it takes no media_id"),
            step=step.title,
        )
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and len(value) <= 100:
        return value
    raise StepError(
        gettext_noop("%(step)s: media_id must be a positive whole number or a short text"),
        step=step.title,
    )


def validate_params(slug: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting of a step, with defaults filled in and numbers clamped into their range.

    Raises StepError (a ValueError), with a sentence she can be shown in her language, for an
    unknown step or setting, a value of the wrong type, or sides on a step that has none.
    """
    step = STEP_TYPES.get(slug)
    if step is None:
        raise StepError(
            gettext_noop("Unknown step %(slug)s; known steps: %(known)s"),
            slug=repr(slug),
            known=", ".join(STEP_TYPES),
        )
    allowed = {param.name for param in step.number_params} | {"per_side"}
    if step.media is not None:
        allowed.add("media_id")
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise StepError(
            gettext_noop("%(step)s has no setting %(unknown)s; its settings are %(allowed)s"),
            step=step.title,
            unknown=", ".join(map(repr, unknown)),
            allowed=", ".join(sorted(allowed)),
        )
    validated: dict[str, Any] = {
        param.name: _number(step, param, params.get(param.name)) for param in step.number_params
    }
    per_side = params.get("per_side")
    if per_side is None:
        per_side = step.per_side_default
    if not isinstance(per_side, bool):
        raise StepError(
            gettext_noop("%(step)s: per_side must be true or false, not %(value)s"),
            step=step.title,
            value=repr(per_side),
        )
    if per_side and not step.per_side_allowed:
        raise StepError(
            gettext_noop("%(step)s is done for both breasts at once; it has no sides"),
            step=step.title,
        )
    validated["per_side"] = per_side
    if step.media is not None:
        validated["media_id"] = _media_id(step, params.get("media_id"))
    return validated


def step_config(slug: str, params: Mapping[str, Any] | None = None) -> StepConfig:
    """A validated step for a routine."""
    return StepConfig(slug=slug, params=validate_params(slug, params or {}))


def step_types_for(kind: str) -> list[StepType]:
    """The kinds of step a routine for this session kind may hold, in catalogue order."""
    if kind not in SESSION_KINDS:
        raise ValueError(  # never shown to her: the kind comes from the code
            f"Unknown session kind {kind!r}; expected {SESSION_KINDS}"  # untranslated: a bug
        )
    return [step for step in STEP_TYPES.values() if kind in step.for_kinds]


def default_routine(kind: str) -> list[StepConfig]:
    """The routine offered to a parent who has not built her own, for a session kind."""
    slugs = _DEFAULT_ROUTINE_SLUGS.get(kind)
    if slugs is None:
        raise ValueError(  # never shown to her: the kind comes from the code
            f"Unknown session kind {kind!r}; expected {SESSION_KINDS}"  # untranslated: a bug
        )
    return [step_config(slug) for slug in slugs]
