from __future__ import annotations

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from solidale.core.schedule import registered, schedule_tick


class Command(BaseCommand):
    help = "Enqueue the registered periodic tasks when they are due (the worker runs them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One tick, then exit.")
        parser.add_argument("--list", action="store_true", help="List the periodic tasks and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for periodic in registered():
                when = (
                    f"every {periodic.every}" if periodic.every else f"daily at {periodic.daily_at}"
                )
                self.stdout.write(f"{periodic.name}: {when}")
            return
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            for name in schedule_tick():
                self.stdout.write(f"enqueued {name}")
            if options["once"] or stopping:
                return
            deadline = time.monotonic() + settings.SOLIDALE_SCHEDULER_TICK_SECONDS
            while time.monotonic() < deadline and not stopping:
                time.sleep(0.5)
            if stopping:
                return
