"""Load rule tables (ERP ranking, grants) from JSON files as new versions.

solidale housing_rules                     # the tables shipped in housing/rules/
solidale housing_rules variante-massa.json # a municipal variant or a new law version
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidale.core.errors import DomainError
from solidale.housing import services


class Command(BaseCommand):
    help = (
        "Carica le tabelle di regole della casa (graduatoria ERP, contributi) come nuove versioni."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="File JSON; nessuno: le tabelle fornite.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if not options["files"]:
                loaded = services.rulesets_load_bundled()
            else:
                loaded = [
                    services.ruleset_load(
                        actor=None, definition=json.loads(Path(name).read_text(encoding="utf-8"))
                    )
                    for name in options["files"]
                ]
        except (OSError, json.JSONDecodeError, DomainError) as error:
            raise CommandError(str(error)) from error
        for ruleset in loaded:
            self.stdout.write(f"{ruleset.code} v{ruleset.version}: {ruleset.title}")
