"""An executable model of the milk-ejection (let-down) reflex, calibrated on published figures.

Pure numpy, no Django: stimulus -> oxytocin pulse generator -> blood -> alveoli -> milk flow.
"""

from .conditioning import CUES, rescorla_wagner_update
from .model import Ejection, Result, simulate, simulate_many
from .mother import Mother, sample_mothers
from .parameters import PARAMETERS, Parameters, parameter_table
from .scenario import Scenario

__all__ = [
    "CUES",
    "PARAMETERS",
    "Ejection",
    "Mother",
    "Parameters",
    "Result",
    "Scenario",
    "parameter_table",
    "rescorla_wagner_update",
    "sample_mothers",
    "simulate",
    "simulate_many",
]
