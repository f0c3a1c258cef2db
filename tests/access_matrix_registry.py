"""Who may reach every endpoint of Solidale: the registry the access-matrix test walks.

``tests/test_access_matrix.py`` enumerates every URL pattern of the project and every
operation of the HTTP API, and fails while one of them is missing from ``ENDPOINTS``.
A domain app declares its pages and API operations in its own module,
``tests/access_matrix_<app>.py``, holding ``ENDPOINTS: dict[str, Endpoint]`` built with
``public``, ``authenticated`` and ``scoped`` from this module; every such module is found
and merged here (a key declared twice is an error), so apps written in parallel never
edit the same file::

    "cases:detail": scoped(build_case, sees=CASE_TEAM),
    "GET /api/v1/cases/{case_id}": scoped(build_case, sees=CASE_TEAM, api=True),

Keys are URL names with their namespace (``"people:detail"``) for pages and
``"METHOD /api/v1/path/{param}"`` for API operations. Each value says who gets in:

``public(...)``
    anyone, logged in or not, gets ``status`` (login page, health check).
``authenticated(...)``
    anonymous users are sent to the login page (401 from the API); every persona
    gets ``status``.
``scoped(build, sees=..., may_open=...)``
    ``build(personas)`` creates an object in the Comune's scope through the services
    and returns a ``Target``: the URL kwargs, the query string, the payload to POST,
    and the ``secrets`` (names, codice fiscale, phone…) that must never reach anyone
    outside the scope. Personas in ``sees`` get 200 on GET; personas in ``may_open``
    get 200 too but must not see the secrets (a search page that finds only their own
    organization's persons); every other persona, and anonymous users, is refused
    (403 or 404, a login redirect or 401 for anonymous) on every method in
    ``methods``, and the answer holds none of the secrets.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from codicefiscale import codicefiscale

from solidale.accounts.models import ApiToken, Role
from solidale.accounts.services import membership_add, user_create
from solidale.core.notifications import notify
from solidale.people import services as people
from solidale.people.models import HouseholdMember, Person

if TYPE_CHECKING:
    from conftest import Personas

Access = Literal["public", "authenticated", "scoped"]

#: Every persona of ``conftest.Personas`` plus the anonymous visitor.
STAFF = (
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
ANONYMOUS = "anonymous"
PERSONAS = (*STAFF, "citizen")

#: The Comune's roles that work on its registry: they see a person the Comune registered.
COMUNE_REGISTRY = frozenset({"social_worker", "desk_operator", "coordinator"})
#: Other organizations' registry roles: they open registry pages but see only their own persons.
OTHER_REGISTRY = frozenset(
    {"association_operator", "association_admin", "housing_officer", "outsider"}
)


@dataclass(frozen=True)
class Target:
    """One object in the Comune's scope, as an endpoint addresses it."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()


Builder = Callable[["Personas"], Target]


def no_object(personas: Personas) -> Target:
    return Target()


@dataclass(frozen=True)
class Endpoint:
    access: Access
    methods: tuple[str, ...] = ("GET",)
    build: Builder = no_object
    sees: frozenset[str] = frozenset()
    may_open: frozenset[str] = frozenset()
    status: int = 200
    api: bool = False


def public(
    *, methods: tuple[str, ...] = ("GET",), status: int = 200, api: bool = False
) -> Endpoint:
    return Endpoint("public", methods=methods, status=status, api=api)


def authenticated(
    *,
    methods: tuple[str, ...] = ("GET",),
    status: int = 200,
    build: Builder = no_object,
    api: bool = False,
) -> Endpoint:
    return Endpoint("authenticated", methods=methods, status=status, build=build, api=api)


def scoped(
    build: Builder = no_object,
    *,
    sees: frozenset[str] = COMUNE_REGISTRY,
    may_open: frozenset[str] = frozenset(),
    methods: tuple[str, ...] = ("GET",),
    api: bool = False,
) -> Endpoint:
    return Endpoint("scoped", methods=methods, build=build, sees=sees, may_open=may_open, api=api)


# --- Builders: objects in the Comune's scope, made through the services -----------------

