"""Demo coordination table: past meetings with published minutes, decisions and actions
(some overdue, some done), an upcoming meeting, and about fifteen aggregate needs on the
board with pledges in every status. Built through ``tavolo.services``."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.network.models import NeedCategory
from solidale.tavolo import services
from solidale.tavolo.models import Need
from solidale.tavolo.permissions import WRITE_ROLES

if TYPE_CHECKING:
    from solidale.demo.city import City

INVITED = ("ilponte", "larete", "manoamica", "carita", "bancoalimentare", "croceazzurra", "erp")

#: (days ago, title, [(agenda point, minutes, decision, vote, [(action, owner key, deadline offset, status)])])
MEETINGS: tuple[
    tuple[int, str, list[tuple[str, str, str, str, list[tuple[str, str, int, str]]]]], ...
] = (
    (
        75,
        "Tavolo solidale di settembre",
        [
            (
                "Piano freddo: posti letto per l'inverno",
                "Il Mantello riferisce 24 posti occupati su 26. Si valuta l'apertura di un "
                "dormitorio temporaneo da dicembre.",
                "Aprire un dormitorio temporaneo di 15 posti dal 1° dicembre",
                "all'unanimità",
                [
                    ("Individuare i locali per il dormitorio temporaneo", "carita", -40, "done"),
                    (
                        "Turni dei volontari per le notti di dicembre",
                        "croceazzurra",
                        -10,
                        "in_progress",
                    ),
                ],
            ),
            (
                "Distribuzione alimentare nei quartieri a monte",
                "Il Banco Apuano segnala una domanda crescente a Romagnano e Castagnola.",
                "Attivare un punto di distribuzione mensile a Romagnano",
                "consenso",
                [("Punto di distribuzione mensile a Romagnano", "bancoalimentare", -20, "done")],
            ),
        ],
    ),
    (
        40,
        "Tavolo solidale di ottobre",
        [
            (
                "Caldaie guaste negli alloggi ERP",
                "ERP conferma i guasti in due condomini; tempi di riparazione incerti.",
                "Fornire stufe elettriche in comodato alle famiglie senza riscaldamento",
                "7 favorevoli, 1 astenuto",
                [
                    (
                        "Consegnare stufe elettriche alle famiglie indicate da ERP",
                        "ilponte",
                        -5,
                        "open",
                    ),
                    ("Calendario delle riparazioni condominiali", "erp", -3, "in_progress"),
                ],
            ),
            (
                "Solitudine degli anziani d'estate",
                "Argento Attivo propone telefonate settimanali di compagnia.",
                "Avviare un servizio di telefonate di compagnia",
                "all'unanimità",
                [("Elenco dei volontari per le telefonate", "manoamica", 20, "open")],
            ),
        ],
    ),
    (
        12,
        "Tavolo solidale di novembre",
        [
            (
                "Inserimenti lavorativi",
                "La Rete e Apuana Lavoro presentano i posti disponibili per tirocini.",
                "Mappare i tirocini disponibili per persone in carico",
                "consenso",
                [("Mappa dei tirocini disponibili", "larete", 10, "open")],
            ),
        ],
    ),
)

#: (count, unit, title, category code, neighbourhood, urgency, reporter key)
NEEDS: tuple[tuple[int, str, str, str, str, str, str], ...] = (
    (10, "famiglie", "senza riscaldamento", "housing", "Romagnano", "high", "comune"),
    (6, "famiglie", "con bollette arretrate", "income", "Marina di Massa", "medium", "comune"),
    (30, "pacchi viveri", "al mese mancanti", "food", "Castagnola", "high", "bancoalimentare"),
    (12, "persone", "senza dimora in centro", "homelessness", "Centro", "high", "carita"),
    (8, "anziani", "soli senza rete familiare", "loneliness", "Ronchi", "medium", "manoamica"),
    (15, "ragazzi", "senza supporto ai compiti", "education", "Mirteto", "low", "comune"),
    (5, "persone", "senza documenti validi", "documents", "Centro", "medium", "ilponte"),
    (20, "famiglie", "senza accesso a internet", "digital", "Borgo del Ponte", "low", "larete"),
    (4, "nuclei", "in sovraffollamento", "housing", "Quercioli", "medium", "erp"),
    (9, "persone", "in cerca di primo lavoro", "work", "Bondano", "medium", "larete"),
    (25, "pasti", "serali a settimana", "food", "Centro", "high", "carita"),
    (
        3,
        "famiglie",
        "con disabilità senza trasporto",
        "disability",
        "Villette",
        "high",
        "croceazzurra",
    ),
    (7, "persone", "in attesa di visita specialistica", "health", "Turano", "medium", "comune"),
    (11, "famiglie", "monogenitoriali senza nido", "family", "Marina di Massa", "medium", "comune"),
    (40, "coperte", "per l'emergenza freddo", "homelessness", "Centro", "high", "carita"),
)

#: (need index, pledging organization, what, share of the need, status)
PLEDGES: tuple[tuple[int, str, str, float, str], ...] = (
    (0, "ilponte", "Stufe elettriche in comodato", 0.4, "delivered"),
    (0, "erp", "Riparazione delle caldaie", 0.6, "confirmed"),
    (2, "carita", "Raccolta viveri nelle parrocchie", 0.5, "delivered"),
    (3, "croceazzurra", "Unità di strada notturna", 0.5, "confirmed"),
    (4, "larete", "Telefonate di compagnia", 1.0, "delivered"),
    (5, "ilponte", "Doposcuola due pomeriggi", 0.6, "offered"),
    (6, "senzaconfini", "Accompagnamento in Questura", 1.0, "confirmed"),
    (7, "apuanalavoro", "Corso di alfabetizzazione digitale", 0.5, "offered"),
    (9, "apuanalavoro", "Tirocini in cooperativa di tipo B", 0.4, "confirmed"),
    (10, "ilponte", "Derrate per la mensa serale", 1.0, "delivered"),
    (11, "comune", "Trasporto sociale comunale", 0.3, "offered"),
    (13, "donnalibera", "Spazio bimbi due mattine", 0.3, "delivered"),
    (14, "croceazzurra", "Coperte dalla raccolta", 0.5, "delivered"),
)


def _writer(city: City, key: str) -> Any:
    """The first member of the organization who writes on the board (None if it has none)."""
    preferred = (Role.COORDINATOR, Role.SOCIAL_WORKER, Role.ORG_OPERATOR, Role.ORG_ADMIN)
    members = [(user, role) for user, org, role in city.users if org == key and role in WRITE_ROLES]
    members.sort(key=lambda member: preferred.index(member[1]) if member[1] in preferred else 9)
    return members[0][0] if members else None


def _coordinator(city: City) -> Any:
    return next(
        user for user, org, role in city.users if org == "comune" and role == Role.COORDINATOR
    )


def _advance(action: Any, status: str, city: City, key: str) -> None:
    if status == "open":
        return
    actor = _writer(city, key) or _coordinator(city)
    if status == "done":
        services.action_progress_record(
            actor=actor, action=action, status="in_progress", note="Avviata"
        )
    services.action_progress_record(actor=actor, action=action, status=status, note="Aggiornamento")


def _needs(city: City, rng: random.Random) -> list[Need]:
    categories = {category.code: category for category in NeedCategory.objects.all()}
    needs = []
    for count, unit, title, code, place, urgency, key in NEEDS:
        reporter = _writer(city, key) or _coordinator(city)
        needs.append(
            services.need_report(
                actor=reporter,
                data={
                    "count": count,
                    "unit": unit,
                    "title": title,
                    "category": categories[code],
                    "neighbourhood": city.neighbourhoods.get(place),
                    "urgency": urgency,
                    "description": rng.choice(
                        (
                            "Segnalato agli sportelli nelle ultime settimane.",
                            "Dato aggregato dalle schede in carico.",
                            "Emerso dal lavoro di strada.",
                        )
                    ),
                },
            )
        )
    for index, key, what, share, status in PLEDGES:
        actor = _writer(city, key)
        need = needs[index]
        if actor is None or actor.membership.organization_id == need.organization_id:
            continue
        pledge = services.pledge_make(
            actor=actor,
            need=need,
            data={
                "what": what,
                "quantity": max(1, round(need.count * share)),
                "by_date": timezone.localdate() + timedelta(days=rng.randint(5, 40)),
            },
        )
        if status in ("confirmed", "delivered"):
            services.pledge_status_set(actor=actor, pledge=pledge, status="confirmed")
        if status == "delivered":
            services.pledge_status_set(actor=actor, pledge=pledge, status="delivered")
    return needs


def seed_demo(*, city: City, rng: random.Random) -> None:
    """Create the coordination table's demo data through its services."""
    if not NeedCategory.objects.exists():
        return
    coordinator = _coordinator(city)
    invited = [city.organizations[key] for key in INVITED if key in city.organizations]
    needs = _needs(city, rng)
    by_category = {need.category.code: need for need in needs}
    today = timezone.localdate()
    for days_ago, title, points in MEETINGS:
        meeting = services.meeting_convene(
            actor=coordinator,
            data={
                "title": title,
                "starts_at": timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
                - timedelta(days=days_ago),
                "place": "Sala della Resistenza, Palazzo Civico, Massa",
            },
            organizations=invited,
        )
        for participant in meeting.participants.select_related("organization"):
            if rng.random() < 0.85:
                services.attendee_add(
                    actor=coordinator,
                    meeting=meeting,
                    organization=participant.organization,
                    full_name=f"Referente {participant.organization.name.split(' — ')[0][:60]}",
                )
        for point, minutes, decision_text, vote, actions in points:
            item = services.agenda_item_add(actor=coordinator, meeting=meeting, title=point)
            services.minutes_save(actor=coordinator, item=item, text=minutes, base_version=0)
            decision = services.decision_record(
                actor=coordinator, item=item, text=decision_text, vote_note=vote
            )
            for action_title, key, offset, status in actions:
                if key not in city.organizations:
                    continue
                owner_org = city.organizations[key]
                if not meeting.participants.filter(organization=owner_org).exists():
                    continue
                related = [
                    need
                    for code, need in by_category.items()
                    if code in ("housing", "food", "homelessness", "loneliness", "work")
                    and code in action_title.lower() + point.lower()
                ]
                action = services.action_assign(
                    actor=coordinator,
                    decision=decision,
                    data={
                        "title": action_title,
                        "owner_organization": owner_org,
                        "owner": _writer(city, key),
                        "deadline": today + timedelta(days=offset),
                    },
                    needs=related or [by_category[rng.choice(list(by_category))]],
                )
                _advance(action, status, city, key)
        services.meeting_close(actor=coordinator, meeting=meeting)
        services.minutes_publish(actor=coordinator, meeting=meeting)
    upcoming = services.meeting_convene(
        actor=coordinator,
        data={
            "title": "Tavolo solidale di dicembre",
            "starts_at": timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
            + timedelta(days=9),
            "place": "Sala della Resistenza, Palazzo Civico, Massa",
            "online_url": "https://meet.comune-massa.demo/tavolo-dicembre",
        },
        organizations=invited,
    )
    for point in (
        "Verifica delle azioni del piano freddo",
        "Bacheca dei bisogni: priorità",
        "Varie",
    ):
        services.agenda_item_add(actor=coordinator, meeting=upcoming, title=point)
