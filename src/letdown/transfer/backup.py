"""Backups of a whole letdown installation while it runs, and their restore.

A backup is one tar.gz archive: `manifest.json` (what is inside, with sizes and SHA-256
sums), the database (`database/letdown.sqlite3` made with SQLite's online backup API, or
`database/letdown.pgdump` made with pg_dump), `media/` and the generated `secret_key`.

Copying the SQLite file while the server runs is not a backup: committed let-downs can still
sit in the `-wal` file beside it. The online backup API reads one consistent snapshot through
SQLite itself, WAL included, while the server keeps writing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FORMAT = "letdown-backup"
VAPID_KEY_NAME = "vapid_private_key.pem"  # reminders.vapid keeps it under this name
FORMAT_VERSION = 1
SQLITE_NAME = "letdown.sqlite3"
PGDUMP_NAME = "letdown.pgdump"


class BackupError(Exception):
    """Something the person running the command must fix; the message says what."""


@dataclass(frozen=True)
class Place:
    """Where an installation keeps its data, as the environment says (see settings.py)."""

    data_dir: Path
    media_root: Path
    database_url: str | None  # None: SQLite in the data directory

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / SQLITE_NAME

    @classmethod
    def from_settings(cls) -> Place:
        from django.conf import settings

        db = settings.DATABASES["default"]
        url = None if db["ENGINE"].endswith("sqlite3") else os.environ.get("DATABASE_URL")
        return cls(Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT), url)

    @classmethod
    def from_environment(cls) -> Place:
        """The same places settings.py works out, without importing it: importing the
        settings writes a new secret key into the data directory, and restore must find that
        directory empty."""
        xdg = os.environ.get("XDG_DATA_HOME")
        default = (Path(xdg) if xdg else Path.home() / ".local" / "share") / "letdown"
        data_dir = Path(os.environ.get("LETDOWN_DATA_DIR") or default).expanduser()
        media_root = Path(os.environ.get("LETDOWN_MEDIA_ROOT") or data_dir / "media")
        return cls(data_dir, media_root, os.environ.get("DATABASE_URL") or None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection arguments; the password goes in the environment, never
    on a command line other users can read."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    args = ["--host", parts.hostname or "localhost", "--port", str(parts.port or 5432)]
    if parts.username:
        args += ["--username", parts.username]
    return args + ["--dbname", parts.path.lstrip("/")], env


def _snapshot_sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"No database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # All pages in one step: one read transaction, so one consistent snapshot even while
        # the server commits (with WAL, writers do not wait for it).
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()


def _dump_postgresql(url: str, target: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    args, env = _pg_env(url)
    # pg_dump reads in one repeatable-read transaction: a consistent snapshot while others write.
    done = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
        + args,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def create_backup(place: Place, path: Path, *, secret_key_from_env: bool) -> dict[str, Any]:
    """Writes the archive to `path` (via a temporary file beside it, renamed at the end, so a
    failed backup never leaves a half archive under the name) and returns its manifest."""
    path = path.expanduser().resolve()
    with tempfile.TemporaryDirectory(prefix="letdown-backup-") as scratch_name:
        scratch = Path(scratch_name)
        if place.database_url:
            database = Path("database") / PGDUMP_NAME
            (scratch / "database").mkdir()
            _dump_postgresql(place.database_url, scratch / database)
            engine = "postgresql"
        else:
            database = Path("database") / SQLITE_NAME
            (scratch / "database").mkdir()
            _snapshot_sqlite(place.sqlite_path, scratch / database)
            engine = "sqlite"
        members: list[tuple[Path, str]] = [(scratch / database, database.as_posix())]
        key_file = place.data_dir / "secret_key"
        if key_file.exists():
            members.append((key_file, "secret_key"))
        # The Web Push key: without it, every phone's reminder subscription would be dead.
        vapid_file = place.data_dir / VAPID_KEY_NAME
        if vapid_file.exists():
            members.append((vapid_file, VAPID_KEY_NAME))
        if place.media_root.is_dir():
            members += sorted(
                (file, "media/" + file.relative_to(place.media_root).as_posix())
                for file in place.media_root.rglob("*")
                if file.is_file()
            )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "database": engine,
            "secret_key": (
                "in the archive"
                if key_file.exists()
                else "not in the archive: set LETDOWN_SECRET_KEY as before"
                if secret_key_from_env
                else "none"
            ),
            "files": {
                name: {"bytes": file.stat().st_size, "sha256": _sha256(file)}
                for file, name in members
            },
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(data))
            for file, name in members:
                archive.add(file, arcname=name, recursive=False)
        partial.chmod(0o600)  # it holds health data and the secret key
        partial.replace(path)
    return manifest


def _is_empty(directory: Path) -> bool:
    return not directory.exists() or not any(directory.iterdir())


def _postgres_is_empty(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return row is not None and row[0] == 0


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        raise BackupError("This is not a letdown backup: it has no manifest.json.") from None
    assert member is not None
    manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not a letdown backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format version {manifest.get('format_version')}.")
    return manifest


def restore_backup(place: Place, path: Path) -> dict[str, Any]:
    """Restores an archive into an empty data directory (and, on PostgreSQL, an empty
    database). Refuses anything non-empty: a restore never overwrites live data."""
    if not _is_empty(place.data_dir):
        raise BackupError(
            f"{place.data_dir} is not empty. Restore into an empty data directory "
            "(set LETDOWN_DATA_DIR to a new one)."
        )
    try:
        with tarfile.open(path, "r:gz") as archive:
            return _restore_from(place, archive)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Cannot read {path}: {error}") from None


def _restore_from(place: Place, archive: tarfile.TarFile) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="letdown-restore-") as scratch_name:
        manifest = read_manifest(archive)
        scratch = Path(scratch_name)
        names = set(manifest["files"])
        # Only the files the manifest names, and no links or paths leaving the archive.
        archive.extractall(
            scratch,
            members=[m for m in archive.getmembers() if m.name in names and m.isfile()],
            filter="data",
        )
        for name, expected in manifest["files"].items():
            file = scratch / name
            if not file.is_file() or _sha256(file) != expected["sha256"]:
                raise BackupError(f"{name} is missing or damaged in the archive.")
        if manifest["database"] == "postgresql":
            if not place.database_url:
                raise BackupError("This backup is of a PostgreSQL database: set DATABASE_URL.")
            if not _postgres_is_empty(place.database_url):
                raise BackupError("The database DATABASE_URL names is not empty.")
        elif place.database_url:
            raise BackupError("This backup is of a SQLite database: unset DATABASE_URL.")
        place.data_dir.mkdir(parents=True, exist_ok=True)
        if manifest["database"] == "postgresql":
            assert place.database_url
            args, env = _pg_env(place.database_url)
            done = subprocess.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
                + args
                + [str(scratch / "database" / PGDUMP_NAME)],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        else:
            shutil.copyfile(scratch / "database" / SQLITE_NAME, place.sqlite_path)
            place.sqlite_path.chmod(0o600)
        if (scratch / "secret_key").exists():
            shutil.copyfile(scratch / "secret_key", place.data_dir / "secret_key")
            (place.data_dir / "secret_key").chmod(0o600)
        if (scratch / VAPID_KEY_NAME).exists():
            shutil.copyfile(scratch / VAPID_KEY_NAME, place.data_dir / VAPID_KEY_NAME)
            (place.data_dir / VAPID_KEY_NAME).chmod(0o600)
        if (scratch / "media").is_dir():
            shutil.copytree(scratch / "media", place.media_root, dirs_exist_ok=True)
        return manifest
