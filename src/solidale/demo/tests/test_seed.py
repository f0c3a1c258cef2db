from __future__ import annotations

from io import StringIO

import pytest
from codicefiscale import codicefiscale
from django.core.management import call_command
from django.core.management.base import CommandError

from solidale.accounts.models import Membership, Organization, User
from solidale.core.models import AuditEvent, Neighbourhood
from solidale.demo.city import DEMO_LOGINS, NEIGHBOURHOODS, ORGANIZATIONS, demo_password
from solidale.demo.population import KNOWN_CODICE_FISCALE
from solidale.people.models import Household, HouseholdMember, LinkReason, Person, PersonLink

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_it_builds_the_neighbourhoods_of_massa_with_shapes() -> None:
    seed("--demo-persons", "60")

    assert set(Neighbourhood.objects.values_list("name", flat=True)) == {
        n[0] for n in NEIGHBOURHOODS
    }
    marina = Neighbourhood.objects.get(name="Marina di Massa")
    forno = Neighbourhood.objects.get(name="Forno")
    assert marina.boundary["type"] == "Polygon"
    ring = marina.boundary["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7
    assert marina.centroid_lat is not None and forno.centroid_lat is not None
    assert (
        marina.centroid_lat < forno.centroid_lat
    )  # the coast is south-west of the mountain villages


def test_it_creates_every_organization_kind_and_a_user_for_every_role() -> None:
    output = seed("--demo-persons", "60")

    assert Organization.objects.count() == len(ORGANIZATIONS)
    assert set(Organization.objects.values_list("kind", flat=True)) == set(Organization.Kind.values)
    assert Organization.objects.get(name="ERP Massa Carrara").kind == Organization.Kind.ERP
    assert all(o.runts_number for o in Organization.objects.filter(kind=Organization.Kind.ETS))
    for login in DEMO_LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(demo_password())
        assert login.email in output
        if login.role:
            membership = Membership.objects.get(user=user)
            assert membership.role == login.role
        else:
            assert user.is_citizen and not user.memberships.exists()
    assert str(User.objects.get(email="admin@ilponte.demo").organization) == "Il Ponte"


def test_it_creates_persons_with_valid_codici_fiscali_households_and_links() -> None:
    seed("--demo-persons", "60")

    persons = list(Person.objects.all())
    # The 60 of the registry, and the few the domain seeds need of their own (a regular
    # guest of the shelter, the applicants of the housing call).
    assert 60 <= len(persons) <= 120
    with_code = [p for p in persons if p.codice_fiscale]
    assert with_code and len(with_code) < len(
        persons
    )  # some are newly arrived, homeless or unknown
    assert all(codicefiscale.is_valid(str(p.codice_fiscale)) for p in with_code)
    assert all(p.family_key or not p.is_identified for p in persons)
    assert any(p.homeless and p.domicile_address for p in persons)
    unidentified = [p for p in persons if not p.is_identified]
    assert unidentified and all(p.description and p.aliases.exists() for p in unidentified)

    assert Household.objects.exists()
    assert HouseholdMember.objects.filter(
        relationship=HouseholdMember.Relationship.HEAD
    ).count() == (Household.objects.count())
    registered = PersonLink.objects.filter(reason=LinkReason.REGISTERED, ended_at=None)
    # Every person is registered somewhere; the domain seeds' accesses may register more.
    assert registered.values("person").distinct().count() == 60
    assert registered.values("organization").distinct().count() > 1
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.BULK_CREATE, object_type="people.person"
    ).exists()


def test_it_includes_giuseppina_bernardini_registered_by_the_comune() -> None:
    seed("--demo-persons", "60")

    person = Person.objects.get(family_name="Bernardini", given_name="Giuseppina")
    assert person.codice_fiscale == KNOWN_CODICE_FISCALE
    assert codicefiscale.is_valid(KNOWN_CODICE_FISCALE)
    assert (
        str(person.birth_date) == "1948-03-12"
        and person.sex == "F"
        and person.birth_place == "Massa"
    )
    assert person.neighbourhood is not None and person.neighbourhood.name == "Romagnano"
    comune = Organization.objects.get(kind=Organization.Kind.COMUNE)
    assert person.links.filter(organization=comune, reason=LinkReason.REGISTERED).exists()


def test_if_empty_does_nothing_on_a_loaded_database() -> None:
    seed("--demo-persons", "40")
    counts = (Person.objects.count(), User.objects.count(), AuditEvent.objects.count())

    output = seed("--if-empty")

    assert (Person.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts
    assert "nessun caricamento" in output


def test_it_refuses_a_second_demo_population() -> None:
    seed("--demo-persons", "40")

    with pytest.raises(CommandError, match="già presente"):
        seed("--demo-persons", "40")


def test_bulk_mode_adds_persons_with_search_keys_linked_to_the_comune() -> None:
    seed("--demo-persons", "40")
    before = Person.objects.count()

    output = seed("--persons", "500")

    assert Person.objects.count() == before + 500
    new = Person.objects.filter(pk__gt=Person.objects.order_by("pk")[before - 1].pk)
    assert new.count() == 500
    assert not new.filter(family_key="").exists() and not new.filter(given_norm="").exists()
    codes = list(new.exclude(codice_fiscale=None).values_list("codice_fiscale", flat=True))
    assert 300 < len(codes) < 500 and len(set(codes)) == len(codes)
    assert all(codicefiscale.is_valid(str(code)) for code in codes)
    comune = Organization.objects.get(kind=Organization.Kind.COMUNE)
    assert (
        PersonLink.objects.filter(
            person__in=new, organization=comune, reason=LinkReason.REGISTERED
        ).count()
        == 500
    )
    assert "500 persone" in output
    # Ids were assigned by the bulk insert: the next ordinary insert must still get a free one.
    last_bulk_pk = max(new.values_list("pk", flat=True))
    assert Person.objects.create(family_name="Nuova", given_name="Persona").pk > last_bulk_pk


def test_bulk_mode_alone_creates_the_city_first() -> None:
    seed("--persons", "200")

    assert Person.objects.count() == 200
    assert User.objects.filter(email="sportello@comune-massa.demo").exists()
    assert not Household.objects.exists()
