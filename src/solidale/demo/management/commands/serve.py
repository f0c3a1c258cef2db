"""``solidale serve``: the production web server (granian, WSGI) and the task worker."""

from __future__ import annotations

import os
import signal
import time
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from solidale.demo.seeding import login_lines
from solidale.demo.server import Supervisor, static_files_fresh


class Command(BaseCommand):
    help = (
        "Avvia il server web di produzione (granian, WSGI; file statici con whitenoise) e il "
        "worker delle attività in background; Ctrl-C li arresta entrambi."
    )
    requires_system_checks = []  # the children run the checks that matter when they import the app

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("SOLIDALE_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("SOLIDALE_PORT", "8000"))
        )
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("SOLIDALE_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Solo il server web, senza worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not static_files_fresh(Path(settings.STATIC_ROOT)):
            self.stdout.write(
                _("Raccolgo i file statici in %(path)s…") % {"path": settings.STATIC_ROOT}
            )
            call_command("collectstatic", interactive=False, verbosity=0)
        supervisor = Supervisor(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            with_worker=not options["no_worker"],
        )
        stopping: list[int] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            supervisor.start()
            if supervisor.wait_ready() and not stopping:
                self._announce(supervisor.url)
            while not stopping:
                dead = supervisor.dead_child()
                if dead is not None:
                    raise CommandError(
                        _(
                            "%(name)s è terminato (codice %(code)s): arresto anche gli altri processi."
                        )
                        % {"name": dead.name, "code": dead.exit_code}
                    )
                time.sleep(0.5)
            self.stdout.write(_("Arresto del server e del worker…"))
        finally:
            supervisor.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _announce(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Solidale è in ascolto su %(url)s") % {"url": url}))
        self.stdout.write(_("Un accesso dimostrativo per ruolo (e-mail, ruolo, organizzazione):"))
        for line in login_lines(one_per_role=True):
            self.stdout.write(line)
        self.stdout.write(_("Ctrl-C per arrestare."))
