"""``solidale audit verify``: walk the audit hash chain and report every break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidale.core.audit import audit_verify
from solidale.core.models import AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks that no event was changed, removed or inserted."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        subcommands.add_parser("verify", help="Check the hash chain of the whole audit trail.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify()

    def verify(self) -> None:
        problems = list(audit_verify())
        if problems:
            for problem in problems:
                where = (
                    f"event {problem.event_id}" if problem.event_id is not None else "chain head"
                )
                self.stderr.write(self.style.ERROR(f"BROKEN {where}: {problem.message}"))
            raise CommandError(
                f"audit chain broken: {len(problems)} problem(s) found", returncode=1
            )
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"OK: {count} audit events, hash chain intact"))