GIVEN_NAME = "Ermenegilda"
FAMILY_NAME = "Zanobetti"
BIRTH_DATE = date(1958, 3, 14)
PHONE = "+39 0585 123987"
CODICE_FISCALE = codicefiscale.encode(
    lastname=FAMILY_NAME,
    firstname=GIVEN_NAME,
    gender="F",
    birthdate="14/03/1958",
    birthplace="F023",
)
PERSON_SECRETS = (FAMILY_NAME, GIVEN_NAME, CODICE_FISCALE, PHONE)


def comune_person(personas: Personas) -> Any:
    """A person registered by the Comune's desk: visible to the Comune only."""
    return people.person_create(
        actor=personas.desk_operator,
        data={
            "given_name": GIVEN_NAME,
            "family_name": FAMILY_NAME,
            "codice_fiscale": CODICE_FISCALE,
            "sex": "F",
            "birth_date": BIRTH_DATE,
            "birth_place": "Massa",
            "birth_place_code": "F023",
            "phone": PHONE,
        },
    )


def build_person(personas: Personas) -> Target:
    person = comune_person(personas)
    return Target(
        kwargs={"pk": person.pk, "person_id": person.pk},
        payload={"given_name": "Intrusa"},
        secrets=PERSON_SECRETS,
    )


def build_person_search(personas: Personas) -> Target:
    comune_person(personas)
    return Target(query={"q": FAMILY_NAME}, secrets=PERSON_SECRETS)


def build_household(personas: Personas) -> Target:
    person = comune_person(personas)
    household = people.household_create(
        actor=personas.social_worker,
        data={"name": f"Nucleo {FAMILY_NAME}", "address": "Via Aurelia 9"},
    )
    people.household_member_add(
        actor=personas.social_worker,
        household=household,
        person=person,
        relationship="head",
        start_date=date(2024, 1, 1),
    )
    return Target(
        kwargs={"pk": household.pk, "household_id": household.pk},
        payload={"name": "Nucleo Intruso"},
        secrets=(*PERSON_SECRETS, "Via Aurelia 9"),
    )


def build_person_with_consent(personas: Personas) -> Target:
    person = comune_person(personas)
    consent = people.consent_record(
        actor=personas.social_worker,
        person=person,
        purpose="privacy_notice",
        legal_basis="consent",
        text_version="Informativa 2026-01",
    )
    return Target(kwargs={"pk": person.pk, "consent_pk": consent.pk}, secrets=PERSON_SECRETS)


def build_household_member(personas: Personas) -> Target:
    target = build_household(personas)
    member = HouseholdMember.objects.get(household_id=target.kwargs["pk"])
    return Target(
        kwargs={**target.kwargs, "member_pk": member.pk},
        payload={"end_date": "2025-12-31"},
        secrets=target.secrets,
    )


def build_household_with_a_newcomer(personas: Personas) -> Target:
    """A Comune household and a second Comune person to add to it."""
    target = build_household(personas)
    newcomer = people.person_create(
        actor=personas.desk_operator,
        data={"given_name": "Gualtiero", "family_name": "Nuovarrivo", "is_identified": True},
    )
    return Target(
        kwargs=target.kwargs,
        payload={"person": newcomer.pk, "relationship": "child"},
        secrets=(*target.secrets, "Nuovarrivo"),
    )


def build_duplicate_check(personas: Personas) -> Target:
    comune_person(personas)
    return Target(
        query={"family_name": FAMILY_NAME, "birth_date": BIRTH_DATE.isoformat()},
        secrets=PERSON_SECRETS,
    )


def build_claim(personas: Personas) -> Target:
    comune_person(personas)
    return Target(
        payload={
            "codice_fiscale": CODICE_FISCALE,
            "legal_basis": "public_task",
            "note": "Presa in carico congiunta",
        },
        secrets=(PHONE,),
    )


def build_merge_candidates(personas: Personas) -> Target:
    target = build_person(personas)
    twin = people.person_create(
        actor=personas.desk_operator,
        data={"given_name": GIVEN_NAME, "family_name": "Zanobeti", "is_identified": False},
    )
    return Target(
        kwargs=target.kwargs,
        payload={"merged": twin.pk, "reason": "stessa persona"},
        secrets=target.secrets,
    )


