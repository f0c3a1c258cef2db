"""Demo referrals: about 80 invii from the Comune's open cases to the associations'
services, and some back from the associations (from an access at their desk) to the
Comune's services, in every status (sent — some overdue —, accepted, in progress,
completed, declined, withdrawn), with back-dated steps so the statistics have real
durations.

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
from solidale.desk.models import Access
from solidale.desk.services import NeedInput, access_record
from solidale.network.models import Service, ServiceStatus
from solidale.people.models import Consent, Person
from solidale.referrals import services
from solidale.referrals.models import DeclineReason, Outcome, Referral, ReferralStatus, Urgency

if TYPE_CHECKING:
    from solidale.demo.city import City

REFERRALS = 70
#: Referrals the associations send back to the Comune's services.
BACK_TO_THE_COMUNE = 10
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
RECEIVER_ROLES = frozenset(
    {
        Role.ORG_OPERATOR,
        Role.ORG_ADMIN,
        Role.HOUSING_OFFICER,
        Role.SOCIAL_WORKER,
        Role.DESK_OPERATOR,
    }
)


def seed_demo(*, city: City, rng: random.Random) -> None:
    comune = city.comune
    staff_by_org: dict[int, list[Any]] = defaultdict(list)
    for user, key, role in city.users:
        if role in RECEIVER_ROLES:
            staff_by_org[city.organizations[key].pk].append(user)
    active = [
        service
        for service in Service.objects.filter(
            status=ServiceStatus.ACTIVE, organization__is_active=True
        )
        .select_related("organization")
        .prefetch_related("need_categories")
        .order_by("pk")
        if staff_by_org.get(service.organization_id)
    ]
    partners = [service for service in active if service.organization_id != comune.pk]
    cases = list(
        Case.objects.filter(organization=comune, status=CaseStatus.OPEN)
        .select_related("person", "responsible")
        .order_by("pk")
    )
    if not partners or not cases:
        return
    now = timezone.now()
    in_progress = []
    for index in range(REFERRALS):
        case = cases[index % len(cases)]
        referral = _seed_one(
            source=case,
            sender=case.responsible,
            person=case.person,
            service=partners[(index * 7) % len(partners)],
            staff=staff_by_org,
            plan=PLAN[index % len(PLAN)],
            now=now,
            rng=rng,
        )
        if referral.status == ReferralStatus.IN_PROGRESS:
            in_progress.append(referral)
    comune_services = [service for service in active if service.organization_id == comune.pk]
    for index, referral in enumerate(in_progress[:BACK_TO_THE_COMUNE]):
        if not comune_services:
            break
        _seed_back_to_the_comune(
            referral=referral,
            service=comune_services[index % len(comune_services)],
            staff=staff_by_org,
            plan=PLAN[(index * 3) % len(PLAN)],
            now=now,
            rng=rng,
        )


def _seed_back_to_the_comune(
    *,
    referral: Referral,
    service: Service,
    staff: dict[int, list[Any]],
    plan: str,
    now: Any,
    rng: random.Random,
) -> None:
    """The partner that follows the person records an access and sends them to the Comune."""
    operator = referral.handled_by
    access = access_record(
        actor=operator,
        person=referral.person,
        data={"request": "Chiede un colloquio con l'assistente sociale", "channel": "partner"},
        needs=[NeedInput(code="income")],
    )
    _seed_one(
        source=access,
        sender=operator,
        person=referral.person,
        service=service,
        staff=staff,
        plan=plan,
        now=now,
        rng=rng,
    )


def _seed_one(
    *,
    source: Case | Access,
    sender: Any,
    person: Person,
    service: Service,
    staff: dict[int, list[Any]],
    plan: str,
    now: Any,
    rng: random.Random,
) -> Referral:
    receiver = rng.choice(staff[service.organization_id])
    urgency = rng.choice(Urgency.values)
    if plan == "sent":
        sent_at = now - timedelta(minutes=rng.randint(10, 120))
    elif plan == "sent_overdue":
        sent_at = now - timedelta(days=rng.randint(6, 12))
    else:
        sent_at = now - timedelta(days=rng.randint(8, 60), hours=rng.randint(0, 23))
    has_consent = person.consents.filter(
        purpose=Consent.Purpose.NETWORK_SHARING, withdrawn_at__isnull=True
    ).exists()
    need = next(iter(service.need_categories.all()), None)
    referral = services.referral_send(
        actor=sender,
        source=source,
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
        return referral
    handled_at = sent_at + timedelta(hours=rng.randint(2, 70))
    if plan == "declined":
        referral = services.referral_decline(
            actor=receiver,
            referral=referral,
            reason=rng.choice([DeclineReason.NO_CAPACITY, DeclineReason.NOT_ELIGIBLE]),
            at=handled_at,
        )
    if plan == "cancelled":
        referral = services.referral_cancel(
            actor=sender,
            referral=referral,
            reason="La persona ha trovato una soluzione da sola.",
            at=sent_at + timedelta(hours=rng.randint(1, 20)),
        )
    if plan in ("declined", "cancelled"):
        return referral
    referral = services.referral_accept(actor=receiver, referral=referral, at=handled_at)
    if plan == "accepted":
        return referral
    started_at = handled_at + timedelta(hours=rng.randint(4, 48))
    referral = services.referral_start(actor=receiver, referral=referral, at=started_at)
    services.referral_comment_add(
        actor=receiver,
        referral=referral,
        body=rng.choice(PROGRESS),
        at=started_at + timedelta(hours=2),
    )
    if plan == "in_progress":
        return referral
    return services.referral_complete(
        actor=receiver,
        referral=referral,
        outcome=rng.choice([Outcome.MET, Outcome.MET, Outcome.PARTIALLY_MET, Outcome.NOT_MET]),
        note="Percorso concluso, la persona è stata informata.",
        at=min(started_at + timedelta(days=rng.randint(3, 20)), now - timedelta(hours=1)),
    )
