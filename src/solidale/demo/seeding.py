"""``solidale seed``: the demo city, its population, and large synthetic registries."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from solidale.accounts.models import Membership, Organization, Role, User
from solidale.core.errors import DomainError
from solidale.core.models import Neighbourhood
from solidale.people.models import Consent, Household, Person, PersonLink

from .bulk import DEFAULT_CHUNK, BulkResult, bulk_registry_create
from .city import DEMO_LOGINS, ORGANIZATIONS, City, city_create, demo_password
from .domain_seeds import domain_seeds_run
from .population import KNOWN_CODICE_FISCALE, PopulationSummary, population_create

DEFAULT_DEMO_PERSONS = 2000
DEFAULT_RANDOM_SEED = 2026


@dataclass
class SeedResult:
    city: City
    population: PopulationSummary | None
    bulk: BulkResult | None


def database_is_empty() -> bool:
    return not Organization.objects.exists()


def seed(
    *,
    demo_persons: int,
    bulk_persons: int = 0,
    random_seed: int = DEFAULT_RANDOM_SEED,
    progress: bool = True,
    chunk: int = DEFAULT_CHUNK,
) -> SeedResult:
    """Create the city (or reuse it), then the demo population and/or a bulk registry."""
    if demo_persons and Person.objects.filter(codice_fiscale=KNOWN_CODICE_FISCALE).exists():
        raise DomainError(
            _(
                "La popolazione dimostrativa è già presente: usa --if-empty, oppure --persons per "
                "aggiungere un'anagrafe sintetica."
            )
        )
    rng = random.Random(random_seed)  # noqa: S311 (demo data, not secrets)
    city = city_create(rng=rng, password=demo_password())
    population = population_create(city=city, count=demo_persons, rng=rng) if demo_persons else None
    if demo_persons:
        domain_seeds_run(city=city, rng=rng)
    bulk = None
    if bulk_persons:
        # A second bulk run on the same database draws other rows, still deterministically.
        bulk_rng = random.Random(f"{random_seed}:{Person.objects.count()}")  # noqa: S311
        bulk = bulk_registry_create(
            count=bulk_persons,
            registrar=city.comune,
            rng=bulk_rng,
            neighbourhood_ids=sorted(n.pk for n in city.neighbourhoods.values()),
            chunk=chunk,
            progress=progress,
        )
    return SeedResult(city=city, population=population, bulk=bulk)


def summary_lines() -> list[str]:
    """What the database holds now: counts that do not depend on where the server runs."""
    return [
        _("Quartieri: %(n)d") % {"n": Neighbourhood.objects.count()},
        _("Organizzazioni: %(n)d") % {"n": Organization.objects.count()},
        _("Utenti: %(n)d") % {"n": User.objects.count()},
        _("Persone in anagrafe: %(n)d") % {"n": Person.objects.count()},
        _("  senza codice fiscale: %(n)d")
        % {"n": Person.objects.filter(codice_fiscale=None).count()},
        _("  senza dimora: %(n)d") % {"n": Person.objects.filter(homeless=True).count()},
        _("  non identificate: %(n)d") % {"n": Person.objects.filter(is_identified=False).count()},
        _("Nuclei familiari: %(n)d") % {"n": Household.objects.count()},
        _("Motivi di accesso (collegamenti persona-organizzazione): %(n)d")
        % {"n": PersonLink.objects.count()},
        _("Consensi e basi giuridiche: %(n)d") % {"n": Consent.objects.count()},
    ]


def login_lines(*, one_per_role: bool = False) -> list[str]:
    """The demo logins: e-mail, role and organization, with the shared password."""
    names = {spec.key: spec.name for spec in ORGANIZATIONS}
    lines = []
    for login in DEMO_LOGINS:
        role = Role(login.role).label if login.role else _("cittadino")
        organization = names[login.organization] if login.organization else "—"
        lines.append(f"  {login.email:<38} {role!s:<36} {organization}")
    extra = Membership.objects.exclude(
        user__email__in=[login.email for login in DEMO_LOGINS]
    ).count()
    if extra and not one_per_role:
        lines.append(
            _("  …e altri %(n)d operatori e volontari delle organizzazioni.") % {"n": extra}
        )
    lines.append(
        _("Password di tutti gli utenti dimostrativi: %(password)s") % {"password": demo_password()}
    )
    return lines
