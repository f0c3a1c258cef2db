"""Demo cartelle sociali: about 150 open cases of the Comune, built through the services.

Each case has an assessment, a plan with a goal and an action (some given to Il Ponte),
an intervention coded with SIUSS (some above the approval threshold, approved by the
coordinator), a diary note (some reserved) and, for a few, a follow-up or a provision.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.cases import services
from solidale.cases.models import CaseArea, InterventionType, LifeDomain, NoteKind
from solidale.people.models import LinkReason, Person

if TYPE_CHECKING:
    from solidale.demo.city import City

#: The most cases the demo opens; a small population gets one case for every third person.
CASES = 150

REASONS = (
    "Sfratto per morosità incolpevole e perdita del lavoro",
    "Anziana sola con difficoltà nella cura di sé",
    "Nucleo con minori e reddito insufficiente",
    "Segnalazione della scuola per assenze ripetute",
    "Persona senza dimora conosciuta dall'unità di strada",
    "Disabilità sopravvenuta, richiesta di assistenza domiciliare",
)
NOTES = (
    "Colloquio in sede: ricostruita la situazione abitativa e lavorativa.",
    "Telefonata con il proprietario di casa: disponibile a un piano di rientro.",
    "Visita domiciliare: l'abitazione è adeguata ma fredda, utenze sospese.",
    "Riunione d'équipe con la cooperativa per il tirocinio di inclusione.",
)
GOALS = (
    ("housing", "Mantenere o trovare un alloggio stabile"),
    ("work", "Avviare un percorso di inserimento lavorativo"),
    ("income", "Rientrare dai debiti delle utenze"),
    ("relations", "Ridurre l'isolamento e ricostruire la rete"),
    ("autonomy", "Recuperare autonomia nelle attività quotidiane"),
)
CODES = ("A1.04", "A1.05", "A1.06", "A2.01", "A2.05", "A2.07")


def seed_demo(*, city: City, rng: random.Random) -> None:
    comune = city.comune
    staff = [
        user for user, key, role in city.users if key == "comune" and role == Role.SOCIAL_WORKER
    ]
    coordinators = [
        user for user, key, role in city.users if key == "comune" and role == Role.COORDINATOR
    ]
    partners = [
        user for user, key, role in city.users if key == "ilponte" and role == Role.ORG_OPERATOR
    ]
    if not staff or not coordinators or comune.pk is None:
        return
    candidates = list(
        Person.objects.current()
        .filter(
            links__organization=comune,
            links__reason=LinkReason.REGISTERED,
            links__ended_at__isnull=True,
            is_identified=True,
        )
        .exclude(cases__isnull=False)
        .order_by("pk")
        .distinct()
    )
    count = min(CASES, len(candidates) // 3)
    domains = {domain.code: domain for domain in LifeDomain.objects.all()}
    types = {t.code: t for t in InterventionType.objects.filter(code__in=CODES)}
    coordinator = coordinators[0]
    today = timezone.localdate()
    for person in rng.sample(candidates, count):
        worker = rng.choice(staff)
        case = services.case_open(
            actor=worker,
            person=person,
            area=rng.choice(CaseArea.values[:-1]),
            responsible=worker,
            opening_reason=rng.choice(REASONS),
            opened_at=timezone.now() - timedelta(days=rng.randint(20, 400)),
        )
        opened_on = timezone.localdate(case.opened_at)
        if partners and rng.random() < 0.3:
            services.case_member_add(
                actor=worker, case=case, user=rng.choice(partners), role="partner"
            )
        services.assessment_record(
            actor=worker,
            case=case,
            scores={
                code: (rng.randint(1, 5), "")
                for code in rng.sample(sorted(domains), rng.randint(3, 6))
            },
            summary="Valutazione iniziale.",
            assessed_on=opened_on + timedelta(days=rng.randint(0, 10)),
        )
        services.plan_save(
            actor=worker,
            case=case,
            data={
                "stage": rng.choice(("preliminary", "framework")),
                "preliminary_analysis": "Bisogni principali emersi nei primi colloqui.",
                "review_on": max(opened_on, today + timedelta(days=rng.randint(-20, 90))),
            },
        )
        domain_code, goal_title = rng.choice(GOALS)
        goal = services.plan_goal_add(
            actor=worker,
            case=case,
            title=goal_title,
            domain=domains.get(domain_code),
            target_on=today + timedelta(days=rng.randint(30, 180)),
        )
        by_partner = partners and rng.random() < 0.3
        services.plan_action_add(
            actor=worker,
            goal=goal,
            title="Colloqui di orientamento" if by_partner else "Istruttoria del contributo",
            owner_organization=city.organizations["ilponte"] if by_partner else comune,
            due_on=today + timedelta(days=rng.randint(-10, 60)),
        )
        code = rng.choice(CODES)
        amount = (
            Decimal(rng.choice((80, 150, 300, 450, 600, 900, 1200)))
            if types[code].is_economic
            else None
        )
        intervention = services.intervention_request(
            actor=worker,
            case=case,
            type=types[code],
            provider=comune,
            start_on=opened_on + timedelta(days=rng.randint(5, 15)),
            amount=amount,
            quantity=None if amount else Decimal(rng.choice((4, 8, 12))),
            unit="" if amount else "months",
        )
        if intervention.status == "requested" and rng.random() < 0.7:
            intervention = services.intervention_decide(
                actor=coordinator, intervention=intervention, approve=True
            )
        if intervention.status == "approved" and amount and rng.random() < 0.5:
            services.provision_record(
                actor=worker,
                intervention=intervention,
                provided_on=intervention.start_on,
                amount=amount,
                reference=f"Mandato {rng.randint(100, 999)}/{intervention.start_on.year}",
            )
        services.note_add(
            actor=worker,
            case=case,
            kind=rng.choice(NoteKind.values),
            text=rng.choice(NOTES),
            reserved=rng.random() < 0.2,
            at=case.opened_at + timedelta(days=rng.randint(1, 15)),
        )
        if rng.random() < 0.3:
            services.followup_add(
                actor=worker,
                case=case,
                title="Ricontattare per l'esito della domanda",
                due_on=max(opened_on, today + timedelta(days=rng.randint(-5, 20))),
                assigned_to=worker,
            )
