"""The demo population: about N persons in about 0.45 N households, written by bulk insert.

Households are built whole (head, partner, children, an elderly parent…) with consistent
surnames, ages, birthplaces and codici fiscali; a few persons live without a fixed abode
or were met in the street without papers. Each person is registered by the Comune or by
one association (a ``registered`` link), so every organization of the demo sees someone.
Each bulk step writes one audit row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from django.db import transaction

from solidale.accounts.models import Organization
from solidale.core.audit import Action, audit_record
from solidale.people.matching import normalize
from solidale.people.models import (
    Consent,
    Household,
    HouseholdMember,
    LinkReason,
    Person,
    PersonAlias,
    PersonIdentifier,
    PersonLink,
)

from .city import COMUNE, City, street_for
from .codes import codice_fiscale, omocode_variants
from .names import Origin, origins, pick_italian_birthplace, pick_origin

#: Ages are computed against a fixed day, so the same seed gives the same city every year.
REFERENCE_DATE = date(2026, 1, 1)
PRIVACY_TEXT_VERSION = "informativa-servizi-sociali-2025-01"
SHARING_TEXT_VERSION = "condivisione-rete-2025-01"

#: The known person of the end-to-end journey (search "Bernardni", open her record).
KNOWN_CODICE_FISCALE = "BRNGPP48C52F023E"
KNOWN_NEIGHBOURHOOD = "Romagnano"
KNOWN_ADDRESS = "Via Romagnano 12"

#: Neighbourhoods weighted by how many people live there (mountain villages are small).
POPULOUS = {
    "Centro": 8,
    "Marina di Massa": 7,
    "Romagnano": 6,
    "Borgo del Ponte": 5,
    "Ronchi": 4,
    "Turano": 4,
}
VILLAGES = {
    "Altagnana",
    "Antona",
    "Casette",
    "Forno",
    "Resceto",
    "Pariana",
    "Lavacchio",
    "Canevara",
    "Bergiola",
}

HOMELESS_DOMICILES = (
    ("Dormitorio Il Mantello, Via Cavour 52", "Centro"),
    ("Stazione ferroviaria di Massa Centro", "Centro"),
    ("Pineta di Ponente, Marina di Massa", "Marina di Massa"),
    ("Riparo sotto il cavalcavia di Via Aurelia", "Romagnano"),
    ("Auto in sosta al parcheggio di Piazza Betti", "Marina di Massa"),
    ("Ospite saltuario di conoscenti, Via Stradella", "Turano"),
)
FICTITIOUS_RESIDENCE = "Via della Solidarietà 1 (residenza fittizia)"
UNIDENTIFIED = (
    (
        "Uomo sui 50 anni, barba grigia, giaccone verde; dorme spesso vicino alla stazione.",
        "il Professore",
        "M",
    ),
    (
        "Donna anziana con un carrello e due cani; frequenta i giardini di Piazza Aranci.",
        "la Signora dei cani",
        "F",
    ),
    (
        "Giovane uomo, parla poco italiano, forse dell'Est Europa; cappellino rosso.",
        "Cappellino",
        "M",
    ),
    (
        "Uomo sui 40 anni, zoppica dalla gamba destra; chiede l'elemosina al mercato.",
        "Marietto",
        "M",
    ),
    ("Donna sui 60 anni, capelli bianchi lunghi; dorme in pineta d'estate.", "Nonna Pina", "F"),
    ("Uomo sui 30 anni, tatuaggio sul collo, parla francese e arabo.", "il Tunisino", "M"),
)
ACCESSIBILITY_NOTES = (
    "Ipoacusia: parlare lentamente e di fronte.",
    "Usa la sedia a rotelle: servono accessi senza gradini.",
    "Ipovedente: documenti a caratteri grandi.",
    "Difficoltà di lettura: spiegare i moduli a voce.",
)
MEDIATION_NOTE = "Non parla italiano: serve un mediatore linguistico."


@dataclass
class Draft:
    """A person about to be inserted, with what goes around it."""

    person: Person
    registrar: Organization
    alias: str = ""
    identifier: tuple[str, str] | None = None  # (kind, value)


@dataclass
class HouseholdDraft:
    name: str
    address: str
    neighbourhood: str
    registrar: Organization
    formed_on: date
    members: list[tuple[Draft, str]] = field(default_factory=list)  # (draft, relationship)


@dataclass
class PopulationSummary:
    persons: int = 0
    households: int = 0
    members: int = 0
    links: int = 0
    consents: int = 0
    without_codice_fiscale: int = 0
    homeless: int = 0
    unidentified: int = 0


class PopulationBuilder:
    """Draws households and persons with one ``random.Random``: same seed, same city."""

    def __init__(self, *, city: City, rng: random.Random, taken_codes: set[str]) -> None:
        self.city = city
        self.rng = rng
        self.taken = taken_codes
        names = [n for n, _ in sorted(city.neighbourhoods.items())]
        self.neighbourhood_names = names
        self.neighbourhood_weights = [POPULOUS.get(n, 1 if n in VILLAGES else 3) for n in names]
        orgs = city.organizations
        self.family_registrars = [
            (orgs[COMUNE], 60), (orgs["ilponte"], 12), (orgs["bancoalimentare"], 8), (orgs["manoamica"], 6),
            (orgs["larete"], 5), (orgs["apuanalavoro"], 3), (orgs["donnalibera"], 2), (orgs["argentoattivo"], 2),
            (orgs["senzaconfini"], 2),
        ]  # fmt: skip
        self.street_registrars = [(orgs["carita"], 5), (orgs["croceazzurra"], 3), (orgs[COMUNE], 2)]

    # --- small draws ------------------------------------------------------------------
    def _weighted(self, pairs: list[tuple[Organization, int]]) -> Organization:
        return self.rng.choices([o for o, _ in pairs], weights=[w for _, w in pairs])[0]

    def _neighbourhood(self) -> str:
        return self.rng.choices(self.neighbourhood_names, weights=self.neighbourhood_weights)[0]

    def _birth_date(self, age_min: int, age_max: int) -> date:
        age_days = self.rng.randint(age_min * 365, age_max * 365 + 364)
        return REFERENCE_DATE - timedelta(days=age_days)

    def _given(self, origin: Origin, sex: str) -> str:
        return self.rng.choice(origin.male if sex == "M" else origin.female)

    def _phone(self) -> str:
        return f"3{self.rng.randint(20, 93)} {self.rng.randint(1000000, 9999999)}"

    def _unique_code(self, code: str) -> str | None:
        for candidate in (code, *omocode_variants(code)):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        return None

    # --- persons ----------------------------------------------------------------------
    def person(
        self,
        *,
        origin: Origin,
        sex: str,
        family_name: str,
        birth_date: date,
        arrival_year: int,
        registrar: Organization,
        has_code_chance: float,
        address: str = "",
        neighbourhood: str = "",
    ) -> Draft:
        rng = self.rng
        given = self._given(origin, sex)
        if origin.is_italian:
            place, place_code = (
                pick_italian_birthplace(rng) if birth_date.year < 2000 else ("Massa", "F023")
            )
        elif birth_date.year >= arrival_year:
            place, place_code = "Massa", "F023"  # born here to a family that had arrived
        else:
            place, place_code = origin.country, origin.country_code
        code = None
        if rng.random() < has_code_chance:
            code = self._unique_code(
                codice_fiscale(
                    family_name=family_name,
                    given_name=given,
                    sex=sex,
                    birth_date=birth_date,
                    place_code=place_code,
                )
            )
        adult = (REFERENCE_DATE - birth_date).days >= 18 * 365
        notes = ""
        if not origin.is_italian and adult and arrival_year >= 2023 and rng.random() < 0.5:
            notes = MEDIATION_NOTE
        elif (REFERENCE_DATE - birth_date).days > 75 * 365 and rng.random() < 0.3:
            notes = rng.choice(ACCESSIBILITY_NOTES)
        person = Person(
            given_name=given,
            family_name=family_name,
            codice_fiscale=code,
            sex=sex,
            birth_date=birth_date,
            birth_place=place,
            birth_place_code=place_code,
            citizenship=origin.citizenship,
            languages=origin.languages,
            residence_address=address,
            residence_municipality="Massa" if address else "",
            neighbourhood=self.city.neighbourhoods.get(neighbourhood),
            phone=self._phone() if adult and rng.random() < 0.7 else "",
            email=(
                f"{normalize(given).replace(' ', '')}.{normalize(family_name).replace(' ', '')}"
                f"{rng.randint(1, 99)}@example.org"
                if adult and rng.random() < 0.2
                else ""
            ),
            accessibility_notes=notes,
            registered_by=registrar,
        )
        draft = Draft(person=person, registrar=registrar)
        if code is None and not origin.is_italian and adult:
            if rng.random() < 0.5:
                draft.identifier = (PersonIdentifier.Kind.PASSPORT, f"{rng.choice('ABCDEFGHKLMNPRSTUY')}"
                                    f"{rng.choice('ABCDEFGHKLMNPRSTUY')}{rng.randint(1000000, 9999999)}")  # fmt: skip
            else:
                draft.identifier = (
                    PersonIdentifier.Kind.STP,
                    f"STP090206{rng.randint(1000000, 9999999)}",
                )
        return draft

    def household(self) -> HouseholdDraft:
        rng = self.rng
        origin = pick_origin(rng)
        arrival = rng.randint(1995, 2025)
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(40, 25, 15, 12, 5, 3))[0]
        code_chance = 0.99 if origin.is_italian else (0.4 if arrival >= 2024 else 0.88)
        neighbourhood = self._neighbourhood()
        address = street_for(neighbourhood, rng)
        registrar = self._weighted(self.family_registrars)
        head_sex = rng.choice("MF")
        head_age = rng.randint(70, 95) if size == 1 and rng.random() < 0.5 else rng.randint(22, 75)
        family = rng.choice(origin.surnames)
        member_of_family = partial(
            self.person,
            origin=origin,
            arrival_year=arrival,
            registrar=registrar,
            has_code_chance=code_chance,
            address=address,
            neighbourhood=neighbourhood,
        )
        head = member_of_family(
            sex=head_sex,
            family_name=family,
            birth_date=self._birth_date(head_age, head_age),
        )
        formed = max(
            REFERENCE_DATE - timedelta(days=rng.randint(30, 12 * 365)),
            head.person.birth_date or REFERENCE_DATE,
        )
        household = HouseholdDraft(
            name=f"Nucleo {family}",
            address=address,
            neighbourhood=neighbourhood,
            registrar=registrar,
            formed_on=formed,
        )
        household.members.append((head, HouseholdMember.Relationship.HEAD))
        with_partner = size >= 2 and rng.random() < 0.7
        if with_partner:
            partner_age = max(18, head_age + rng.randint(-6, 6))
            partner = member_of_family(
                sex="F" if head_sex == "M" else "M",
                family_name=rng.choice(origin.surnames),
                birth_date=self._birth_date(partner_age, partner_age),
            )
            household.members.append((partner, HouseholdMember.Relationship.SPOUSE))
        for _ in range(size - len(household.members)):
            if head_age > 65 and rng.random() < 0.5:
                relationship, age = HouseholdMember.Relationship.GRANDCHILD, rng.randint(0, 25)
            elif head_age < 50 and rng.random() < 0.1:
                relationship, age = (
                    HouseholdMember.Relationship.PARENT,
                    min(98, head_age + rng.randint(20, 35)),
                )
            else:
                relationship, age = (
                    HouseholdMember.Relationship.CHILD,
                    rng.randint(max(0, head_age - 45), head_age - 18),
                )
            member = member_of_family(
                sex=rng.choice("MF"),
                family_name=family,
                birth_date=self._birth_date(age, age),
            )
            household.members.append((member, relationship))
        return household

    def homeless(self) -> Draft:
        rng = self.rng
        origin = pick_origin(rng)
        sex = "M" if rng.random() < 0.8 else "F"
        domicile, neighbourhood = rng.choice(HOMELESS_DOMICILES)
        draft = self.person(
            origin=origin,
            sex=sex,
            family_name=rng.choice(origin.surnames),
            birth_date=self._birth_date(20, 75),
            arrival_year=rng.randint(2005, 2025),
            registrar=self._weighted(self.street_registrars),
            has_code_chance=0.5,
            neighbourhood=neighbourhood,
        )
        draft.person.homeless = True
        draft.person.domicile_address = domicile
        if rng.random() < 0.4:
            draft.person.residence_address = FICTITIOUS_RESIDENCE
            draft.person.residence_municipality = "Massa"
        return draft

    def unidentified(self, index: int) -> Draft:
        description, alias, sex = UNIDENTIFIED[index % len(UNIDENTIFIED)]
        person = Person(
            is_identified=False,
            description=description,
            sex=sex,
            homeless=True,
            domicile_address=self.rng.choice(HOMELESS_DOMICILES)[0],
            registered_by=self.city.organizations["croceazzurra"],
        )
        return Draft(person=person, registrar=self.city.organizations["croceazzurra"], alias=alias)

    def known_person(self) -> HouseholdDraft:
        comune = self.city.comune
        person = Person(
            given_name="Giuseppina",
            family_name="Bernardini",
            sex="F",
            birth_date=date(1948, 3, 12),
            birth_place="Massa",
            birth_place_code="F023",
            codice_fiscale=KNOWN_CODICE_FISCALE,
            citizenship="italiana",
            languages="italiano",
            residence_address=KNOWN_ADDRESS,
            residence_municipality="Massa",
            neighbourhood=self.city.neighbourhoods.get(KNOWN_NEIGHBOURHOOD),
            phone="333 4182907",
            accessibility_notes="Ipoacusia: parlare lentamente, guardandola in viso.",
            registered_by=comune,
        )
        self.taken.add(KNOWN_CODICE_FISCALE)
        household = HouseholdDraft(
            name="Nucleo Bernardini",
            address=KNOWN_ADDRESS,
            neighbourhood=KNOWN_NEIGHBOURHOOD,
            registrar=comune,
            formed_on=date(1975, 6, 1),
        )
        household.members.append(
            (Draft(person=person, registrar=comune), HouseholdMember.Relationship.HEAD)
        )
        return household


def _moment(rng: random.Random, within_days: int) -> datetime:
    day = REFERENCE_DATE - timedelta(days=rng.randint(1, within_days))
    return datetime.combine(
        day, time(hour=rng.randint(8, 18), minute=rng.randint(0, 59)), tzinfo=UTC
    )


def _audit_bulk(object_type: str, count: int) -> None:
    if count:
        audit_record(
            actor=None, action=Action.BULK_CREATE, object_type=object_type, changes={"count": count}
        )


@transaction.atomic
def population_create(*, city: City, count: int, rng: random.Random) -> PopulationSummary:
    """Create about ``count`` persons in households, plus a few homeless and unidentified persons."""
    origins()  # build the name pools before drawing
    taken = set(
        Person.objects.exclude(codice_fiscale=None).values_list("codice_fiscale", flat=True)
    )
    builder = PopulationBuilder(city=city, rng=rng, taken_codes={str(c) for c in taken})
    households: list[HouseholdDraft] = [builder.known_person()] if count else []
    singles: list[Draft] = []
    unidentified = min(len(UNIDENTIFIED), max(1, count // 200)) if count >= 20 else 0
    singles += [builder.unidentified(i) for i in range(unidentified)]
    singles += [builder.homeless() for _ in range(count // 20)]
    total = 1 + len(singles) if count else 0
    while total < count:
        household = builder.household()
        household.members = household.members[: count - total]
        households.append(household)
        total += len(household.members)

    drafts = singles + [draft for household in households for draft, _ in household.members]
    for draft in drafts:
        draft.person.refresh_search_keys()
    Person.objects.bulk_create([d.person for d in drafts], batch_size=500)
    _audit_bulk("people.person", len(drafts))

    links = [
        PersonLink(
            person=d.person,
            organization=d.registrar,
            reason=LinkReason.REGISTERED,
            source="demo.seed",
        )
        for d in drafts
    ]
    PersonLink.objects.bulk_create(links, batch_size=1000)
    _audit_bulk("people.personlink", len(links))

    aliases = [
        PersonAlias(person=d.person, alias=d.alias, alias_norm=normalize(d.alias))
        for d in drafts
        if d.alias
    ]
    PersonAlias.objects.bulk_create(aliases)
    _audit_bulk("people.personalias", len(aliases))
    identifiers = [
        PersonIdentifier(person=d.person, kind=d.identifier[0], value=d.identifier[1], issuer="")
        for d in drafts
        if d.identifier
    ]
    PersonIdentifier.objects.bulk_create(identifiers)
    _audit_bulk("people.personidentifier", len(identifiers))

    household_rows = [
        Household(
            name=h.name,
            address=h.address,
            neighbourhood=city.neighbourhoods.get(h.neighbourhood),
            registered_by=h.registrar,
        )
        for h in households
    ]
    Household.objects.bulk_create(household_rows, batch_size=1000)
    _audit_bulk("people.household", len(household_rows))
    members = [
        HouseholdMember(
            household=row,
            person=draft.person,
            relationship=relationship,
            start_date=max(h.formed_on, draft.person.birth_date or h.formed_on),
        )
        for h, row in zip(households, household_rows, strict=True)
        for draft, relationship in h.members
    ]
    HouseholdMember.objects.bulk_create(members, batch_size=1000)
    _audit_bulk("people.householdmember", len(members))

    consents = _consents(drafts, rng)
    Consent.objects.bulk_create(consents, batch_size=1000)
    _audit_bulk("people.consent", len(consents))

    return PopulationSummary(
        persons=len(drafts),
        households=len(household_rows),
        members=len(members),
        links=len(links),
        consents=len(consents),
        without_codice_fiscale=sum(1 for d in drafts if not d.person.codice_fiscale),
        homeless=sum(1 for d in drafts if d.person.homeless),
        unidentified=unidentified,
    )


def _consents(drafts: list[Draft], rng: random.Random) -> list[Consent]:
    consents = []
    for draft in drafts:
        if not draft.person.is_identified or rng.random() > 0.75:
            continue
        public = draft.registrar.kind == Organization.Kind.COMUNE
        given_at = _moment(rng, 700)
        consents.append(
            Consent(
                person=draft.person,
                purpose=Consent.Purpose.PRIVACY_NOTICE,
                legal_basis=Consent.LegalBasis.PUBLIC_TASK
                if public
                else Consent.LegalBasis.CONSENT,
                text_version=PRIVACY_TEXT_VERSION,
                given_at=given_at,
                organization=draft.registrar,
            )
        )
        if rng.random() < 0.35:
            withdrawn = (
                given_at + timedelta(days=rng.randint(10, 300)) if rng.random() < 0.05 else None
            )
            consents.append(
                Consent(
                    person=draft.person,
                    purpose=Consent.Purpose.NETWORK_SHARING,
                    legal_basis=Consent.LegalBasis.CONSENT,
                    text_version=SHARING_TEXT_VERSION,
                    given_at=given_at,
                    withdrawn_at=withdrawn,
                    organization=draft.registrar,
                )
            )
    return consents
