"""Demo Segretariato Sociale: the Comune's desks in four neighbourhoods and Il Ponte's
listening point; a few hundred accesses over the last four months across channels and
needs (some still waiting for an answer, some with a follow-up); online requests in triage.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.desk.models import Channel, Office, OnlineRequest, Outcome, Urgency
from solidale.desk.services import (
    NeedInput,
    access_record,
    office_create,
    online_request_set_status,
    online_request_submit,
    triage_assign,
)
from solidale.network.models import NeedCategory
from solidale.people.models import Person

if TYPE_CHECKING:
    from solidale.demo.city import City

ACCESSES = 320
DAYS_BACK = 120
#: (organization key, office name, neighbourhood, address)
OFFICES = (
    ("comune", "Sportello sociale Centro", "Centro", "Via Porta Fabbrica 1"),
    ("comune", "Sportello sociale Marina di Massa", "Marina di Massa", "Piazza Betti 4"),
    ("comune", "Sportello sociale Romagnano", "Romagnano", "Via Romagnano 52"),
    ("comune", "Sportello sociale Quercioli", "Quercioli", "Via Quercioli 10"),
    ("ilponte", "Punto di ascolto Il Ponte", "Borgo del Ponte", "Via Bastione 7"),
)
CHANNEL_WEIGHTS = (
    (Channel.DESK, 50),
    (Channel.PHONE, 20),
    (Channel.EMAIL, 6),
    (Channel.HOME_VISIT, 6),
    (Channel.STREET, 8),
    (Channel.PARTNER, 10),
)
NEED_WEIGHTS = (
    ("housing", 18),
    ("income", 16),
    ("work", 12),
    ("food", 10),
    ("health", 6),
    ("disability", 5),
    ("family", 7),
    ("loneliness", 6),
    ("addictions", 2),
    ("justice", 2),
    ("documents", 6),
    ("education", 2),
    ("violence", 2),
    ("homelessness", 4),
    ("digital", 4),
)
OUTCOME_WEIGHTS = (
    (Outcome.INFORMATION, 35),
    (Outcome.ORIENTATION, 25),
    (Outcome.REFERRAL, 18),
    (Outcome.TAKING_CHARGE, 8),
    (Outcome.NO_FOLLOW_UP, 6),
    (Outcome.PENDING, 8),
)
URGENCY_WEIGHTS = ((Urgency.LOW, 25), (Urgency.MEDIUM, 50), (Urgency.HIGH, 20), (Urgency.URGENT, 5))
REQUESTS = (
    "Ho ricevuto lo sfratto e non so a chi rivolgermi.",
    "Non riesco a pagare le bollette di luce e gas da tre mesi.",
    "Mia madre anziana vive sola e non riesce più a fare la spesa.",
    "Cerco lavoro da un anno, vorrei un orientamento.",
    "Mi serve aiuto per la domanda dell'Assegno di inclusione.",
    "Devo rinnovare il permesso di soggiorno e non capisco i documenti.",
)
INFORMATION = (
    "Spiegati i requisiti del contributo affitto e i documenti da portare.",
    "Dati i recapiti del Centro per l'impiego e del CAF convenzionato.",
    "Indicati gli orari dell'emporio solidale e della mensa.",
    "Spiegata la procedura per l'Assegno di inclusione su GePI.",
)
REFERRERS = ("", "", "", "medico di base", "scuola", "parrocchia", "vicini di casa", "CAF")
UNIDENTIFIED = (
    "Uomo sui 50 anni, barba grigia, dorme in stazione",
    "Giovane donna con un bambino piccolo, parla poco italiano",
    "Anziano con bastone, incontrato ai giardini di piazza Aranci",
)
ONLINE_REQUESTS = (
    ("food", "self", "Da questo mese non riesco a fare la spesa per i miei figli."),
    ("housing", "self", "Il padrone di casa vuole mandarci via entro due mesi."),
    ("loneliness", "someone_else", "La vicina del terzo piano vive sola e non esce da giorni."),
    (
        "homelessness",
        "someone_else",
        "Un signore dorme sotto i portici di via Dante da una settimana.",
    ),
    ("digital", "self", "Non so usare lo SPID per la domanda del bonus."),
    ("violence", "someone_else", "Sento spesso urla dall'appartamento accanto, ho paura per lei."),
    ("income", "self", "Ho perso il lavoro e ho un mutuo da pagare."),
    ("documents", "self", "Mi serve aiuto per la residenza: vivo in un alloggio di fortuna."),
)


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _user(city: City, key: str, role: str) -> Any:
    return next(user for user, org, user_role in city.users if org == key and user_role == role)


def _offices(city: City) -> dict[str, list[Office]]:
    coordinator = _user(city, "comune", Role.COORDINATOR)
    admin = _user(city, "ilponte", Role.ORG_ADMIN)
    offices: dict[str, list[Office]] = {}
    for key, name, neighbourhood, address in OFFICES:
        organization = city.organizations[key]
        office = Office.objects.filter(organization=organization, name=name).first()
        if office is None:
            office = office_create(
                actor=coordinator if key == "comune" else admin,
                organization=organization,
                name=name,
                address=address,
                neighbourhood=city.neighbourhoods.get(neighbourhood),
            )
        offices.setdefault(key, []).append(office)
    return offices


def _needs(rng: random.Random, categories: set[str]) -> list[NeedInput]:
    count = rng.choices((1, 2, 3), weights=(60, 30, 10), k=1)[0]
    codes: list[str] = []
    while len(codes) < count:
        code = _pick(rng, NEED_WEIGHTS)
        if code in categories and code not in codes:
            codes.append(code)
    return [NeedInput(code, _pick(rng, URGENCY_WEIGHTS)) for code in codes]


def seed_demo(*, city: City, rng: random.Random) -> None:
    offices = _offices(city)
    categories = set(NeedCategory.objects.filter(is_active=True).values_list("code", flat=True))
    comune_staff = [
        _user(city, "comune", Role.DESK_OPERATOR),
        _user(city, "comune", Role.DESK_OPERATOR),
        _user(city, "comune", Role.SOCIAL_WORKER),
    ]
    partner = _user(city, "ilponte", Role.ORG_OPERATOR)
    comune_persons = list(
        Person.objects.visible_to(comune_staff[0]).order_by("pk").values_list("pk", flat=True)
    )
    partner_persons = list(
        Person.objects.visible_to(partner).order_by("pk").values_list("pk", flat=True)
    )
    persons = Person.objects.in_bulk(comune_persons + partner_persons)
    now = timezone.now()
    pending: list[Any] = []
    for index in range(ACCESSES):
        at_partner = index % 9 == 0 and bool(partner_persons)
        actor = partner if at_partner else comune_staff[index % len(comune_staff)]
        pool = partner_persons if at_partner else comune_persons
        days_back = min(DAYS_BACK, int(rng.expovariate(1 / 35)))
        occurred_at = now - timedelta(days=days_back, minutes=rng.randint(0, 59))
        occurred_at = occurred_at.replace(hour=rng.randint(8, 12))
        if occurred_at > now:
            occurred_at = now - timedelta(minutes=rng.randint(5, 120))
        channel = _pick(rng, CHANNEL_WEIGHTS)
        outcome = _pick(rng, OUTCOME_WEIGHTS)
        recent = (now - occurred_at).days <= 7
        if recent and rng.random() < 0.3:
            outcome = Outcome.PENDING
        elif outcome == Outcome.PENDING and not recent:
            outcome = Outcome.ORIENTATION
        follow_up = None
        if recent and outcome in (Outcome.ORIENTATION, Outcome.REFERRAL) and rng.random() < 0.5:
            follow_up = timezone.localdate() + timedelta(days=rng.randint(0, 10))
        unidentified = (channel == Channel.STREET and rng.random() < 0.5) or not pool
        office_list = offices["ilponte" if at_partner else "comune"]
        access = access_record(
            actor=actor,
            data={
                "occurred_at": occurred_at,
                "channel": channel,
                "office": rng.choice(office_list) if channel == Channel.DESK else None,
                "unidentified_description": rng.choice(UNIDENTIFIED) if unidentified else "",
                "referred_by": rng.choice(REFERRERS),
                "request": rng.choice(REQUESTS),
                "information_given": rng.choice(INFORMATION),
                "outcome": outcome,
                "follow_up_on": follow_up,
                "privacy_notice_given": not unidentified,
            },
            needs=_needs(rng, categories),
            person=None if unidentified else persons[rng.choice(pool)],
        )
        if outcome == Outcome.PENDING:
            pending.append((actor, access))
    for actor, access in pending[::3]:
        triage_assign(actor=actor, item=access, assignee=actor)
    desk_operator = comune_staff[0]
    coordinator = _user(city, "comune", Role.COORDINATOR)
    for index, (category, subject, text) in enumerate(ONLINE_REQUESTS):
        online_request = online_request_submit(
            data={
                "subject": subject,
                "category": category,
                "text": text,
                "contact_preference": "email" if index % 2 else "phone",
                "contact_email": f"richiedente{index}@example.demo" if index % 2 else "",
                "contact_phone": "" if index % 2 else f"+39 333 55501{index:02d}",
                "consent": True,
            }
        )
        if index % 4 == 0:
            triage_assign(actor=coordinator, item=online_request, assignee=desk_operator)
        if index % 4 == 2:
            online_request_set_status(
                actor=coordinator,
                online_request=online_request,
                status=OnlineRequest.Status.ANSWERED,
                answer="La aspettiamo allo sportello sociale del Centro, martedì dalle 9 alle 12.",
            )