def build_merge(personas: Personas) -> Target:
    target = build_merge_candidates(personas)
    kept = Person.objects.get(pk=target.kwargs["pk"])
    merged = Person.objects.get(pk=target.payload["merged"])
    merge = people.person_merge(
        actor=personas.coordinator, kept=kept, merged=merged, reason="stessa persona"
    )
    return Target(kwargs={"pk": merge.pk}, secrets=(*target.secrets, "Zanobeti"))


def build_notification(personas: Personas) -> Target:
    """A notification to the social worker about a Comune person: theirs alone."""
    person = comune_person(personas)
    (notification,) = notify(
        users=[personas.social_worker],
        kind="referral",
        title=f"Nuova segnalazione per {FAMILY_NAME} {GIVEN_NAME}",
        url=f"/people/{person.pk}/",
    )
    return Target(payload={"id": notification.pk}, secrets=(FAMILY_NAME, GIVEN_NAME))


def build_new_person_payload(personas: Personas) -> Target:
    return Target(payload={"given_name": "Nuova", "family_name": "Persona", "is_identified": True})


def build_new_household_payload(personas: Personas) -> Target:
    return Target(payload={"name": "Nucleo Nuovo"})


def build_comune_membership(personas: Personas) -> Target:
    """A member of the Comune who is none of the personas (so nobody sees their own data)."""
    user = user_create(
        actor=None, email="mario.membro@comune.invalid", full_name="Mario Membro", password=None
    )
    membership = membership_add(
        actor=None, user=user, organization=personas.comune, role=Role.DESK_OPERATOR
    )
    return Target(
        kwargs={"pk": membership.pk},
        payload={"role": Role.VIEWER},
        secrets=("mario.membro@comune.invalid", "Mario Membro"),
    )


def build_own_membership_switch(personas: Personas) -> Target:
    return Target(payload={"membership": personas.social_worker.memberships.get().pk})


def build_social_worker_token(personas: Personas) -> Target:
    membership = personas.social_worker.memberships.get()
    token = ApiToken.objects.create(
        user=personas.social_worker, membership=membership, name="Token di Anna", digest="0" * 64
    )
    return Target(kwargs={"pk": token.pk}, secrets=("Token di Anna",))


def build_audit_trail(personas: Personas) -> Target:
    person = comune_person(personas)
    people.person_view(actor=personas.social_worker, person=person, purpose="colloquio")
    return Target(secrets=PERSON_SECRETS)


# --- The registry -----------------------------------------------------------------------

