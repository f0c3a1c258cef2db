"""Demo neighbourhoods: routing of the report categories, about sixty place reports on
the public map in every status (some grouped as duplicates), a few social reports (some
waiting at the desk, some taken in charge), presidi with two months of sessions, and
participation events (a past assembly with proposals, answers and decisions; upcoming
meetings with registrations). Built through ``neighbourhoods.services``."""

from __future__ import annotations

import random
from datetime import time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.neighbourhoods import services
from solidale.neighbourhoods.models import ParticipationEvent, Report, ReportCategory

if TYPE_CHECKING:
    from solidale.demo.city import City

PLACE_REPORTS = 60
#: category code → organization key of the office that answers (the rest go to the Comune).
ROUTING = {"persona-in-strada": "croceazzurra", "conflitto-vicinato": "ilponte"}
PLACE_TEXTS = {
    "illuminazione": (
        "Lampione spento da giorni",
        "Tre lampioni guasti lungo la via",
        "Luce del sottopasso spenta",
    ),
    "degrado-urbano": (
        "Rifiuti abbandonati vicino ai cassonetti",
        "Panchina rotta nel giardino",
        "Scritte sul muro della scuola",
    ),
    "luogo-abbandonato": (
        "Capannone abbandonato con il cancello aperto",
        "Casa colonica vuota, ci entrano ragazzi",
    ),
    "barriere-architettoniche": (
        "Marciapiede senza scivolo all'incrocio",
        "Auto sempre parcheggiate sullo scivolo",
    ),
    "conflitto-vicinato": (
        "Liti frequenti nel cortile condominiale",
        "Tensioni per la musica notturna",
    ),
}
SOCIAL = (
    (
        "anziano-solo",
        "Un signore anziano del secondo piano vive solo, non lo vediamo da qualche giorno",
    ),
    ("persona-in-strada", "Un uomo dorme sotto il portico della stazione, di notte fa freddo"),
    ("persona-in-difficolta", "Una donna con due bambini chiede aiuto davanti al supermercato"),
    ("anziano-solo", "Un'anziana vicina di casa non riesce più a fare la spesa da sola"),
    ("persona-in-strada", "Una persona dorme in macchina nel parcheggio della Marina"),
)
STATUS_PATHS = (
    (),
    ("assigned",),
    ("assigned", "in_progress"),
    ("in_progress", "resolved"),
    ("assigned", "resolved"),
    ("closed",),
)
#: title, kind, organization key, neighbourhood, place, weekday, start hour
PRESIDI = (
    ("Punto di presenza al mercato", "presence_point", "comune", "Romagnano", "Piazza del mercato", 1, 9),
    ("Passeggiata serale con i volontari", "walk", "ilponte", "Borgo del Ponte", "Ritrovo in Via Bastione", 3, 18),
    ("Spazio di comunità del Villaggio", "community_hub", "larete", "Villette", "Centro civico Villette", 2, 15),
    ("Aiuto compiti", "homework", "ilponte", "Centro", "Biblioteca civica", 0, 15),
    ("Portierato sociale", "presence_point", "larete", "Quercioli", "Palazzine ERP, androne scala B", 4, 10),
)  # fmt: skip
PROPOSALS = (
    (
        "Illuminare il parco giochi",
        "Il parco di via Marina Vecchia è buio d'inverno: servono lampioni.",
        "accepted",
        "I lampioni saranno installati entro la primavera.",
    ),
    (
        "Un doposcuola il sabato",
        "Molte famiglie lavorano il sabato: proponiamo un doposcuola.",
        "under_review",
        "",
    ),
    (
        "Più panchine all'ombra",
        "Gli anziani non hanno dove sedersi lungo il viale.",
        "rejected",
        "Il viale è in rifacimento: le panchine arriveranno con il nuovo progetto.",
    ),
)


def _member(city: City, key: str, roles: tuple[str, ...]) -> Any:
    for role in roles:
        for user, org, user_role in city.users:
            if org == key and user_role == role:
                return user
    return None


def _point(city: City, name: str, rng: random.Random) -> tuple[float, float]:
    area = city.neighbourhoods[name]
    return (
        (area.centroid_lat or 44.035) + rng.uniform(-0.0015, 0.0015),
        (area.centroid_lon or 10.14) + rng.uniform(-0.0015, 0.0015),
    )


def _backdate(report: Report, days: int) -> None:
    when = timezone.now() - timedelta(days=days, hours=3)
    Report.objects.filter(pk=report.pk).update(created_at=when)
    report.events.filter(status="received").update(at=when)


def _routing(city: City, coordinator: Any) -> None:
    for code, key in ROUTING.items():
        services.category_route(
            actor=coordinator,
            category=ReportCategory.objects.get(code=code),
            organization=city.organizations[key],
        )


