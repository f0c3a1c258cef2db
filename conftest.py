"""Shared fixtures: the personas every test speaks about (STYLE.md)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

os.environ.setdefault("SOLIDALE_TESTING", "1")
os.environ.setdefault("SOLIDALE_AXES_ENABLED", "0")
# Uploaded files of the tests (private case documents) go to a throwaway folder, never var/.
os.environ.setdefault("SOLIDALE_MEDIA_ROOT", tempfile.mkdtemp(prefix="solidale-test-media-"))

import pytest
from django.test import Client

from solidale.accounts.models import Membership, Organization, Role, User
from solidale.accounts.services import membership_add, organization_create, user_create

PASSWORD = "Solidale-test-2026!"  # noqa: S105 (the personas' test password)


@dataclass
class Personas:
    comune: Organization
    cooperative: Organization
    other_association: Organization
    housing_agency: Organization
    social_worker: User
    desk_operator: User
    coordinator: User
    association_operator: User
    association_admin: User
    volunteer: User
    housing_officer: User
    outsider: User
    viewer: User
    citizen: User

    def all_staff(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "social_worker",
                "desk_operator",
                "coordinator",
                "association_operator",
                "association_admin",
                "volunteer",
                "housing_officer",
                "outsider",
                "viewer",
            )
        }


def _user(email: str, name: str, organization: Organization | None, role: str | None) -> User:
    user = user_create(
        actor=None, email=email, full_name=name, password=PASSWORD, is_citizen=organization is None
    )
    if organization is not None and role is not None:
        membership_add(actor=None, user=user, organization=organization, role=role)
    return user


def build_personas() -> Personas:
    comune = organization_create(
        actor=None, name="Comune di Massa — Servizi Sociali", kind=Organization.Kind.COMUNE
    )
    cooperative = organization_create(
        actor=None,
        name="Cooperativa Sociale Il Ponte",
        kind=Organization.Kind.ETS,
        runts_number="RUNTS-0001",
    )
    other = organization_create(
        actor=None,
        name="Associazione Altrove",
        kind=Organization.Kind.ETS,
        runts_number="RUNTS-0002",
    )
    agency = organization_create(actor=None, name="ERP Massa Carrara", kind=Organization.Kind.ERP)
    return Personas(
        comune=comune,
        cooperative=cooperative,
        other_association=other,
        housing_agency=agency,
        social_worker=_user(
            "assistente@test.invalid", "Anna Assistente", comune, Role.SOCIAL_WORKER
        ),
        desk_operator=_user("sportello@test.invalid", "Sara Sportello", comune, Role.DESK_OPERATOR),
        coordinator=_user(
            "coordinatore@test.invalid", "Carlo Coordinatore", comune, Role.COORDINATOR
        ),
        association_operator=_user(
            "operatore@ponte.invalid", "Olga Operatrice", cooperative, Role.ORG_OPERATOR
        ),
        association_admin=_user("admin@ponte.invalid", "Aldo Admin", cooperative, Role.ORG_ADMIN),
        volunteer=_user("volontario@ponte.invalid", "Vera Volontaria", cooperative, Role.VOLUNTEER),
        housing_officer=_user("casa@erp.invalid", "Ettore Erp", agency, Role.HOUSING_OFFICER),
        outsider=_user("estraneo@altrove.invalid", "Otto Estraneo", other, Role.ORG_OPERATOR),
        viewer=_user("osservatore@test.invalid", "Vittoria Vista", comune, Role.VIEWER),
        citizen=_user("cittadino@example.invalid", "Ciro Cittadino", None, None),
    )


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """``login(user)`` logs the test client in as ``user`` and returns the client."""

    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login


__all__ = ["PASSWORD", "Membership", "Personas", "build_personas"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests restore the reference data that migrations load.

    A ``transaction=True`` test ends by emptying every table, and with it the data
    migrations' rows (needs taxonomy, SIUSS codes, life domains). Marking each such test
    ``serialized_rollback=True`` makes Django reload them, so tests after it, in any order
    and on any xdist worker, still find them.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        wants_transaction = (marker is not None and marker.kwargs.get("transaction")) or (
            "transactional_db" in getattr(item, "fixturenames", ())
        )
        if not wants_transaction or (
            marker is not None and marker.kwargs.get("serialized_rollback")
        ):
            continue
        kwargs = dict(marker.kwargs) if marker is not None else {}
        item.add_marker(
            pytest.mark.django_db(**{**kwargs, "transaction": True, "serialized_rollback": True}),
            append=False,
        )
