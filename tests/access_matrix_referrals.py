"""Who may reach the referral pages and API.

A referral is seen by the staff of its two organizations (here the Comune, which sends,
and the cooperative Il Ponte, which receives) and by nobody else: another association,
the housing agency, volunteers, the viewer and citizens are refused, and no name or
phone of the person reaches them. Lists and statistics open to every staff role, but
show each organization only its own referrals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from solidale.referrals.models import Referral
from solidale.referrals.services import referral_accept
from solidale.referrals.tests.factories import (
    FAMILY_NAME,
    GIVEN_NAME,
    PHONE,
    cooperative_service,
    open_case,
    sent_referral,
)

from .access_matrix_registry import (
    COMUNE_REGISTRY,
    OTHER_REGISTRY,
    Builder,
    Endpoint,
    Target,
    scoped,
)

if TYPE_CHECKING:
    from conftest import Personas

SECRETS = (FAMILY_NAME, GIVEN_NAME, PHONE)
#: The staff of the receiving cooperative.
RECEIVER = frozenset({"association_operator", "association_admin"})
#: The Comune staff who send from a case.
CASE_STAFF = frozenset({"social_worker", "coordinator"})
BOTH_SIDES = COMUNE_REGISTRY | RECEIVER
EVERY_STAFF_ROLE = COMUNE_REGISTRY | OTHER_REGISTRY


def _target(referral: Referral, payload: dict[str, object] | None = None) -> Target:
    return Target(
        kwargs={"pk": referral.pk, "referral_id": referral.pk},
        payload=payload or {},
        secrets=SECRETS,
    )


def build_sent(personas: Personas) -> Target:
    return _target(sent_referral(personas))


def build_accepted(personas: Personas) -> Target:
    referral = sent_referral(personas)
    referral_accept(actor=personas.association_operator, referral=referral)
    return _target(referral)


def with_payload(build: Builder, **payload: object) -> Builder:
    """The same object, with the body an API operation expects (its schema forbids extras)."""

    def _build(personas: Personas) -> Target:
        target = build(personas)
        return Target(kwargs=target.kwargs, payload=dict(payload), secrets=target.secrets)

    return _build


def build_accepted_form(personas: Personas) -> Target:
    """The page forms are prefixed: the same answers, as a browser would post them."""
    target = build_accepted(personas)
    return Target(
        kwargs=target.kwargs,
        payload={"complete-outcome": "met", "cancel-reason": "Non serve più", "body": "Ciao"},
        secrets=SECRETS,
    )


def build_sent_form(personas: Personas) -> Target:
    target = build_sent(personas)
    return Target(
        kwargs=target.kwargs,
        payload={"decline-reason": "no_capacity", "accept-note": ""},
        secrets=SECRETS,
    )


def build_new_referral(personas: Personas) -> Target:
    case = open_case(personas)
    service = cooperative_service(personas)
    return Target(
        query={"case": str(case.pk)},
        payload={
            "case": case.pk,
            "case_id": case.pk,
            "service": service.pk,
            "service_id": service.pk,
            "reason": "Lavoro",
            "urgency": "normal",
        },
        secrets=SECRETS,
    )


def build_api_new_referral(personas: Personas) -> Target:
    target = build_new_referral(personas)
    payload = {
        "case_id": target.payload["case_id"],
        "service_id": target.payload["service_id"],
        "reason": "Lavoro",
    }
    return Target(payload=payload, secrets=SECRETS)


def build_lists(personas: Personas) -> Target:
    """An accepted referral: the cooperative's inbox and the Comune's outbox name the person."""
    target = build_accepted(personas)
    return Target(secrets=target.secrets)


ENDPOINTS: dict[str, Endpoint] = {
    # pages
    "referrals:inbox": scoped(build_lists, sees=RECEIVER, may_open=EVERY_STAFF_ROLE - RECEIVER),
    "referrals:outbox": scoped(
        build_lists, sees=COMUNE_REGISTRY, may_open=EVERY_STAFF_ROLE - COMUNE_REGISTRY
    ),
    "referrals:stats": scoped(
        build_lists, sees=frozenset(), may_open=EVERY_STAFF_ROLE | {"viewer"}
    ),
    "referrals:create": scoped(build_new_referral, sees=CASE_STAFF, methods=("GET", "POST")),
    "referrals:detail": scoped(build_accepted, sees=BOTH_SIDES),
    "referrals:accept": scoped(build_sent_form, sees=RECEIVER, methods=("POST",)),
    "referrals:decline": scoped(build_sent_form, sees=RECEIVER, methods=("POST",)),
    "referrals:start": scoped(build_accepted_form, sees=RECEIVER, methods=("POST",)),
    "referrals:complete": scoped(build_accepted_form, sees=RECEIVER, methods=("POST",)),
    "referrals:cancel": scoped(build_accepted_form, sees=COMUNE_REGISTRY, methods=("POST",)),
    "referrals:comment": scoped(build_accepted_form, sees=BOTH_SIDES, methods=("POST",)),
    # API
    "GET /api/v1/referrals/inbox": scoped(
        build_lists, sees=RECEIVER, may_open=EVERY_STAFF_ROLE - RECEIVER, api=True
    ),
    "GET /api/v1/referrals/outbox": scoped(
        build_lists,
        sees=COMUNE_REGISTRY,
        may_open=EVERY_STAFF_ROLE - COMUNE_REGISTRY,
        api=True,
    ),
    "POST /api/v1/referrals": scoped(
        build_api_new_referral, sees=CASE_STAFF, methods=("POST",), api=True
    ),
    "GET /api/v1/referrals/{referral_id}": scoped(build_accepted, sees=BOTH_SIDES, api=True),
    "POST /api/v1/referrals/{referral_id}/accept": scoped(
        with_payload(build_sent, note=""), sees=RECEIVER, methods=("POST",), api=True
    ),
    "POST /api/v1/referrals/{referral_id}/decline": scoped(
        with_payload(build_sent, reason="no_capacity"), sees=RECEIVER, methods=("POST",), api=True
    ),
    "POST /api/v1/referrals/{referral_id}/start": scoped(
        with_payload(build_accepted, note=""), sees=RECEIVER, methods=("POST",), api=True
    ),
    "POST /api/v1/referrals/{referral_id}/complete": scoped(
        with_payload(build_accepted, outcome="met"), sees=RECEIVER, methods=("POST",), api=True
    ),
    "POST /api/v1/referrals/{referral_id}/cancel": scoped(
        with_payload(build_accepted, reason="Non serve più"),
        sees=COMUNE_REGISTRY,
        methods=("POST",),
        api=True,
    ),
    "POST /api/v1/referrals/{referral_id}/comments": scoped(
        with_payload(build_accepted, body="Messaggio"), sees=BOTH_SIDES, methods=("POST",), api=True
    ),
}