def _place_reports(city: City, rng: random.Random, handler: Any, citizen: Any) -> None:
    names = list(city.neighbourhoods)
    categories = {c.code: c for c in ReportCategory.objects.filter(is_sensitive=False)}
    previous: Report | None = None
    for i in range(PLACE_REPORTS):
        code = rng.choice(list(PLACE_TEXTS))
        name = rng.choice(names)
        lat, lon = _point(city, name, rng)
        if (
            previous is not None
            and previous.latitude is not None
            and previous.longitude is not None
            and i % 12 == 0
        ):  # a neighbour reports the same thing again
            code, lat, lon = previous.category.code, previous.latitude + 0.0001, previous.longitude
        report = services.report_submit(
            data={
                "category": categories[code],
                "description": rng.choice(PLACE_TEXTS[code]),
                "latitude": lat,
                "longitude": lon,
                "address": f"{name}, vicino al civico {rng.randint(1, 80)}",
                "contact_preference": "in_app" if i % 5 == 0 else "none",
            },
            reporter=citizen if i % 5 == 0 else None,
        )
        _backdate(report, rng.randint(1, 60))
        actor = (
            handler
            if report.organization_id == city.comune.pk
            else _member(city, list(ROUTING.values())[1], (Role.ORG_OPERATOR, Role.ORG_ADMIN))
        )
        if actor is not None and i % 9 != 4:  # a few wait in the moderation queue
            report = services.report_publish(
                actor=actor,
                report=report,
                public_description=report.description,
                show_photo=False,
            )
        if report.duplicate_of_id is None and actor is not None:
            for status in rng.choice(STATUS_PATHS):
                note = {
                    "resolved": "Intervento eseguito dalla squadra.",
                    "closed": "Non di competenza comunale: girata al gestore.",
                }.get(status, "")
                report = services.report_set_status(
                    actor=actor, report=report, status=status, note=note
                )
        previous = report


def _social_reports(city: City, rng: random.Random, handler: Any, citizen: Any) -> None:
    for i, (code, text) in enumerate(SOCIAL):
        lat, lon = _point(
            city,
            ("Centro", "Marina di Massa", "Quercioli", "Romagnano", "Ronchi")[i],
            rng,
        )
        report = services.report_submit(
            data={
                "category": ReportCategory.objects.get(code=code),
                "description": text,
                "latitude": lat,
                "longitude": lon,
                "contact_preference": "in_app" if i == 0 else "none",
            },
            reporter=citizen if i == 0 else None,
        )
        if i in (1, 3) and report.organization_id == city.comune.pk:
            services.report_take_in_charge(actor=handler, report=report)


def _presidi(city: City, rng: random.Random) -> None:
    today = timezone.localdate()
    for title, kind, key, area, place, weekday, hour in PRESIDI:
        organizer = _member(
            city, key, (Role.SOCIAL_WORKER, Role.ORG_OPERATOR, Role.ORG_ADMIN, Role.COORDINATOR)
        )
        presidio = services.presidio_create(
            actor=organizer,
            data={
                "title": title,
                "kind": kind,
                "neighbourhood": city.neighbourhoods[area],
                "place": place,
                "weekday": weekday,
                "start_time": time(hour, 0),
                "end_time": time(hour + 2, 0),
            },
        )
        last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
        for week in range(8):
            services.presidio_session_record(
                actor=organizer,
                presidio=presidio,
                day=last - timedelta(weeks=week),
                attendance=rng.randint(3, 25),
                volunteers=rng.choice(("Vera, Mario", "Giulia, Franco, Ahmed", "Lucia")),
                outcome=rng.choice(
                    (
                        "Richieste sulle bollette",
                        "Clima sereno, molti anziani",
                        "Due famiglie indirizzate allo sportello",
                        "",
                    )
                ),
            )


def _events(city: City, citizen: Any) -> None:
    organizer = _member(city, "comune", (Role.SOCIAL_WORKER,))
    now = timezone.now()
    past = services.event_create(
        actor=organizer,
        data={
            "title": "Assemblea di quartiere alle Villette",
            "kind": "assembly",
            "neighbourhood": city.neighbourhoods["Villette"],
            "starts_at": now + timedelta(hours=1),
            "place": "Centro civico Villette",
            "capacity": 80,
        },
    )
    services.event_register(actor=citizen, event=past)
    for title, text, status, answer in PROPOSALS:
        proposal = services.proposal_submit(actor=citizen, event=past, title=title, text=text)
        services.proposal_answer(actor=organizer, proposal=proposal, status=status, answer=answer)
    ParticipationEvent.objects.filter(pk=past.pk).update(starts_at=now - timedelta(days=20))
    past.refresh_from_db()
    services.event_attendance_record(
        actor=organizer,
        event=past,
        attended_ids=list(past.registrations.values_list("pk", flat=True)),
        total=42,
    )
    services.event_decisions_publish(
        actor=organizer,
        event=past,
        decisions="Nuova illuminazione al parco giochi entro marzo; tavolo mensile con le associazioni del quartiere.",
    )
    for days, title, area, place in (
        (9, "Incontro sul portierato sociale", "Quercioli", "Sala parrocchiale Quercioli"),
        (16, "Assemblea di quartiere a Romagnano", "Romagnano", "Scuola primaria di Romagnano"),
    ):
        upcoming = services.event_create(
            actor=organizer,
            data={
                "title": title,
                "kind": "meeting" if "Incontro" in title else "assembly",
                "neighbourhood": city.neighbourhoods[area],
                "starts_at": (now + timedelta(days=days)).replace(
                    hour=18, minute=0, second=0, microsecond=0
                ),
                "place": place,
                "capacity": 60,
            },
        )
        if days == 9:
            services.event_register(actor=citizen, event=upcoming)


def seed_demo(*, city: City, rng: random.Random) -> None:
    if Report.objects.exists():
        return
    coordinator = _member(city, "comune", (Role.COORDINATOR,))
    handler = _member(city, "comune", (Role.DESK_OPERATOR,))
    citizen = next(user for user, org, _role in city.users if not org)
    _routing(city, coordinator)
    _place_reports(city, rng, handler, citizen)
    _social_reports(city, rng, handler, citizen)
    _presidi(city, rng)
    _events(city, citizen)