ENDPOINTS: dict[str, Endpoint] = {
    # core
    "core:home": authenticated(),
    "core:healthz": public(),
    "core:hello": public(),
    "core:accessibility": public(),
    "core:notification_list": scoped(
        build_notification,
        sees=frozenset({"social_worker"}),
        may_open=frozenset(PERSONAS) - {"social_worker"},
    ),
    "core:notification_read": scoped(
        build_notification, sees=frozenset({"social_worker"}), methods=("POST",)
    ),
    "set_language": public(methods=("POST",), status=302),
    # accounts
    "accounts:login": public(),
    "accounts:logout": authenticated(methods=("POST",), status=302),
    "accounts:notification_preferences": authenticated(methods=("POST",), status=302),
    "accounts:switch_membership": scoped(
        build_own_membership_switch, sees=frozenset({"social_worker"}), methods=("POST",)
    ),
    "accounts:password_reset": public(),
    "accounts:password_reset_done": public(),
    "accounts:password_reset_confirm": public(),
    "accounts:password_reset_complete": public(),
    "accounts:otp": authenticated(status=302),
    "accounts:otp_setup": authenticated(),
    "accounts:otp_backup_codes": authenticated(methods=("POST",), status=302),
    "accounts:member_list": scoped(
        build_comune_membership,
        sees=frozenset({"coordinator"}),
        may_open=frozenset({"association_admin"}),
    ),
    "accounts:member_add": scoped(
        sees=frozenset({"coordinator"}), may_open=frozenset({"association_admin"})
    ),
    "accounts:member_change_role": scoped(
        build_comune_membership, sees=frozenset({"coordinator"}), methods=("POST",)
    ),
    "accounts:member_deactivate": scoped(
        build_comune_membership, sees=frozenset({"coordinator"}), methods=("POST",)
    ),
    "accounts:member_reactivate": scoped(
        build_comune_membership, sees=frozenset({"coordinator"}), methods=("POST",)
    ),
    "accounts:token_list": scoped(
        build_social_worker_token,
        sees=frozenset({"social_worker"}),
        may_open=frozenset(STAFF) - {"social_worker"},
    ),
    "accounts:token_revoke": scoped(
        build_social_worker_token, sees=frozenset({"social_worker"}), methods=("POST",)
    ),
    "accounts:audit": scoped(
        build_audit_trail,
        sees=frozenset({"coordinator"}),
        may_open=frozenset({"association_admin"}),
    ),
    # people
    "people:list": scoped(build_person_search, may_open=OTHER_REGISTRY),
    "people:create": scoped(
        build_new_person_payload, may_open=OTHER_REGISTRY, methods=("GET", "POST")
    ),
    "people:duplicate_check": scoped(build_duplicate_check, may_open=OTHER_REGISTRY),
    "people:claim": scoped(build_claim, sees=COMUNE_REGISTRY | OTHER_REGISTRY, methods=("POST",)),
    "people:detail": scoped(build_person),
    "people:update": scoped(build_person, methods=("GET", "POST")),
    "people:alias_add": scoped(build_person, methods=("GET", "POST")),
    "people:identifier_add": scoped(build_person, methods=("GET", "POST")),
    "people:consent_add": scoped(build_person, methods=("GET", "POST")),
    "people:consent_withdraw": scoped(build_person_with_consent, methods=("POST",)),
    "people:merge": scoped(
        build_merge_candidates, sees=frozenset({"coordinator"}), methods=("GET", "POST")
    ),
    "people:merge_list": scoped(build_merge, sees=frozenset({"coordinator"})),
    "people:merge_undo": scoped(build_merge, sees=frozenset({"coordinator"}), methods=("POST",)),
    "people:household_list": scoped(build_household, may_open=OTHER_REGISTRY),
    "people:household_create": scoped(
        build_new_household_payload, may_open=OTHER_REGISTRY, methods=("GET", "POST")
    ),
    "people:household_detail": scoped(build_household),
    "people:household_update": scoped(build_household, methods=("GET", "POST")),
    "people:household_member_add": scoped(build_household_with_a_newcomer, methods=("POST",)),
    "people:household_member_end": scoped(build_household_member, methods=("POST",)),
    # API
    "api:api-root": public(status=404, api=True),
    "api:openapi-json": public(api=True),
    "api:openapi-view": public(api=True),
    "GET /api/v1/persons": scoped(build_person_search, may_open=OTHER_REGISTRY, api=True),
    "POST /api/v1/persons": scoped(
        build_new_person_payload, may_open=OTHER_REGISTRY, methods=("POST",), api=True
    ),
    "GET /api/v1/persons/{person_id}": scoped(build_person, api=True),
    "PATCH /api/v1/persons/{person_id}": scoped(build_person, methods=("PATCH",), api=True),
    "GET /api/v1/households": scoped(build_household, may_open=OTHER_REGISTRY, api=True),
    "POST /api/v1/households": scoped(
        build_new_household_payload, may_open=OTHER_REGISTRY, methods=("POST",), api=True
    ),
    "GET /api/v1/households/{household_id}": scoped(build_household, api=True),
    "PATCH /api/v1/households/{household_id}": scoped(
        build_household, methods=("PATCH",), api=True
    ),
}


def _collect_app_registries() -> None:
    """Merge the ``ENDPOINTS`` of every ``tests/access_matrix_<app>.py`` (see the docstring)."""
    for module_info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        name = module_info.name
        if not name.startswith("access_matrix_") or name == "access_matrix_registry":
            continue
        module = importlib.import_module(f"tests.{name}")
        clashes = ENDPOINTS.keys() & module.ENDPOINTS.keys()
        if clashes:
            raise RuntimeError(f"{name} declares endpoints already declared: {sorted(clashes)}")
        ENDPOINTS.update(module.ENDPOINTS)


_collect_app_registries()
