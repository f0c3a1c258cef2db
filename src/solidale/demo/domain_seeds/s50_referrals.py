"""Demo referrals: about 80 invii from the Comune's open cases to the associations'
services, in every status (sent — some overdue —, accepted, in progress, completed,
declined, withdrawn), with back-dated steps so the statistics have real durations.

Runs after the network seed (services) and the cases seed (open cases); built through
``referrals.services``. When either is missing it does nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.cases.models import Case, CaseStatus
from solidale.network.models import Service, ServiceStatus
from solidale.people.models import Consent
from solidale.referrals import services
from solidale.referrals.models import DeclineReason, Outcome, Urgency

if TYPE_CHECKING:
    from solidale.demo.city import City

REFERRALS = 80
#: The status each referral ends in, in turn (so every status appears).
PLAN = (
    "completed",
    "in_progress",
    "sent",
    "accepted",
    "declined",
    "completed",
    "sent_overdue",
    "in_progress",
    "cancelled",
    "completed",
)
REASONS = (
    "Accompagnamento nella ricerca di un lavoro dopo la perdita dell'impiego",
    "Sostegno alimentare per il nucleo in attesa dell'Assegno di Inclusione",
    "Orientamento legale per lo sfratto in corso",
    "Attività di socializzazione per ridurre l'isolamento",
    "Mediazione linguistica per i colloqui con i servizi",
    "Accoglienza notturna durante l'emergenza freddo",
)
PROGRESS = (
    "Primo colloquio svolto, la persona è motivata.",
    "Fissato un secondo incontro la prossima settimana.",
    "Consegnati i documenti richiesti.",
)
#: The roles of the receiving organization that accept and work on referrals.
RECEIVER_ROLES = frozenset({Role.ORG_OPERATOR, Role.ORG_ADMIN, Role.HOUSING_OFFICER})


def seed_demo(*, city: City, rng: random.Random) -> None:
    comune = city.comune
    staff_by_org: dict[int, list[Any]] = defaultdict(list)
    for user, key, role in city.users:
        if role in RECEIVER_ROLES:
            staff_by_org[city.organizations[key].pk].append(user)
    services_list = [
        service
        for service in Service.objects.filter(
            status=ServiceStatus.ACTIVE, organization__is_active=True
        )
        .exclude(organization=comune)
        .select_related("organization")
        .prefetch_related("need_categories")
        .order_by("pk")
        if staff_by_org.get(service.organization_id)
    ]
    cases = list(
        Case.objects.filter(organization=comune, status=CaseStatus.OPEN)
        .select_related("person", "responsible")
        .order_by("pk")[:REFERRALS]
    )
    if not services_list or not cases:
        return
    now = timezone.now()
    for index, case in enumerate(cases):
        _seed_one(
            case=case,
            service=services_list[index % len(services_list)],
            staff=staff_by_org,
            plan=PLAN[index % len(PLAN)],
            now=now,
            rng=rng,
        )


def _seed_one(
    *,
    case: Case,
    service: Service,
    staff: dict[int, list[Any]],
    plan: str,
    now: Any,
    rng: random.Random,
) -> None:
    sender = case.responsible
    receiver = rng.choice(staff[service.organization_id])
    urgency = rng.choice(Urgency.values)
    if plan == "sent":
        sent_at = now - timedelta(minutes=rng.randint(10, 120))
    elif plan == "sent_overdue":
        sent_at = now - timedelta(days=rng.randint(6, 12))
    else:
        sent_at = now - timedelta(days=rng.randint(8, 60), hours=rng.randint(0, 23))
    has_consent = case.person.consents.filter(
        purpose=Consent.Purpose.NETWORK_SHARING, withdrawn_at__isnull=True
    ).exists()
    need = next(iter(service.need_categories.all()), None)
    referral = services.referral_send(
        actor=sender,
        source=case,
        service=service,
        reason=rng.choice(REASONS),
        urgency=urgency,
        need=need,
        summary="Persona seguita dal Servizio Sociale; contattare prima per telefono.",
        show_identity_before_acceptance=rng.random() < 0.3,
        legal_basis="" if has_consent else Consent.LegalBasis.PUBLIC_TASK,
        now=sent_at,
    )
    if plan.startswith("sent"):
        return
    handled_at = sent_at + timedelta(hours=rng.randint(2, 70))
    if plan == "declined":
        services.referral_decline(
            actor=receiver,
            referral=referral,
            reason=rng.choice([DeclineReason.NO_CAPACITY, DeclineReason.NOT_ELIGIBLE]),
            at=handled_at,
        )
        return
    if plan == "cancelled":
        services.referral_cancel(
            actor=sender,
            referral=referral,
            reason="La persona ha trovato una soluzione da sola.",
            at=sent_at + timedelta(hours=rng.randint(1, 20)),
        )
        return
    services.referral_accept(actor=receiver, referral=referral, at=handled_at)
    if plan == "accepted":
        return
    started_at = handled_at + timedelta(hours=rng.randint(4, 48))
    services.referral_start(actor=receiver, referral=referral, at=started_at)
    services.referral_comment_add(
        actor=receiver,
        referral=referral,
        body=rng.choice(PROGRESS),
        at=started_at + timedelta(hours=2),
    )
    if plan == "in_progress":
        return
    services.referral_complete(
        actor=receiver,
        referral=referral,
        outcome=rng.choice([Outcome.MET, Outcome.MET, Outcome.PARTIALLY_MET, Outcome.NOT_MET]),
        note="Percorso concluso, la persona è stata informata.",
        at=min(started_at + timedelta(days=rng.randint(3, 20)), now - timedelta(hours=1)),
    )
