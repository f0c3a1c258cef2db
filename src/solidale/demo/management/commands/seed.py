"""``solidale seed``: load the demo city, or a large synthetic registry for benchmarks."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from solidale.core.errors import DomainError
from solidale.demo.bulk import DEFAULT_CHUNK
from solidale.demo.seeding import (
    DEFAULT_DEMO_PERSONS,
    DEFAULT_RANDOM_SEED,
    database_is_empty,
    login_lines,
    seed,
    summary_lines,
)


class Command(BaseCommand):
    help = (
        "Carica la città dimostrativa (quartieri di Massa, organizzazioni, utenti per ogni ruolo, "
        "persone e nuclei) oppure, con --persons, un'anagrafe sintetica per i benchmark."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Non fare nulla se esiste già un'organizzazione.",
        )
        parser.add_argument(
            "--demo-persons",
            type=int,
            default=None,
            help=f"Persone della popolazione dimostrativa (predefinito {DEFAULT_DEMO_PERSONS}; 0 con --persons).",
        )
        parser.add_argument(
            "--persons",
            type=int,
            default=0,
            help="Persone sintetiche da aggiungere per inserimento massivo.",
        )
        parser.add_argument("--random-seed", type=int, default=DEFAULT_RANDOM_SEED)
        parser.add_argument(
            "--chunk", type=int, default=DEFAULT_CHUNK, help="Righe per transazione (--persons)."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Nessuna barra di avanzamento."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and not database_is_empty():
            self.stdout.write(_("Il database contiene già dei dati: nessun caricamento."))
            return
        bulk_persons = options["persons"]
        demo_persons = options["demo_persons"]
        if demo_persons is None:
            demo_persons = 0 if bulk_persons else DEFAULT_DEMO_PERSONS
        if demo_persons < 0 or bulk_persons < 0:
            raise CommandError(_("Il numero di persone non può essere negativo."))
        started = time.perf_counter()
        try:
            result = seed(
                demo_persons=demo_persons,
                bulk_persons=bulk_persons,
                random_seed=options["random_seed"],
                progress=not options["no_progress"],
                chunk=options["chunk"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(_("Città dimostrativa pronta in %(s).1f s.") % {"s": elapsed})
        )
        if result.bulk is not None:
            self.stdout.write(
                _("Anagrafe sintetica: %(n)d persone in %(s).1f s (%(rate).0f persone/s).")
                % {
                    "n": result.bulk.created,
                    "s": result.bulk.seconds,
                    "rate": result.bulk.per_second,
                }
            )
        for line in summary_lines():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(_("Accessi dimostrativi (e-mail, ruolo, organizzazione):"))
        for line in login_lines():
            self.stdout.write(line)
