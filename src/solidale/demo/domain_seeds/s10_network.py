"""Demo data of the network: organization profiles, agreements with the Comune and about
forty services in Massa with their places, opening hours and live capacity."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from solidale.network.models import (
    AgreementKind,
    Capacity,
    CapacityKind,
    LegalForm,
    NeedCategory,
    Program,
    Service,
    ServiceStatus,
)
from solidale.network.services import (
    agreement_create,
    capacity_create,
    location_create,
    organization_profile_update,
    program_create,
    schedule_add,
    service_create,
    service_location_add,
)

if TYPE_CHECKING:
    from solidale.demo.city import City

WEEKDAYS = "MO,TU,WE,TH,FR"

#: organization key → (legal form, description, areas, neighbourhoods served)
PROFILES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "comune": (
        LegalForm.ENTE_PUBBLICO,
        "Servizi sociali del Comune di Massa: segretariato sociale, presa in carico, "
        "contributi economici e coordinamento della rete.",
        ("income", "family", "housing", "disability", "documents"),
        (),
    ),
    "ilponte": (
        LegalForm.COOPERATIVA_SOCIALE,
        "Accoglienza notturna, educativa di strada e accompagnamento all'abitare.",
        ("homelessness", "housing", "addictions"),
        ("Borgo del Ponte", "Centro", "Castagnola"),
    ),
    "larete": (
        LegalForm.COOPERATIVA_SOCIALE,
        "Servizi domiciliari per anziani e persone con disabilità, centri diurni.",
        ("disability", "loneliness", "family"),
        ("Villette", "Romagnano", "Bondano"),
    ),
    "apuanalavoro": (
        LegalForm.COOPERATIVA_SOCIALE,
        "Inserimento lavorativo di persone svantaggiate: tirocini, orientamento, lavoro.",
        ("work", "justice"),
        ("Bondano", "Quercioli"),
    ),
    "manoamica": (
        LegalForm.ODV,
        "Volontari per la spesa, l'accompagnamento e la compagnia a chi è solo.",
        ("loneliness", "food"),
        ("Romagnano", "Villette"),
    ),
    "carita": (
        LegalForm.ENTE_RELIGIOSO,
        "Dormitorio, mensa, docce e guardaroba per chi vive in strada.",
        ("homelessness", "food"),
        ("Centro",),
    ),
    "croceazzurra": (
        LegalForm.ODV,
        "Trasporto sociale, ambulatorio solidale, emergenza freddo.",
        ("health", "homelessness"),
        ("Centro", "Marina di Massa"),
    ),
    "bancoalimentare": (
        LegalForm.ODV,
        "Raccolta e distribuzione di alimenti alle famiglie segnalate dalla rete.",
        ("food",),
        ("Quercioli", "Turano", "Marina di Massa"),
    ),
    "senzaconfini": (
        LegalForm.APS,
        "Mediazione linguistica e culturale, scuola di italiano, sportello stranieri.",
        ("documents", "education"),
        ("Turano", "Centro"),
    ),
    "donnalibera": (
        LegalForm.APS,
        "Centro antiviolenza: ascolto, consulenza legale, case rifugio.",
        ("violence",),
        (),
    ),
    "argentoattivo": (
        LegalForm.APS,
        "Attività motorie e di socialità per le persone anziane.",
        ("loneliness", "health"),
        ("Castagnola", "Mirteto"),
    ),
}

#: (organization key, agreement kind, title, months since it started, months it lasts)
AGREEMENTS = (
    ("ilponte", AgreementKind.COPROGETTAZIONE, "Accoglienza invernale e pronto intervento", 10, 11),
    ("carita", AgreementKind.CONVENZIONE, "Dormitorio Il Mantello: 24 posti", 22, 36),
    ("bancoalimentare", AgreementKind.CONVENZIONE, "Distribuzione pacchi alimentari", 6, 24),
    ("larete", AgreementKind.ACCREDITAMENTO, "Assistenza domiciliare accreditata", 30, 60),
    (
        "senzaconfini",
        AgreementKind.COPROGETTAZIONE,
        "Sportello di mediazione interculturale",
        11,
        13,
    ),
    ("apuanalavoro", AgreementKind.CONVENZIONE, "Tirocini di inclusione sociale", 4, 12),
    ("donnalibera", AgreementKind.CONVENZIONE, "Centro antiviolenza e casa rifugio", 15, 36),
)


@dataclass(frozen=True)
class Spec:
    org: str
    name: str
    needs: tuple[str, ...]
    place: str  # neighbourhood
    hours: tuple[tuple[str, time, time], ...]
    capacity: tuple[str, int, int] | None = None
    languages: str = "it"
    how: str = "Accesso libero negli orari indicati."
    documents: str = ""
    eligibility: str = ""


def _h(byday: str, opens: int, closes: int) -> tuple[str, time, time]:
    return (byday, time(opens), time(closes))


SERVICES: tuple[Spec, ...] = (
    Spec("comune", "Segretariato sociale — sportello Centro", ("income", "family", "housing"), "Centro",
         (_h(WEEKDAYS, 9, 12), _h("TU,TH", 15, 17)), ("appointments", 12, 5), "it,en",
         "Su appuntamento o accesso libero la mattina.", "Documento d'identità\nCodice fiscale"),
    Spec("comune", "Segretariato sociale — sportello Marina", ("income", "family"), "Marina di Massa",
         (_h("MO,WE,FR", 9, 12),), ("appointments", 8, 3)),
    Spec("comune", "Segretariato sociale — sportello Romagnano", ("income", "family"), "Romagnano",
         (_h("TU,TH", 9, 12),), ("appointments", 6, 6)),
    Spec("comune", "Segretariato sociale — sportello Borgo del Ponte", ("income", "housing"),
         "Borgo del Ponte", (_h("WE", 9, 13),), ("appointments", 6, 2)),
    Spec("comune", "Contributi economici straordinari", ("income",), "Centro", (_h(WEEKDAYS, 9, 12),),
         how="Domanda tramite l'assistente sociale di riferimento.",
         documents="ISEE in corso di validità\nDocumento d'identità"),
    Spec("comune", "Servizio emergenza abitativa", ("housing",), "Centro", (_h("MO,WE", 9, 12),),
         how="Su segnalazione del segretariato sociale."),
    Spec("ilponte", "Dormitorio notturno Il Ponte", ("homelessness",), "Borgo del Ponte",
         (_h("MO,TU,WE,TH,FR,SA,SU", 20, 8),), ("beds", 18, 4), "it,en,ar,ro",
         "Ingresso dalle 20 alle 22, accoglienza con colloquio.", "Documento d'identità, se disponibile"),
    Spec("ilponte", "Unità di strada", ("homelessness", "addictions"), "Centro",
         (_h("TU,TH,SA", 21, 1),), languages="it,en,ar"),
    Spec("ilponte", "Accompagnamento all'abitare", ("housing",), "Castagnola", (_h("MO,TH", 14, 18),),
         ("places", 10, 2), how="Su invio dei servizi sociali."),
    Spec("ilponte", "Emergenza freddo — posti aggiuntivi", ("homelessness",), "Centro",
         (_h("MO,TU,WE,TH,FR,SA,SU", 19, 9),), ("beds", 12, 7), "it,en,ar"),
    Spec("larete", "Assistenza domiciliare anziani", ("disability", "loneliness"), "Villette",
         (_h(WEEKDAYS, 8, 18),), ("places", 40, 3), how="Su progetto dei servizi sociali."),
    Spec("larete", "Centro diurno Le Querce", ("disability",), "Romagnano", (_h(WEEKDAYS, 8, 16),),
         ("places", 25, 1)),
    Spec("larete", "Spazio famiglie e neogenitori", ("family",), "Bondano", (_h("WE,SA", 9, 12),)),
    Spec("larete", "Trasporto disabili", ("disability",), "Villette", (_h(WEEKDAYS, 7, 19),),
         ("appointments", 30, 11), how="Prenotazione telefonica con due giorni di anticipo."),
    Spec("apuanalavoro", "Orientamento al lavoro", ("work",), "Bondano", (_h("MO,WE", 9, 13),),
         ("appointments", 10, 4), "it,en,fr", documents="Curriculum, se disponibile"),
    Spec("apuanalavoro", "Tirocini di inclusione", ("work", "justice"), "Bondano",
         (_h("TU,TH", 14, 17),), ("places", 15, 0), how="Su invio dei servizi sociali o dell'UEPE."),
    Spec("apuanalavoro", "Laboratorio di riciclo e manutenzione del verde", ("work",), "Quercioli",
         (_h(WEEKDAYS, 8, 14),)),
    Spec("manoamica", "Spesa a domicilio per anziani soli", ("loneliness", "food"), "Romagnano",
         (_h("TU,FR", 9, 12),), ("places", 20, 6)),
    Spec("manoamica", "Telefonate di compagnia", ("loneliness",), "Romagnano", (_h(WEEKDAYS, 10, 12),)),
    Spec("manoamica", "Accompagnamento a visite mediche", ("loneliness", "health"), "Villette",
         (_h(WEEKDAYS, 8, 13),), ("appointments", 15, 9)),
    Spec("carita", "Dormitorio Il Mantello", ("homelessness",), "Centro",
         (_h("MO,TU,WE,TH,FR,SA,SU", 19, 8),), ("beds", 24, 2), "it,en,ar,sq",
         "Ingresso dalle 19 alle 21.", "Documento d'identità, se disponibile"),
    Spec("carita", "Mensa serale", ("food", "homelessness"), "Centro",
         (_h("MO,TU,WE,TH,FR,SA,SU", 18, 20),), ("meals", 80, 35), "it,en,ar"),
    Spec("carita", "Docce e guardaroba", ("homelessness",), "Centro", (_h("MO,WE,FR", 9, 12),),
         ("appointments", 20, 8)),
    Spec("carita", "Centro di ascolto diocesano", ("income", "food", "loneliness"), "Centro",
         (_h("TU,TH", 9, 12),), languages="it,es"),
    Spec("croceazzurra", "Ambulatorio solidale", ("health",), "Centro", (_h("MO,TH", 15, 18),),
         ("appointments", 16, 5), "it,en,fr", "Accesso libero, anche senza tessera sanitaria."),
    Spec("croceazzurra", "Trasporto sociale", ("health", "disability"), "Centro", (_h(WEEKDAYS, 7, 19),),
         ("appointments", 25, 10)),
    Spec("croceazzurra", "Coperte e bevande calde — emergenza freddo", ("homelessness",),
         "Marina di Massa", (_h("MO,WE,FR", 21, 23),)),
    Spec("bancoalimentare", "Pacchi alimentari — Quercioli", ("food",), "Quercioli",
         (_h("TU,SA", 9, 12),), ("parcels_week", 60, 22), "it,ar,ro",
         "Su invio dei servizi sociali o di un centro di ascolto.", "ISEE o relazione del servizio"),
    Spec("bancoalimentare", "Pacchi alimentari — Marina", ("food",), "Marina di Massa",
         (_h("TH", 15, 18),), ("parcels_week", 40, 9)),
    Spec("bancoalimentare", "Emporio solidale", ("food", "income"), "Turano", (_h("WE,FR", 15, 19),),
         ("parcels_week", 50, 30), how="Con la tessera a punti rilasciata dalla rete."),
    Spec("senzaconfini", "Sportello stranieri", ("documents",), "Turano", (_h("MO,WE", 15, 18),),
         ("appointments", 12, 4), "it,en,fr,ar,ur,bn", documents="Permesso di soggiorno o ricevuta"),
    Spec("senzaconfini", "Scuola di italiano per adulti", ("education",), "Centro",
         (_h("TU,TH", 18, 20),), ("places", 30, 12), "it,en,ar,uk"),
    Spec("senzaconfini", "Mediazione linguistica su richiesta", ("documents", "health"), "Turano",
         (_h(WEEKDAYS, 9, 13),), languages="it,ar,ro,sq,zh,uk,wo"),
    Spec("donnalibera", "Centro antiviolenza — ascolto", ("violence",), "Centro",
         (_h(WEEKDAYS, 9, 18),), languages="it,en,es,ro",
         how="Telefona o presentati: l'ascolto è riservato e gratuito."),
    Spec("donnalibera", "Consulenza legale per donne", ("violence", "justice"), "Centro",
         (_h("WE", 14, 18),), ("appointments", 6, 2)),
    Spec("argentoattivo", "Ginnastica dolce per anziani", ("loneliness", "health"), "Castagnola",
         (_h("MO,WE,FR", 9, 11),), ("places", 25, 7)),
    Spec("argentoattivo", "Circolo del pomeriggio", ("loneliness",), "Mirteto", (_h("TU,TH,SA", 15, 19),)),
    Spec("erp", "Sportello inquilini ERP", ("housing",), "Centro", (_h("MO,TH", 9, 12),),
         ("appointments", 10, 3), documents="Contratto di locazione"),
    Spec("scuola", "Doposcuola solidale", ("education", "family"), "Mirteto", (_h("MO,WE", 14, 17),),
         ("places", 20, 5)),
    Spec("comune", "Sportello digitale — SPID e servizi online", ("digital", "documents"), "Centro",
         (_h("TU,FR", 9, 12),), ("appointments", 8, 8), "it,en"),
)  # fmt: skip


def seed_demo(*, city: City, rng: random.Random) -> None:
    if Service.objects.exists():
        return
    today = timezone.localdate()
    categories = {category.code: category for category in NeedCategory.objects.all()}
    for key, (legal_form, description, areas, served) in PROFILES.items():
        organization = city.organizations[key]
        organization_profile_update(
            organization=organization,
            data={
                "legal_form": legal_form,
                "description": description,
                "public_email": organization.email or f"info@{key}.demo",
                "contact_role": "Segreteria",
            },
            areas=[categories[code] for code in areas],
            neighbourhoods=[city.neighbourhoods[name] for name in served],
            actor=None,
        )
    for key, kind, title, started, lasts in AGREEMENTS:
        valid_from = today - timedelta(days=30 * started)
        agreement_create(
            organization=city.organizations[key],
            kind=kind,
            title=title,
            reference=f"Determina n. {rng.randint(100, 999)}/{valid_from.year}",
            valid_from=valid_from,
            valid_to=valid_from + timedelta(days=30 * lasts),
            actor=None,
        )
    program = program_create(
        organization=city.organizations["ilponte"], name="Piano inverno", actor=None
    )
    for spec in SERVICES:
        _service_seed(spec, city=city, rng=rng, categories=categories, winter=program)


def _service_seed(
    spec: Spec,
    *,
    city: City,
    rng: random.Random,
    categories: dict[str, NeedCategory],
    winter: Program,
) -> None:
    organization = city.organizations[spec.org]
    service = service_create(
        organization=organization,
        data={
            "name": spec.name,
            "description": f"{spec.name}: servizio di {organization.short_name or organization.name}.",
            "languages": spec.languages,
            "application_process": spec.how,
            "required_documents": spec.documents,
            "eligibility_description": spec.eligibility
            or "Persone residenti o domiciliate a Massa.",
            "program": winter if spec.org == "ilponte" and "freddo" in spec.name else None,
            "status": ServiceStatus.ACTIVE,
        },
        need_categories=[categories[code] for code in spec.needs],
        actor=None,
    )
    neighbourhood = city.neighbourhoods[spec.place]
    lat = (neighbourhood.centroid_lat or 44.035) + rng.uniform(-0.0012, 0.0012)
    lon = (neighbourhood.centroid_lon or 10.14) + rng.uniform(-0.0012, 0.0012)
    location = location_create(
        organization=organization,
        data={
            "name": f"{organization.short_name or organization.name} — {spec.place}",
            "address": f"Via {spec.place} {rng.randint(1, 90)}",
            "neighbourhood": neighbourhood,
            "postal_code": "54100",
            "latitude": round(lat, 6),
            "longitude": round(lon, 6),
            "accessibility": rng.choice(("Ingresso senza gradini", "Ascensore", "")),
        },
        actor=None,
    )
    service_location_add(service=service, location=location, actor=None)
    for byday, opens, closes in spec.hours:
        schedule_add(service=service, byday=byday, opens_at=opens, closes_at=closes, actor=None)
    if spec.capacity:
        kind, total, available = spec.capacity
        capacity = capacity_create(
            service=service, kind=CapacityKind(kind), total=total, available=available, actor=None
        )
        # Counts updated over the last day or so, so the directory shows their age.
        hours_ago = rng.randint(0, 30)
        Capacity.objects.filter(pk=capacity.pk).update(
            updated_at=timezone.now() - timedelta(hours=hours_ago)
        )
    if rng.random() < 0.15:  # a few entries nobody confirmed for months
        Service.objects.filter(pk=service.pk).update(
            last_confirmed_at=timezone.now() - timedelta(days=rng.randint(95, 200))
        )
