from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidale.core.audit import Action, audit_record
from solidale.core.backup import backup_restore
from solidale.core.errors import DomainError


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from an archive made by `solidale backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Archive written by `solidale backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"])
        if not source.is_file():
            raise CommandError(f"No archive at {source}.")
        if (
            not options["yes"]
            and input("This replaces the current database and media. Type 'yes': ") != "yes"
        ):
            raise CommandError("Restore cancelled.")
        try:
            manifest = backup_restore(source)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        audit_record(
            actor=None,
            action=Action.CREATE,
            object_type="restore",
            object_id=source.name,
            purpose="restore",
        )
        self.stdout.write(self.style.SUCCESS(f"Restored {source} (made {manifest['created_at']})."))
