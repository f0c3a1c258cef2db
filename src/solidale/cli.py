"""The ``solidale`` console script: Django's management commands under the project's name.

``solidale seed``, ``solidale audit verify``, ``solidale bench``… are management
commands; ``solidale serve`` starts the production server and the task worker.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidale.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["solidale", *sys.argv[1:]])


if __name__ == "__main__":
    main()
