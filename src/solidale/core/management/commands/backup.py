from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from solidale.core.audit import Action, audit_record
from solidale.core.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="Archive to write (default: var/backups/solidale-<UTC time>.tar.gz).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(
            options["path"] or Path(settings.VAR_DIR) / "backups" / f"solidale-{stamp}.tar.gz"
        )
        audit_record(
            actor=None,
            action=Action.EXPORT,
            object_type="backup",
            object_id=target.name,
            purpose="backup",
        )
        manifest = backup_create(target)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} ({manifest['vendor']})."))
