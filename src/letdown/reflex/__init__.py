"""An executable model of the milk-ejection (let-down) reflex, calibrated on published figures.

Pure numpy, no Django: stimulus -> oxytocin pulse generator -> blood -> alveoli -> milk flow.
"""

from .conditioning import CUES, rescorla_wagner_update
from .days import TECHNIQUES, DayLeak, DaySession, History, Schedule, simulate_days
from .model import Ejection, Result, simulate, simulate_many
from .mother import Mother, sample_mothers
from .parameters import PARAMETERS, Parameters, parameter_table
from .scenario import Scenario

__all__ = [
    "CUES",
    "PARAMETERS",
    "TECHNIQUES",
    "DayLeak",
    "DaySession",
    "Ejection",
    "History",
    "Mother",
    "Parameters",
    "Result",
    "Scenario",
    "Schedule",
    "parameter_table",
    "rescorla_wagner_update",
    "sample_mothers",
    "simulate",
    "simulate_days",
    "simulate_many",
]
