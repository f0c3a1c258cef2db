"""``solidale bench``: load test (search page and API as ratios to /hello) and duplicate check.

The harness lives in the repository's ``bench/`` folder (see bench/README.md); this
command puts the checkout on the import path and hands over.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

import solidale
from solidale.demo.seeding import DEFAULT_RANDOM_SEED

CHECKOUT = Path(solidale.__file__).resolve().parents[2]


class Command(BaseCommand):
    help = (
        "Benchmark: avvia il server reale su loopback con un'anagrafe di --persons persone e misura "
        "pagina di ricerca e API in rapporto a /hello; poi latenza e recall del controllo duplicati "
        "a --dedup-persons persone. Database usa e getta sotto var/bench/ (o <nome>_bench_<N> su "
        "PostgreSQL con DATABASE_URL)."
    )
    requires_system_checks = []  # the children migrate and serve their own database

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--persons", type=int, default=200_000, help="Anagrafe del test di carico."
        )
        parser.add_argument(
            "--dedup-persons", type=int, default=1_000_000, help="Anagrafe del controllo duplicati."
        )
        parser.add_argument(
            "--duration", type=int, default=15, help="Secondi di carico per obiettivo."
        )
        parser.add_argument("--users", type=int, default=16, help="Utenti simultanei di locust.")
        parser.add_argument(
            "--samples", type=int, default=2000, help="Richieste corrotte del controllo duplicati."
        )
        parser.add_argument(
            "--queries", type=int, default=500, help="Cognomi con refuso da cercare."
        )
        parser.add_argument("--port", type=int, default=8765, help="Porta di loopback del server.")
        parser.add_argument("--random-seed", type=int, default=DEFAULT_RANDOM_SEED)
        parser.add_argument(
            "--database-url", default="", help="Usa questo database invece di quelli usa e getta."
        )
        parser.add_argument("--skip-load", action="store_true", help="Salta il test di carico.")
        parser.add_argument(
            "--skip-dedup", action="store_true", help="Salta il controllo duplicati."
        )
        parser.add_argument(
            "--phase", choices=("load", "dedup"), default="", help=argparse.SUPPRESS
        )
        parser.add_argument("--result-file", default="", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if not (CHECKOUT / "bench" / "runner.py").exists():
            raise CommandError(
                "bench/ non trovato: il benchmark si esegue da un checkout del repository."
            )
        if str(CHECKOUT) not in sys.path:
            sys.path.insert(0, str(CHECKOUT))
        from bench.runner import BenchOptions, main

        fields = BenchOptions.__dataclass_fields__
        bench_options = BenchOptions(**{name: options[name] for name in fields})
        try:
            code = main(bench_options, self._write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if code:
            raise CommandError(f"bench exit code {code}")

    def _write(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
