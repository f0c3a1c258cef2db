"""The real Solidale server for end-to-end tests, built once per test session.

``LiveServer.start()`` prepares a throwaway database (a SQLite file in a temporary
directory, or a dedicated ``solidale_e2e_<pid>`` database on the PostgreSQL server that
``DATABASE_URL`` names), migrates it, seeds the demo city, collects the static files and
starts the production WSGI server (granian) on a free loopback port, exactly as a
deployment would, without ``SOLIDALE_TESTING``: static files go through whitenoise's
manifest storage and passwords through argon2.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

BIN = Path(sys.executable).parent
DEMO_PERSONS = 150
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _admin_connection(url: str) -> psycopg.Connection:
    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=int(config["PORT"] or 5432),
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@dataclass
class LiveServer:
    workdir: Path
    base_url: str = ""
    database_name: str = ""
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    def start(self) -> str:
        self.env = self._environment()
        self._create_database()
        # Compressing the static files is the slow step: it runs beside migrate and seed.
        collectstatic = self._spawn_solidale("collectstatic", "--noinput", "--verbosity", "0")
        try:
            self._solidale("migrate", "--noinput")
            self._solidale("seed", "--demo-persons", str(DEMO_PERSONS))
        finally:
            self._finish(collectstatic, "collectstatic")
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "granian"),
                    "--interface",
                    "wsgi",
                    "solidale.wsgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                ],
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()
        return self.base_url

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.database_name:
            with _admin_connection(os.environ["DATABASE_URL"]) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.database_name)
                    )
                )

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "SOLIDALE_TESTING"}
        env.update(
            SOLIDALE_VAR_DIR=str(self.workdir),
            SOLIDALE_STATIC_ROOT=str(self.workdir / "static"),
            SOLIDALE_MEDIA_ROOT=str(self.workdir / "media"),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SOLIDALE_AXES_ENABLED="1",
            DJANGO_SETTINGS_MODULE="solidale.settings",
        )
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            self.database_name = f"solidale_e2e_{os.getpid()}"
            env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + self.database_name
        else:
            env.pop("DATABASE_URL", None)
        return env

    def _create_database(self) -> None:
        if not self.database_name:
            return
        with _admin_connection(os.environ["DATABASE_URL"]) as connection:
            name = sql.Identifier(self.database_name)
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def _spawn_solidale(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(BIN / "solidale"), *args],
            env=self.env,
            cwd=self.workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def _finish(self, process: subprocess.Popen[str], name: str) -> None:
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(
                f"`solidale {name}` failed ({process.returncode}):\n{stdout[-3000:]}\n{stderr[-5000:]}"
            )

    def _solidale(self, *args: str) -> None:
        self._finish(self._spawn_solidale(*args), args[0])

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"The server did not become healthy:\n{self.log_path.read_text()[-5000:]}"
        )
