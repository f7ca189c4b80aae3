"""What an importer hands the writer: rows in the export document's shape, each with a label
saying where it came from in her file, plus the problems and the skipped rows found while
reading it. Pure data: no database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SOURCES = ("letdown", "babybuddy", "huckleberry", "babytracker", "csv")


@dataclass(frozen=True)
class Problem:
    where: str  # "line 12", "sessions #3": what she can find in her file
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Incoming:
    source: str
    # kind -> rows; each row has "id" (the source's id, or a digest of the row), "_where"
    # (its label for messages) and the document's columns; a missing column takes the
    # model's default, and "lactation_id": None means "the lactation of that date".
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # "diaper changes": 12
    notes: list[str] = field(default_factory=list)
    media_files: dict[str, bytes] = field(default_factory=dict)  # name -> content (letdown zip)

    def add(self, kind: str, row: dict[str, Any]) -> None:
        self.data.setdefault(kind, []).append(row)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))
