"""`letdown reflex ...`: validate the model against published figures, simulate a cohort, list
the parameters."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TextIO

import numpy as np

from .model import COHORT_FIELDS, simulate_many
from .mother import sample_mothers
from .parameters import parameter_table
from .scenario import KINDS, Scenario
from .validation import DEFAULT_MOTHERS, DEFAULT_SEED, format_table, run_validation

SUMMARY_FIELDS = (*COHORT_FIELDS, "n_bursts", "mean_oxytocin_uU_ml")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="letdown reflex", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="compare the model with published figures")
    validate.add_argument("--mothers", type=int, default=DEFAULT_MOTHERS)
    validate.add_argument("--seed", type=int, default=DEFAULT_SEED)
    simulate = commands.add_parser("simulate", help="simulate a cohort and summarise it")
    simulate.add_argument("--kind", choices=KINDS, default="pump")
    simulate.add_argument("--minutes", type=float, default=15.0)
    simulate.add_argument("--n", type=int, default=1000)
    simulate.add_argument("--seed", type=int, default=1)
    simulate.add_argument("--anxiety", type=float, default=0.0)
    simulate.add_argument("--vacuum-mmhg", type=float, default=190.0)
    simulate.add_argument("--sequential", action="store_true", help="pump one side at a time")
    simulate.add_argument("--json", action="store_true")
    commands.add_parser("parameters", help="list every parameter with its source")
    return parser


def cohort_summary(values: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Median, quartiles and how many mothers had a value, for each summary field."""
    summary = {}
    for name in SUMMARY_FIELDS:
        finite = values[name][np.isfinite(values[name])]
        if finite.size:
            q1, median, q3 = np.percentile(finite, [25, 50, 75])
        else:
            q1 = median = q3 = math.nan
        summary[name] = {
            "median": float(median),
            "q1": float(q1),
            "q3": float(q3),
            "n": int(finite.size),
        }
    return summary


def _simulate(args: argparse.Namespace, out: TextIO) -> int:
    if args.n < 1 or args.minutes <= 0:
        print("--n must be at least 1 and --minutes positive", file=sys.stderr)
        return 2
    try:
        scenario = Scenario(
            kind=args.kind,
            duration_s=args.minutes * 60.0,
            anxiety=args.anxiety,
            vacuum_mmHg=args.vacuum_mmhg,
            simultaneous=not args.sequential,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    values = simulate_many(sample_mothers(args.n, args.seed), scenario, args.seed + 1)
    summary = cohort_summary(values)
    if args.json:
        payload = {
            "kind": args.kind,
            "minutes": args.minutes,
            "n": args.n,
            "seed": args.seed,
            "summary": summary,
        }
        # NaN is not JSON: a field no mother had becomes null.
        text = json.dumps(payload, indent=2).replace("NaN", "null")
        print(text, file=out)
        return 0
    print(f"{args.n} mothers, {args.kind}, {args.minutes:g} min (seed {args.seed})", file=out)
    print(f"{'':22} {'median':>9} {'IQR':>21} {'n':>6}", file=out)
    for name, row in summary.items():
        iqr = f"{row['q1']:.3g} - {row['q3']:.3g}"
        print(f"{name:22} {row['median']:9.3g} {iqr:>21} {row['n']:6d}", file=out)
    return 0


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run a `letdown reflex` command; returns the exit status."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    if args.command == "validate":
        checks = run_validation(n_mothers=args.mothers, seed=args.seed)
        print(format_table(checks), file=out)
        return 0 if all(check.passed for check in checks) else 1
    if args.command == "simulate":
        return _simulate(args, out)
    for name, value, unit, source in parameter_table():
        print(f"{name:32} {value:>10g} {unit:18} {source}", file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
