"""Backup and restore of the database and the uploaded files, as one ``.tar.gz``.

SQLite is copied with its online backup API (consistent while the server runs);
PostgreSQL with ``pg_dump --format=custom`` and ``pg_restore --clean``. The archive
holds ``manifest.json``, the database dump and ``media/``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from .errors import DomainError

FORMAT_VERSION = 1


def _database() -> dict[str, Any]:
    return connections["default"].settings_dict


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def backup_create(target: Path) -> dict[str, Any]:
    """Write the archive at ``target`` and return its manifest."""
    db = _database()
    vendor = connections["default"].vendor
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            connections["default"].ensure_connection()
            dump = work / "database.sqlite3"
            with sqlite3.connect(dump) as destination:
                connections["default"].connection.backup(destination)
        elif vendor == "postgresql":
            dump = work / "database.pgdump"
            subprocess.run(  # noqa: S603 - fixed executable, arguments from settings
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *_pg_args(db)],  # noqa: S607
                check=True,
                env=_pg_env(db),
            )
        else:
            raise DomainError(f"Backup is not supported for the {vendor} database.")
        manifest = {
            "format": FORMAT_VERSION,
            "vendor": vendor,
            "created_at": datetime.now(UTC).isoformat(),
            "database_file": dump.name,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(target, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname="media")
    return manifest


def backup_restore(source: Path) -> dict[str, Any]:
    """Replace the database and the media files with the archive's content."""
    vendor = connections["default"].vendor
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise DomainError("Unknown backup format.")
        if manifest["vendor"] != vendor:
            raise DomainError(
                f"This backup comes from {manifest['vendor']}; the configured database is {vendor}."
            )
        dump = work / manifest["database_file"]
        db = _database()
        if vendor == "sqlite":
            connections["default"].ensure_connection()
            with sqlite3.connect(dump) as origin:
                origin.backup(connections["default"].connection)
        else:
            connections["default"].close()
            subprocess.run(  # noqa: S603 - fixed executable, arguments from settings
                ["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(db), str(dump)],  # noqa: S607
                check=True,
                env=_pg_env(db),
            )
        media = Path(settings.MEDIA_ROOT)
        if (work / "media").is_dir():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(work / "media", media)
    return manifest
