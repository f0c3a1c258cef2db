"""The production server and the task worker as child processes (``serve`` and ``bench``).

granian serves the WSGI application (whitenoise serves the static files from
``STATIC_ROOT``); ``db_worker`` from django-tasks-db runs the background tasks. The
supervisor starts both, waits until ``/healthz`` answers, and stops both together.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

STOP_TIMEOUT_SECONDS = 15


def server_command(*, host: str, port: int, workers: int, log_level: str = "info") -> list[str]:
    # Backpressure bounds the Python threads per worker: a sync Django app gains nothing
    # from hundreds of them, and SQLite even less.
    backpressure = os.environ.get("SOLIDALE_BACKPRESSURE", "32")
    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "solidale.wsgi:application",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--backpressure", backpressure,
        "--log-level", log_level,
    ]  # fmt: skip


def worker_command() -> list[str]:
    return [sys.executable, "-m", "solidale.cli", "db_worker", "--queue-name", "*", "--no-reload"]


def scheduler_command() -> list[str]:
    return [sys.executable, "-m", "solidale.cli", "scheduler"]


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()


@dataclass
class Supervisor:
    """Starts the server (and the worker), watches them, stops them together."""

    host: str
    port: int
    workers: int = 2
    with_worker: bool = True
    env: dict[str, str] = field(default_factory=dict)
    log: IO[bytes] | None = None  # None: the children write to our stdout/stderr
    log_level: str = "info"
    children: list[Child] = field(default_factory=list)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104 (a check, not a bind)
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "solidale.settings", **self.env}
        self.children = [
            Child(
                "granian",
                server_command(
                    host=self.host, port=self.port, workers=self.workers, log_level=self.log_level
                ),
            )
        ]
        if self.with_worker:
            self.children.append(Child("db_worker", worker_command()))
            self.children.append(Child("scheduler", scheduler_command()))
        for child in self.children:
            # A session of their own: a Ctrl-C in the terminal reaches us, and we stop them in order.
            child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                child.argv, env=env, stdout=self.log, stderr=self.log, start_new_session=True
            )

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """True once ``/healthz`` answers 200; False if a child died or time ran out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.dead_child() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        return False

    def dead_child(self) -> Child | None:
        return next((c for c in self.children if c.exit_code is not None), None)

    def stop(self) -> None:
        for child in self.children:
            if child.process is not None and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()

    def __enter__(self) -> Supervisor:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def static_files_fresh(static_root: Path) -> bool:
    """True when ``collectstatic`` has run since the last change to any source static file.

    Collecting (with whitenoise's compression) takes a minute or more on a small machine,
    so ``serve`` and ``bench`` collect only when something changed.
    """
    from django.contrib.staticfiles.finders import get_finders

    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    collected_at = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if storage.get_modified_time(path).timestamp() > collected_at:
                return False
    return True
