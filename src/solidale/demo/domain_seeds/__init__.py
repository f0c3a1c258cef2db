"""Demo data of the domain apps, one module per app, run in name order after the population.

A module here is named ``s<NN>_<app>.py`` (``s10_network``, ``s20_desk``…, the number
fixing the order) and defines::

    def seed_demo(*, city: City, rng: random.Random) -> None:
        '''Create the app's demo data through its services.'''

``city`` holds the neighbourhoods, the organizations (by key, see ``demo.city``) and the
demo users; ``rng`` is the seeded random generator, so the demo stays deterministic.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solidale.demo.city import City


def domain_seeds_run(*, city: City, rng: random.Random) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        module.seed_demo(city=city, rng=rng)
