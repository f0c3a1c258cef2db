"""The demo city's fixed part: Massa's neighbourhoods, the network's organizations, the users.

The neighbourhood names are Massa's real ones (DOMAIN.md); their shapes are simple
hexagons around approximate centres. Organizations are fictional, of the real kinds.
Users have fixed e-mail addresses so that docs and end-to-end tests can name them.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from faker import Faker

from solidale.accounts.models import Organization, Role, User
from solidale.accounts.services import membership_add, organization_create, user_create
from solidale.core.audit import Action, audit_record
from solidale.core.models import Neighbourhood

DEFAULT_PASSWORD = "solidale-demo"  # noqa: S105 (the documented demo password)


def demo_password() -> str:
    return os.environ.get("SOLIDALE_DEMO_PASSWORD", DEFAULT_PASSWORD)


#: name, centre latitude, centre longitude, radius in degrees of latitude.
NEIGHBOURHOODS: tuple[tuple[str, float, float, float], ...] = (
    ("Centro", 44.0354, 10.1403, 0.0045),
    ("Marina di Massa", 44.0080, 10.1050, 0.0070),
    ("Ronchi", 43.9990, 10.1200, 0.0050),
    ("Poveromo", 43.9890, 10.1330, 0.0050),
    ("Partaccia", 44.0200, 10.0880, 0.0050),
    ("Ricortola", 44.0140, 10.0970, 0.0040),
    ("Romagnano", 44.0300, 10.1250, 0.0040),
    ("Bondano", 44.0200, 10.1240, 0.0045),
    ("Borgo del Ponte", 44.0410, 10.1500, 0.0035),
    ("Castagnola", 44.0330, 10.1560, 0.0035),
    ("Turano", 44.0265, 10.1450, 0.0040),
    ("Quercioli", 44.0300, 10.1340, 0.0030),
    ("Mirteto", 44.0440, 10.1380, 0.0035),
    ("Alteta", 44.0480, 10.1450, 0.0030),
    ("Rinchiostra", 44.0380, 10.1280, 0.0030),
    ("Villette", 44.0250, 10.1140, 0.0040),
    ("Volpigliano", 44.0390, 10.1180, 0.0035),
    ("Ortola", 44.0300, 10.1620, 0.0035),
    ("San Carlo Terme", 44.0510, 10.1600, 0.0040),
    ("Canevara", 44.0560, 10.1750, 0.0035),
    ("Altagnana", 44.0620, 10.1830, 0.0030),
    ("Antona", 44.0700, 10.1920, 0.0035),
    ("Casette", 44.0660, 10.1560, 0.0035),
    ("Forno", 44.0840, 10.1780, 0.0040),
    ("Resceto", 44.0920, 10.1960, 0.0035),
    ("Pariana", 44.0600, 10.1960, 0.0030),
    ("Lavacchio", 44.0480, 10.1700, 0.0030),
    ("Bergiola", 44.0530, 10.1270, 0.0035),
)

#: Streets of the town, by neighbourhood (the generic list serves the others).
STREETS: dict[str, tuple[str, ...]] = {
    "Centro": (
        "Via Dante",
        "Via Cavour",
        "Piazza Aranci",
        "Via Alberica",
        "Via Beatrice",
        "Via Mazzini",
    ),
    "Marina di Massa": (
        "Viale Lungomare di Ponente",
        "Via Casola",
        "Via Fortino di San Francesco",
        "Piazza Betti",
    ),
    "Ronchi": ("Via Ronchi", "Via delle Pinete", "Via Sergio Lombardi"),
    "Poveromo": ("Via Poveromo", "Via Lungomare di Levante", "Via Verdi"),
    "Partaccia": ("Via Partaccia", "Via Tinelli", "Via Lungomare di Ponente"),
    "Romagnano": ("Via Romagnano", "Via Pellegrini", "Via San Leonardo"),
    "Borgo del Ponte": ("Via Bassa Tambura", "Via Bastione", "Via Borgo del Ponte"),
}
GENERIC_STREETS = (
    "Via Aurelia", "Viale Roma", "Via Marina Vecchia", "Via Dorsale", "Viale Stazione",
    "Via Massa Avenza", "Via degli Oliveti", "Via Casone", "Via Carducci", "Via Garibaldi",
    "Via Stradella", "Via Catagnina", "Via Foce", "Via Acquale", "Via Palestro",
    "Via Prado", "Via dei Colli", "Via Canal Magro",
)  # fmt: skip


def street_for(neighbourhood: str, rng: random.Random) -> str:
    streets = STREETS.get(
        neighbourhood, (f"Via {neighbourhood}", f"Piazza {neighbourhood}", *GENERIC_STREETS[:6])
    )
    return f"{rng.choice(streets)} {rng.randint(1, 120)}"


def hexagon(lat: float, lon: float, radius: float) -> dict[str, object]:
    """A GeoJSON polygon: a hexagon of ``radius`` degrees of latitude around the centre."""
    stretch = 1 / math.cos(math.radians(lat))  # a degree of longitude is shorter up here
    ring = [
        [
            round(lon + radius * stretch * math.cos(math.radians(a)), 5),
            round(lat + radius * math.sin(math.radians(a)), 5),
        ]
        for a in range(0, 360, 60)
    ]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    short_name: str
    kind: str
    runts_number: str
    address: str
    neighbourhood: str
    domain: str
    #: extra staff beyond the fixed users: (role, how many)
    staff: tuple[tuple[str, int], ...] = ()


COMUNE = "comune"
IL_PONTE = "ilponte"
ERP = "erp"

ORGANIZATIONS: tuple[OrgSpec, ...] = (
    OrgSpec(
        COMUNE, "Comune di Massa — Servizi Sociali", "Servizi Sociali", Organization.Kind.COMUNE, "",
        "Via Porta Fabbrica 1, Massa — sportelli: Centro, Marina di Massa (Via Casola 11), "
        "Romagnano (Via Pellegrini 8), Borgo del Ponte (Via Bassa Tambura 42)",
        "Centro", "comune-massa.demo", ((Role.SOCIAL_WORKER, 3), (Role.DESK_OPERATOR, 2)),
    ),
    OrgSpec(
        IL_PONTE, "Cooperativa Sociale Il Ponte", "Il Ponte", Organization.Kind.ETS, "112847",
        "Via Bassa Tambura 17, 54100 Massa", "Borgo del Ponte", "ilponte.demo", ((Role.ORG_OPERATOR, 1),),
    ),
    OrgSpec(
        "larete", "Cooperativa Sociale La Rete Apuana", "La Rete", Organization.Kind.ETS, "109352",
        "Via Marina Vecchia 84, 54100 Massa", "Villette", "larete.demo", ((Role.ORG_OPERATOR, 2),),
    ),
    OrgSpec(
        "apuanalavoro", "Apuana Lavoro — Cooperativa Sociale di tipo B", "Apuana Lavoro",
        Organization.Kind.ETS, "118230", "Via Dorsale 9, 54100 Massa", "Bondano", "apuanalavoro.demo",
        ((Role.ORG_OPERATOR, 1),),
    ),
    OrgSpec(
        "manoamica", "Associazione di Volontariato Mano Amica ODV", "Mano Amica", Organization.Kind.ETS,
        "120415", "Via Romagnano 31, 54100 Massa", "Romagnano", "manoamica.demo", ((Role.VOLUNTEER, 2),),
    ),
    OrgSpec(
        "carita", "Carità Diocesana Apuana — Dormitorio Il Mantello", "Il Mantello", Organization.Kind.ETS,
        "104998", "Via Cavour 52, 54100 Massa", "Centro", "ilmantello.demo",
        ((Role.ORG_OPERATOR, 1), (Role.VOLUNTEER, 2)),
    ),
    OrgSpec(
        "croceazzurra", "Pubblica Assistenza Croce Azzurra Massa ODV", "Croce Azzurra", Organization.Kind.ETS,
        "101276", "Viale Stazione 3, 54100 Massa", "Centro", "croceazzurra.demo",
        ((Role.ORG_OPERATOR, 1), (Role.VOLUNTEER, 2)),
    ),
    OrgSpec(
        "bancoalimentare", "Banco Alimentare Apuano ODV", "Banco Apuano", Organization.Kind.ETS, "115673",
        "Via Massa Avenza 120, 54100 Massa", "Quercioli", "bancoapuano.demo", ((Role.VOLUNTEER, 2),),
    ),
    OrgSpec(
        "senzaconfini", "Associazione Mediatori Senza Confini APS", "Senza Confini", Organization.Kind.ETS,
        "121904", "Via Casone 6, 54100 Massa", "Turano", "senzaconfini.demo", ((Role.ORG_OPERATOR, 1),),
    ),
    OrgSpec(
        "donnalibera", "Centro Antiviolenza Donna Libera APS", "Donna Libera", Organization.Kind.ETS,
        "117011", "indirizzo riservato, Massa", "Centro", "donnalibera.demo", ((Role.ORG_OPERATOR, 1),),
    ),
    OrgSpec(
        "argentoattivo", "Argento Attivo — Associazione Sportiva Anziani APS", "Argento Attivo",
        Organization.Kind.ETS, "119586", "Via degli Oliveti 14, 54100 Massa", "Castagnola",
        "argentoattivo.demo", ((Role.VOLUNTEER, 2),),
    ),
    OrgSpec(
        ERP, "ERP Massa Carrara", "ERP Massa Carrara", Organization.Kind.ERP, "",
        "Via Roma 32, 54100 Massa", "Centro", "erp-massacarrara.demo", ((Role.HOUSING_OFFICER, 1),),
    ),
    OrgSpec(
        "scuola", "Istituto Comprensivo Massa 4", "IC Massa 4", Organization.Kind.OTHER, "",
        "Via Catagnina 2, 54100 Massa", "Mirteto", "icmassa4.demo", (),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    organization: str  # OrgSpec key, "" for a citizen
    role: str  # Role value, "" for a citizen


#: The fixed demo logins, one per role (README, the E2E tests and ``serve`` name them).
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("coordinatore@comune-massa.demo", "Chiara Coordinatrice", COMUNE, Role.COORDINATOR),
    DemoLogin("assistente.sociale@comune-massa.demo", "Anna Bertolini", COMUNE, Role.SOCIAL_WORKER),
    DemoLogin("sportello@comune-massa.demo", "Sara Lazzerini", COMUNE, Role.DESK_OPERATOR),
    DemoLogin("osservatore@comune-massa.demo", "Vittorio Orsolini", COMUNE, Role.VIEWER),
    DemoLogin("admin@ilponte.demo", "Aldo Tonarelli", IL_PONTE, Role.ORG_ADMIN),
    DemoLogin("operatore@ilponte.demo", "Olga Vannucci", IL_PONTE, Role.ORG_OPERATOR),
    DemoLogin("volontario@ilponte.demo", "Vera Mosti", IL_PONTE, Role.VOLUNTEER),
    DemoLogin("casa@erp-massacarrara.demo", "Ettore Guadagni", ERP, Role.HOUSING_OFFICER),
    DemoLogin("cittadino@example.demo", "Ciro Baldini", "", ""),
)

_LOCAL_PART: dict[str, str] = {
    Role.COORDINATOR: "coordinamento",
    Role.SOCIAL_WORKER: "assistente",
    Role.DESK_OPERATOR: "sportello",
    Role.ORG_ADMIN: "admin",
    Role.ORG_OPERATOR: "operatore",
    Role.VOLUNTEER: "volontario",
    Role.HOUSING_OFFICER: "casa",
    Role.VIEWER: "osservatore",
}


@dataclass
class City:
    """What the fixed part of the demo created (or found), by key."""

    neighbourhoods: dict[str, Neighbourhood]
    organizations: dict[str, Organization]
    users: list[tuple[User, str, str]] = field(default_factory=list)  # (user, org key, role)

    @property
    def comune(self) -> Organization:
        return self.organizations[COMUNE]


def neighbourhoods_create() -> dict[str, Neighbourhood]:
    rows = [
        Neighbourhood(
            name=name,
            slug=slugify(name),
            boundary=hexagon(lat, lon, radius),
            centroid_lat=lat,
            centroid_lon=lon,
        )
        for name, lat, lon, radius in NEIGHBOURHOODS
        if not Neighbourhood.objects.filter(name=name).exists()
    ]
    Neighbourhood.objects.bulk_create(rows)
    if rows:
        audit_record(
            actor=None,
            action=Action.BULK_CREATE,
            object_type="core.neighbourhood",
            changes={"count": len(rows)},
        )
    return {n.name: n for n in Neighbourhood.objects.all()}


def _tax_code(rng: random.Random) -> str:
    """An 11-digit partita IVA with a valid check digit (Luhn variant used in Italy)."""
    digits = [rng.randint(0, 9) for _ in range(7)] + [0, 4, 5]  # office code 045: Massa-Carrara
    total = 0
    for index, digit in enumerate(digits):
        if index % 2:
            doubled = digit * 2
            total += doubled - 9 if doubled > 9 else doubled
        else:
            total += digit
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


@transaction.atomic
def city_create(*, rng: random.Random, password: str) -> City:
    """Create neighbourhoods, organizations and users; reuse whatever already exists."""
    neighbourhoods = neighbourhoods_create()
    organizations: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        existing = Organization.objects.filter(name=spec.name).first()
        organizations[spec.key] = existing or organization_create(
            actor=None,
            name=spec.name,
            kind=spec.kind,
            short_name=spec.short_name,
            runts_number=spec.runts_number,
            tax_code=_tax_code(rng),
            email=f"info@{spec.domain}",
            phone=f"0585 {rng.randint(100000, 999999)}",
            address=spec.address,
            neighbourhood=neighbourhoods.get(spec.neighbourhood),
        )
    city = City(neighbourhoods=neighbourhoods, organizations=organizations)

    faker = Faker("it_IT")
    faker.seed_instance(rng.randint(0, 2**31))
    wanted: list[DemoLogin] = list(DEMO_LOGINS)
    for spec in ORGANIZATIONS:
        for role, count in spec.staff:
            for number in range(1, count + 1):
                wanted.append(
                    DemoLogin(
                        f"{_LOCAL_PART[role]}{number + 1}@{spec.domain}",
                        faker.name(),
                        spec.key,
                        role,
                    )
                )
    for login in wanted:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = user_create(
                actor=None,
                email=login.email,
                full_name=login.full_name,
                password=password,
                is_citizen=not login.organization,
            )
            if login.organization:
                membership_add(
                    actor=None,
                    user=user,
                    organization=organizations[login.organization],
                    role=login.role,
                )
        city.users.append((user, login.organization, login.role))
    return city
