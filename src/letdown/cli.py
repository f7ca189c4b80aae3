"""The `letdown` command: serve, demo, reflex, token, and a pass-through to Django's management."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

from letdown.paths import default_data_dir, demo_data_dir

DEFAULT_PORT = 8000


def choose_data_dir(command: str, named: str | None, environ: Mapping[str, str]) -> str | None:
    """The data directory to set before the settings are read, or None to leave them be.
    A named one wins; then LETDOWN_DATA_DIR, which scripts rely on; the demo otherwise gets
    its own, so its household and known password never close sign-up in her real one."""
    if named:
        return named
    if command == "demo" and not environ.get("LETDOWN_DATA_DIR"):
        return str(demo_data_dir())
    return None


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _prepare() -> None:
    """Everything a fresh data directory needs before the first request."""
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    print(f"letdown data directory: {settings.DATA_DIR}", flush=True)
    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['ENGINE']} {db.get('HOST')}"
    print(f"database: {where}", flush=True)
    _manage("migrate", "--noinput", "--verbosity", "0")
    _manage("createcachetable", "--verbosity", "0")
    # The API's docs page uses Swagger UI; django-ninja's ReDoc (4 MB) is never served.
    _manage("collectstatic", "--noinput", "--verbosity", "0", "--ignore", "redoc*")


def _worker_app() -> Any:
    """What each server process runs: the app, loaded before the processes fork (so what it
    loaded is shared), and the minute's reminder check in a thread; a lease in the database
    lets one process do it each minute."""
    from letdown.reminders.runner import start_in_background
    from letdown.wsgi import application

    start_in_background()
    return application


def _notify(once: bool) -> int:
    from letdown.reminders.runner import run_once, start_in_background

    if once:
        deliveries = run_once()
        print(f"reminders sent: {len(deliveries)}", flush=True)
        return 0
    start_in_background().wait()
    return 0


def _serve(host: str, port: int, workers: int) -> None:
    """Granian: its HTTP runs in Rust, so a request's Python is Django's alone (a tap: 2.5 ms
    of CPU here, against 2.9 to 4.9 under gunicorn's threads). Two Python threads per process:
    with one, a tap waited behind a PDF report of the same process (p95 0.2 s); with four,
    they mostly queue for the interpreter lock (see `bench/bench_taps.py`)."""
    from granian.constants import Interfaces
    from granian.server import Server

    import letdown.wsgi  # noqa: F401 (loaded once here, shared by the processes forked below)

    Server(
        "letdown.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        websockets=False,
        workers=workers,
        blocking_threads=2,
        respawn_failed_workers=True,
        workers_kill_timeout=30,
        log_access=bool(os.environ.get("LETDOWN_ACCESS_LOG")),
        # No client addresses or query strings in the log: health data stays out of it.
        log_access_format='[%(time)s] "%(method)s %(path)s" %(status)d %(dt_ms).1fms',
    ).serve(target_loader=_worker_app, wrap_loader=False)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Statistics run one request at a time per thread; OpenBLAS threads fighting over a
    # small server's cores make them slower, not faster.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if argv[:1] == ["manage"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["letdown manage", *argv[1:]])
        return 0
    if argv[:1] == ["reflex"]:
        from letdown.reflex.cli import main as reflex_main

        return reflex_main(argv[1:])
    if argv[:1] == ["share"]:
        from letdown.share.cli import main as share_main

        return share_main(argv[1:])

    if argv[:1] == ["token"]:
        from letdown.api.cli import main as token_main

        return token_main(argv[1:])
    from letdown.transfer.cli import COMMANDS as TRANSFER_COMMANDS

    if argv[:1] and argv[0] in TRANSFER_COMMANDS:
        from letdown.transfer.cli import main as transfer_main

        return transfer_main(argv)

    parser = argparse.ArgumentParser(prog="letdown", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, then serve with granian")
    serve.add_argument("--host", default=os.environ.get("LETDOWN_HOST", "127.0.0.1"))
    serve.add_argument(
        "--port", type=int, default=int(os.environ.get("LETDOWN_PORT", DEFAULT_PORT))
    )
    serve.add_argument("--workers", type=int, default=int(os.environ.get("LETDOWN_WORKERS", 2)))
    serve.add_argument(
        "--data-dir",
        help=f"where data lives (default: LETDOWN_DATA_DIR, else {default_data_dir()})",
    )
    demo = sub.add_parser(
        "demo", help="create a demo household with six weeks of history, then serve"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--no-serve", action="store_true", help="only create the demo data")
    demo.add_argument(
        "--data-dir",
        help=f"the demo's data (default: LETDOWN_DATA_DIR if set, else {demo_data_dir()})",
    )
    notify = sub.add_parser(
        "notify", help="send due reminders: '--once' for one pass (cron, a systemd timer)"
    )
    notify.add_argument("--once", action="store_true", help="one pass, then exit")
    sub.add_parser("reflex", help="the reflex model: 'letdown reflex validate|simulate ...'")
    sub.add_parser("manage", help="Django's management commands: 'letdown manage ARGS'")
    sub.add_parser("share", help="specialist links: 'letdown share create|list|revoke ...'")
    sub.add_parser("token", help="API tokens: 'token create --user USERNAME --name NAME'")
    for name, about in [
        ("backup", "a consistent snapshot of the database, media and secret key: 'backup PATH'"),
        ("restore", "a backup into an empty data directory: 'restore PATH'"),
        ("export", "one household's data: 'export --household ID --format json|csv -o PATH'"),
        ("import", "another app's export: 'import --household ID PATH --source ...'"),
    ]:
        sub.add_parser(name, help=about)
    args = parser.parse_args(argv)
    data_dir = choose_data_dir(args.command, getattr(args, "data_dir", None), os.environ)
    if data_dir is not None:
        os.environ["LETDOWN_DATA_DIR"] = data_dir
        if args.command == "demo" and not args.data_dir:
            print("letdown demo: its own data directory (--data-dir to choose another)", flush=True)

    _django_setup()
    if args.command == "notify":
        return _notify(args.once)
    _prepare()
    if args.command == "demo":
        from letdown.demo import create_demo_household

        username, password = create_demo_household()
        print(f"\nletdown demo: http://{args.host}:{args.port}/", flush=True)
        print(f"log in as '{username}' with password '{password}'\n", flush=True)
        if args.no_serve:
            return 0
        _serve(args.host, args.port, workers=2)
    else:
        print(f"letdown: http://{args.host}:{args.port}/", flush=True)
        _serve(args.host, args.port, workers=args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
