"""Where letdown keeps its data by default, shared by the settings and the `letdown` command
(which must choose the demo's directory before the settings are read)."""

from __future__ import annotations

import os
from pathlib import Path


def data_root() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return Path(xdg) if xdg else Path.home() / ".local" / "share"


def default_data_dir() -> Path:
    return data_root() / "letdown"


def demo_data_dir() -> Path:
    """The demo's own directory: its household and known password never reach a real one."""
    return data_root() / "letdown-demo"
